import Foundation
import Testing
@testable import PostmortemKit

/// The sample knowledge base in `postmortems/` is the demo every new user
/// sees first: it must be clean and cover what the product is for.
@Suite struct SampleKnowledgeBaseTests {
    static func report() throws -> CheckReport {
        let configuration = try Check.configurationFile(path: packageRoot.appendingPathComponent("postmortem.yml").path)
        return try Check.run(folder: packageRoot.appendingPathComponent("postmortems").path,
                             configurationFile: configuration)
    }

    @Test func checksCleanWithTheSampleConfiguration() throws {
        let report = try Self.report()
        #expect(report.errorCount == 0, "\(report.diagnostics.map(DiagnosticFormatter.text).joined())")
        #expect(report.configuration.language == .ja)
        #expect(report.configuration.timeZoneName == "Asia/Tokyo")
        // The one legacy file without front matter is the only one warned
        // about: what it lacks, and the recovery time read from its text.
        #expect(report.diagnostics.map(\.code) == [.noFrontMatter, .inferredValue])
        #expect(Set(report.diagnostics.map(\.location.file)).count == 1)
    }

    @Test func coversWhatTheProductIsFor() throws {
        let postmortems = try Self.report().load.postmortems
        #expect(postmortems.count >= 16)
        let japanese = postmortems.filter { $0.title.unicodeScalars.contains { (0x3040...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) } }
        #expect(abs(japanese.count * 2 - postmortems.count) <= 4, "about half in Japanese: \(japanese.count) of \(postmortems.count)")
        let dates = postmortems.compactMap(\.date).sorted()
        let first = try #require(dates.first), last = try #require(dates.last)
        #expect((last.year - first.year) * 12 + last.month - first.month >= 24)
        let categories = Set(postmortems.flatMap(\.causes).compactMap(\.category))
        #expect(categories == Set(CauseCategory.defaults.map(\.id)))
        #expect(postmortems.contains { $0.kind == .nearMiss })
        #expect(postmortems.contains { $0.status == .draft })
        #expect(postmortems.contains { !$0.source.hasFrontMatter })
    }

    @Test func severalCausesRecur() throws {
        let postmortems = try Self.report().load.postmortems
        var counts: [String: Int] = [:]
        for postmortem in postmortems {
            for key in Set(postmortem.causes.filter { !$0.keyIsDerived }.map(\.key)) { counts[key, default: 0] += 1 }
        }
        let recurring = counts.filter { $0.value >= 2 }
        #expect(recurring.count >= 3)
        #expect(recurring.values.allSatisfy { $0 <= 5 })
        #expect(recurring.values.contains { $0 >= 3 })
    }

    /// The first users' own experience: release bugs first, then human error.
    @Test func releaseBugsAndHumanErrorAreTheMostCommonCauses() throws {
        let postmortems = try Self.report().load.postmortems
        var counts: [String: Int] = [:]
        for postmortem in postmortems where postmortem.kind == .incident {
            if let category = postmortem.primaryCause?.category { counts[category, default: 0] += 1 }
        }
        let ranked = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        #expect(Array(ranked.prefix(2)) == ["release-bug", "human-error"], "\(counts)")
    }

    @Test func aRecurrenceCameAfterItsFixWasDone() throws {
        let postmortems = try Self.report().load.postmortems.sorted { ($0.date ?? day(1, 1, 1)!) < ($1.date ?? day(1, 1, 1)!) }
        let escaped = postmortems.enumerated().contains { index, later in
            postmortems[..<index].contains { earlier in
                !Set(earlier.causes.map(\.key)).isDisjoint(with: later.causes.map(\.key))
                    && !earlier.recurrenceFix.isEmpty
                    && earlier.recurrenceFix.allSatisfy { $0.status == .done && ($0.completed ?? day(9999, 1, 1)!) < (later.date ?? day(1, 1, 1)!) }
            }
        }
        #expect(escaped)
    }
}
