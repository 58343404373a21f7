import Foundation
import Testing
@testable import PostmortemKit
@testable import Markdown

/// Times read from the kinds of text real postmortems keep their numbers in
/// (written here in our own words).
@Suite struct BodyFactsTests {
    func infer(_ body: String, offset: Int = 0) -> InferredTimes {
        BodyFacts.infer(from: MarkdownDocument(body).render(), lineOffset: offset)
    }

    @Test func statsListInEnglish() {
        let times = infer("## Stats\n\n- Time to detection: 12 minutes\n- Time to mitigate: 40 minutes\n- Time to recovery: 95 minutes\n")
        #expect(times.timeToDetect == InferredDuration(minutes: 12, approximate: false, line: 3, evidence: "Time to detection: 12 minutes"))
        #expect(times.timeToMitigate?.minutes == 40)
        #expect(times.timeToRecover == InferredDuration(minutes: 95, approximate: false, line: 5, evidence: "Time to recovery: 95 minutes"))
    }

    @Test func boldLabelWithClockRangeAndMinutes() {
        let times = infer("Intro.\n\n**Duration:** 09:10 to 10:52 UTC (102 minutes)\n", offset: 10)
        #expect(times.timeToRecover == InferredDuration(minutes: 102, approximate: false, line: 13,
                                                        evidence: "Duration: 09:10 to 10:52 UTC (102 minutes)"))
    }

    @Test func clockRangeAloneAcrossMidnight() {
        #expect(infer("Outage duration: 23:40 - 00:25\n").timeToRecover?.minutes == 45)
    }

    @Test func hoursAndMinutesShortForm() {
        #expect(infer("Time to resolve: 7h 05m\n").timeToRecover?.minutes == 425)
        #expect(infer("- **Downtime**: 3 hours 10 minutes of partial impact\n").timeToRecover?.minutes == 190)
    }

    @Test func japaneseMetadataTable() {
        let times = infer("""
            ## メタデータ

            | 項目 | 値 |
            |------|-----|
            | 重大度 | SEV-2 |
            | 影響期間 | 2025-01-10 08:05 JST 〜 09:50 JST (約 1 時間 45 分) |
            """)
        #expect(times.timeToRecover == InferredDuration(minutes: 105, approximate: true, line: 6,
                                                        evidence: "影響期間 | 2025-01-10 08:05 JST 〜 09:50 JST (約 1 時間 45 分)"))
    }

    @Test func japaneseLabelledLinesWithHedges() {
        let times = infer("- **検知までの時間 (TTD):** 障害発生から約 25 分\n- **復旧までの時間:** 最大 3 時間弱\n")
        #expect(times.timeToDetect?.minutes == 25)
        #expect(times.timeToDetect?.approximate == true)
        #expect(times.timeToRecover?.minutes == 180)
        #expect(times.timeToRecover?.approximate == true)
    }

    @Test func phrasesForTheLengthOfTheOutage() {
        #expect(infer("The API was down, an outage lasting 2 hours and 15 minutes, from 14:00 UTC.\n").timeToRecover?.minutes == 135)
        #expect(infer("管理画面が約90分にわたり表示できなかった。\n").timeToRecover
            == InferredDuration(minutes: 90, approximate: true, line: 1, evidence: "管理画面が約90分にわたり表示できなかった。"))
    }

    @Test func unknownStaysUnknown() {
        #expect(infer("| 影響時間 | 断続的（数週間にわたり潜在） |\n|---|---|\n").isEmpty)
        #expect(infer("Time to recovery: unknown\n\nWe released v2.36.1 at 17:30.\n").isEmpty)
        #expect(infer("Duration of the investigation was long.\n").isEmpty)
        #expect(infer("The last 5 months were calm.\n").isEmpty)
    }

    @Test func frontMatterWinsAndInferenceIsLabelled() {
        let stated = load(frontMatter("duration: 30m", body: "Time to recovery: 95 minutes\n"))
        #expect(stated.postmortem?.inferred.timeToRecover == nil)
        let legacy = load("# Old report\n\nTime to recovery: 95 minutes\n", path: "2023-01-02-old.md")
        #expect(legacy.postmortem?.inferred.timeToRecover?.minutes == 95)
        #expect(legacy.diagnostics.last == diagnostic(
            .warning, .inferredValue, 3, 1, "time to recover inferred from the text: 1h 35m",
            notes: ["it is shown as inferred; state it in the front matter with duration: 1h35m (or started_at and resolved_at)"],
            source: "Time to recovery: 95 minutes", file: "2023-01-02-old.md"))
    }

    @Test func durationsInRunningText() throws {
        let found = DurationParsing.firstDuration(in: "ユーザー体感 11 分（06:38 → 06:49）")
        #expect(found?.minutes == 11)
        #expect(DurationParsing.firstDuration(in: "release v2 at 19:25 on 2026-03-23") == nil)
        #expect(DurationParsing.firstDuration(in: "1 hour and 48 minutes, from 16:58")?.minutes == 108)
        #expect(try #require(BodyFacts.duration(inValue: "about 1 hour and 48 minutes, from 16:58")) == (108, true))
        #expect(try #require(BodyFacts.duration(inValue: "less than 5 minutes")) == (5, true))
    }
}

@Suite struct LabelNormalisationTests {
    /// The byte path for ASCII labels gives what the Foundation path gives.
    @Test(arguments: ["**Time to Recovery**", "  - TTR (approx.) ", "Duration(UTC)", "10", "10:32 paged",
                      "`Outage`  _Length_", "a (b) c (d", "(only)", "--", "", " \tIncident\u{0B}Duration ",
                      "Impact Duration (minutes) (total)", "x)y(z"])
    func asciiLabelsNormaliseAsUnicodeOnes(label: String) {
        #expect(BodyFacts.normalizeASCIILabel(Array(label.utf8)) == BodyFacts.normalizeUnicodeLabel(label))
    }
}

@Suite struct WordNormalisationTests {
    @Test(arguments: ["SEV2", " In Progress ", "wont_do", "\tDone\t", "a  b", "", "  ", "Release-Bug", "x\u{0B}y"])
    func asciiWordsNormaliseAsFoundationDoes(word: String) {
        let foundation = word.precomposedStringWithCompatibilityMapping.lowercased()
            .trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        #expect(FieldReader.normalizedWord(word) == foundation)
    }
}
