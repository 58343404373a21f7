import Foundation
import Testing
@testable import PostmortemKit

/// `postmortem new`: the id, the file name, the template, and never overwriting.
@Suite struct NewPostmortemTests {
    /// 2026-12-01 20:00 UTC, already 2 December in Tokyo.
    static let evening = instant("2026-12-01T20:00Z")

    func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-new-\(UUID().uuidString)")
    }

    @Test func nextIDFollowsTheTeamsPattern() {
        // None yet: a sensible default.
        #expect(IDPattern.next(after: [], year: 2026) == "INC-2026-001")
        #expect(IDPattern.next(after: ["2024-03-02-db-outage"], year: 2026) == "INC-2026-001", "a name without a number-like id")
        // Prefix, year, number: the number counts within the year and keeps its width.
        #expect(IDPattern.next(after: ["PM-2024-007", "PM-2024-003", "PM-2023-011"], year: 2024) == "PM-2024-008")
        #expect(IDPattern.next(after: ["PM-2024-007", "PM-2023-011"], year: 2025) == "PM-2025-001")
        #expect(IDPattern.next(after: ["PM_2024_7"], year: 2024) == "PM_2024_8")
        // A running number.
        #expect(IDPattern.next(after: ["OPS-042", "OPS-7", "OPS-041"], year: 2026) == "OPS-043")
        #expect(IDPattern.next(after: ["INC99"], year: 2026) == "INC100")
        // The most used pattern wins over a stray id; a used id is skipped.
        #expect(IDPattern.next(after: ["PM-2026-001", "PM-2026-002", "legacy-17"], year: 2026) == "PM-2026-003")
        #expect(IDPattern.next(after: ["A-1", "A-3", "B-2"], year: 2026) == "A-4")
        #expect(IDPattern.next(after: ["INC-2026-001", "INC-2026-002", "INC-2026-3"], year: 2026) == "INC-2026-004")
    }

    @Test func slugsAreReadableInAnyScript() {
        #expect(NewPostmortem.slug("Reservations page blank after release") == "reservations-page-blank-after-release")
        #expect(NewPostmortem.slug("予約ページが「リリース後」に真っ白になった") == "予約ページが-リリース後-に真っ白になった")
        #expect(NewPostmortem.slug("ＤＢ接続プールが枯渇 (v3.8)") == "db接続プールが枯渇-v3-8")
        #expect(NewPostmortem.slug("ｶﾅ: 50% / 100%?") == "カナ-50-100")
        #expect(NewPostmortem.slug("../../etc/passwd") == "etc-passwd")
        #expect(NewPostmortem.slug("!!!") == "postmortem")
        let long = NewPostmortem.slug(String(repeating: "障害", count: 100))
        #expect(long.count == 60 && long.utf8.count < 200)
    }

    @Test(arguments: Language.allCases)
    func theDraftIsACleanPostmortemWithTheValuesFilledIn(language: Language) throws {
        let title = #"Blank page: "release 3.8" \ rollback"#
        let options = NewPostmortem.Options(title: title, language: language, severity: "sev2",
                                            services: ["admin-panel", "true", "予約 API"], configuration: tokyo, now: Self.evening)
        let template = try NewPostmortem.template(language, templatesFolder: nil)
        let draft = try NewPostmortem.draft(options, template: template, existingIDs: ["INC-2026-004", "INC-2025-010"])
        #expect(draft.fileName == "2026-12-02-blank-page-release-3-8-rollback.md")
        #expect(draft.id == "INC-2026-005")
        #expect(!draft.text.contains("{{"))
        #expect(draft.text.contains("\n# \(title)\n"), "the body's heading is the title as written")
        let loaded = load(draft.text, path: draft.fileName, configuration: tokyo)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(DiagnosticFormatter.text).joined())")
        let pm = try #require(loaded.postmortem)
        #expect(pm.id == "INC-2026-005" && pm.title == title)
        #expect(pm.date == day(2026, 12, 2), "today in the site's time zone")
        #expect(pm.severity == "SEV2" && pm.status == .draft)
        #expect(pm.services == ["admin-panel", "true", "予約 API"])
        #expect(pm.milestones.isEmpty && pm.causes.isEmpty && pm.recurrenceFix.isEmpty, "placeholders, not values")
        #expect(draft.text.contains(language == .ja ? "## 根本原因" : "## Root cause"))
    }

    @Test func withoutASeverityTheFieldStaysEmptyAndClean() throws {
        let options = NewPostmortem.Options(title: "Slow search", configuration: .default, now: Self.evening)
        let draft = try NewPostmortem.draft(options, template: try NewPostmortem.template(.en, templatesFolder: nil), existingIDs: [])
        #expect(draft.fileName == "2026-12-01-slow-search.md", "UTC by default")
        let loaded = load(draft.text, path: draft.fileName)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(DiagnosticFormatter.text).joined())")
        #expect(loaded.postmortem?.severity == nil)
    }

    @Test func badInputIsRefusedWithAReason() throws {
        let template = try NewPostmortem.template(.en, templatesFolder: nil)
        #expect(throws: NewPostmortem.Failure.unknownSeverity("P1", ["SEV1", "SEV2", "SEV3", "SEV4"])) {
            try NewPostmortem.draft(NewPostmortem.Options(title: "x", severity: "P1"), template: template, existingIDs: [])
        }
        #expect(throws: NewPostmortem.Failure.emptyTitle) {
            try NewPostmortem.draft(NewPostmortem.Options(title: "  \n "), template: template, existingIDs: [])
        }
    }

    @Test func writesInTheFolderNeverOverwritesAndNumbersAfterTheFilesThere() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("postmortems")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Data(frontMatter("id: PM-2026-007\ntitle: Earlier").utf8).write(to: source.appendingPathComponent("old.md"))
        try Data(frontMatter("id: \"PM-2026-002\"\ntitle: Earlier still").utf8).write(to: source.appendingPathComponent("older.md"))

        let options = NewPostmortem.Options(title: "予約ページが真っ白", sourceFolder: source.path, language: .ja,
                                            configuration: tokyo, now: Self.evening)
        let first = try NewPostmortem.run(options)
        #expect(first.path == source.path + "/2026-12-02-予約ページが真っ白.md")
        #expect(first.id == "PM-2026-008" && first.diagnostics.isEmpty)
        let written = try String(contentsOfFile: first.path, encoding: .utf8)
        try Data((written + "\n編集済み\n").utf8).write(to: URL(fileURLWithPath: first.path))

        let second = try NewPostmortem.run(options)
        #expect(second.path == source.path + "/2026-12-02-予約ページが真っ白-2.md")
        #expect(second.id == "PM-2026-009")
        #expect(try String(contentsOfFile: first.path, encoding: .utf8).hasSuffix("編集済み\n"), "the first file is untouched")

        // The folder as check sees it: both new files clean, the ids distinct.
        let check = try Check.run(folder: source.path, configurationFile: nil)
        let problems = check.diagnostics.filter { $0.location.file.contains("予約") }
        #expect(problems.isEmpty, "\(problems.map(DiagnosticFormatter.text).joined())")
        #expect(check.errorCount == 0)
    }

    @Test func aTeamsTemplateTakesThePlaceOfTheBuiltInOne() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("site-templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("---\nid: {{id}}\ntitle: \"{{title}}\"\nseverity: {{severity}}\nservices: [{{services}}]\n---\n\n# {{title}}\n\n## Customer communication\n\nWhat we told customers, and when.\n"
            .utf8).write(to: templates.appendingPathComponent("postmortem.md"))
        let options = NewPostmortem.Options(title: "Checkout down", sourceFolder: folder.appendingPathComponent("pm").path,
                                            language: .en, severity: "SEV1", services: ["checkout"],
                                            templatesFolder: templates.path, now: Self.evening)
        let result = try NewPostmortem.run(options)
        let text = try String(contentsOfFile: result.path, encoding: .utf8)
        #expect(text == "---\nid: INC-2026-001\ntitle: \"Checkout down\"\nseverity: SEV1\nservices: [checkout]\n---\n\n# Checkout down\n\n## Customer communication\n\nWhat we told customers, and when.\n")
        // The Japanese template is not overridden there: the built-in one is used.
        var japanese = options
        japanese.language = .ja
        let other = try NewPostmortem.run(japanese)
        #expect(try String(contentsOfFile: other.path, encoding: .utf8).contains("## 根本原因"))

        // A template edited into an invalid postmortem: the file is written, and what check says comes back.
        try Data("---\nid: {{id}}\nseverity: SEV9\n---\n\n# {{title}}\n".utf8)
            .write(to: templates.appendingPathComponent("postmortem.md"))
        let broken = try NewPostmortem.run(options)
        #expect(broken.id == "INC-2026-003")
        #expect(broken.diagnostics.map(\.message).contains("unknown severity 'SEV9'; the levels are SEV1, SEV2, SEV3, SEV4 (first is worst)"))
        #expect(FileManager.default.fileExists(atPath: broken.path))
    }
}
