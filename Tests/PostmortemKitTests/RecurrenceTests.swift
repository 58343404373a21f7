import Foundation
import Testing
@testable import PostmortemKit

/// Recurrences and whether the fix promised earlier held, on hand-built sets
/// with known answers.
@Suite struct RecurrenceTests {
    static let utc = TimeZone(secondsFromGMT: 0)!

    func incidents(_ files: [(String, String)]) -> [Postmortem] {
        LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: .default).postmortems
    }

    static let chain: [(String, String)] = [
        ("c.md", frontMatter("id: C\nstarted_at: 2024-03-01T10:00Z\ncause: {key: pool}")),
        ("a.md", frontMatter("""
            id: A
            started_at: 2024-01-01T10:00Z
            cause: {key: pool}
            recurrence_fix:
              - {title: Bigger pool, status: done, completed: 2024-01-10}
              - {title: Not worth it, status: wont-do}
            """)),
        ("b.md", frontMatter("""
            id: B
            started_at: 2024-02-01T10:00Z
            cause: {key: Pool}
            recurrence_fix:
              - {title: Pool alerts, status: open}
            """)),
    ]

    @Test func aChainOfThreeLinksBothWaysWithAVerdictEach() throws {
        let result = RecurrenceAnalysis.analyze(incidents(Self.chain), timeZone: Self.utc)
        let a = try #require(result["A"]), b = try #require(result["B"]), c = try #require(result["C"])
        #expect(a.recurrenceOf == [] && a.recurredBy == ["B", "C"] && a.verdict == nil)
        #expect(b.recurrenceOf == ["A"] && b.recurredBy == ["C"])
        #expect(b.verdict == .escaped, "A's only promise was done before B began; won't-do is no promise")
        #expect(c.recurrenceOf == ["A", "B"] && c.recurredBy == [])
        #expect(c.verdict == .pending)
        #expect(c.pendingItems.map(\.id) == ["B"] && c.pendingItems.map(\.item.title) == ["Pool alerts"])
    }

    /// The memo gives what the analysis gives: made by the first build,
    /// read back by the next (each incident's when asked for), and a value
    /// that is not the postmortems' read as none, so the analysis runs again.
    @Test func recurrencesReadBackFromTheMemoAreTheAnalysis() throws {
        let postmortems = try MemoryTests.sample()
        let expected = RecurrenceAnalysis.analyze(postmortems, timeZone: Self.utc)
        #expect(expected.values.contains { $0.isRecurrence && !$0.pendingItems.isEmpty }, "the sample has recurrences with pending fixes")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-recurrences-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("recurrences.memo")
        func analyzed(_ postmortems: [Postmortem]) -> (Recurrences, (made: Int, read: Int)) {
            let memo = DigestMemo(file: file, name: "recurrences")
            let result = RecurrenceAnalysis.analyze(postmortems, timeZone: Self.utc, memo: memo)
            return (result, memo.counts)
        }
        let (made, first) = analyzed(postmortems)
        #expect(first == (1, 0))
        #expect(made.all == expected)
        let (kept, second) = analyzed(postmortems)
        #expect(second == (0, 1))
        for p in postmortems { #expect(kept[p.id] == expected[p.id], "\(p.id)") }
        #expect(kept.all == expected)
        #expect(kept["no-such-id"] == nil)

        // A value of other postmortems under the same key (as if the key failed to tell): not read.
        let bytes = try #require(DigestMemo(file: file, name: "recurrences").bytes(for: RecurrenceAnalysis.inputKey(postmortems, timeZone: Self.utc)))
        #expect(throws: ByteReader.Malformed.self) { try Recurrences.Kept(bytes, Array(postmortems.prefix(3))) }
        #expect(throws: ByteReader.Malformed.self) { try Recurrences.Kept(bytes + [1], postmortems) }
    }

    @Test func theAnswerDoesNotDependOnFileOrderAndLinksAreSymmetric() {
        let expected = RecurrenceAnalysis.analyze(incidents(Self.chain), timeZone: Self.utc)
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]] {
            let result = RecurrenceAnalysis.analyze(incidents(order.map { Self.chain[$0] }), timeZone: Self.utc)
            #expect(result == expected)
        }
        for (id, recurrence) in expected {
            for earlier in recurrence.recurrenceOf { #expect(expected[earlier]?.recurredBy.contains(id) == true) }
            for later in recurrence.recurredBy { #expect(expected[later]?.recurrenceOf.contains(id) == true) }
        }
    }

    @Test func aFixCompletedAfterTheRecurrenceBeganDidNotEscape() {
        let result = RecurrenceAnalysis.analyze(incidents([
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: dns}\nrecurrence_fix:\n  - {title: TTLs, status: done, completed: 2024-02-15}")),
            ("b.md", frontMatter("id: B\ndate: 2024-02-01\ncause: {key: dns}")),
        ]), timeZone: Self.utc)
        #expect(result["B"]?.verdict == .pending)
        #expect(result["B"]?.pendingItems.map(\.item.title) == ["TTLs"])
    }

    @Test func onlyWontDoItemsOrNoneGiveNoVerdict() {
        let result = RecurrenceAnalysis.analyze(incidents([
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: dns}\nrecurrence_fix:\n  - {title: Move DNS, status: wont-do}")),
            ("b.md", frontMatter("id: B\ndate: 2024-02-01\ncause: {key: dns}")),
            ("c.md", frontMatter("id: C\ndate: 2024-01-01\ncause: {key: disk}")),
            ("d.md", frontMatter("id: D\ndate: 2024-05-01\ncause: {key: disk}")),
        ]), timeZone: Self.utc)
        #expect(result["B"]?.recurrenceOf == ["A"] && result["B"]?.verdict == nil)
        #expect(result["D"]?.recurrenceOf == ["C"] && result["D"]?.verdict == nil)
    }

    @Test func incidentsThatBeganTogetherDoNotRecurEachOther() {
        let result = RecurrenceAnalysis.analyze(incidents([
            ("a.md", frontMatter("id: A\nstarted_at: 2024-01-01T10:00Z\ncause: {key: power}")),
            ("b.md", frontMatter("id: B\nstarted_at: 2024-01-01T10:00Z\ncause: {key: power}")),
            ("c.md", frontMatter("id: C\nstarted_at: 2024-01-01T10:05Z\ncause: {key: power}")),
        ]), timeZone: Self.utc)
        #expect(result["A"]?.recurrenceOf == [] && result["B"]?.recurrenceOf == [])
        #expect(result["C"]?.recurrenceOf == ["A", "B"])
        #expect(result["A"]?.recurredBy == ["C"])
    }

    @Test func aCauseKnownOnlyByItsCategoryLinksNothing() {
        let result = RecurrenceAnalysis.analyze(incidents([
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {category: attack}")),
            ("b.md", frontMatter("id: B\ndate: 2024-02-01\ncause: {category: attack}")),
        ]), timeZone: Self.utc)
        #expect(result["B"]?.recurrenceOf == [])
    }

    @Test func theSampleHasEscapedAndPendingFixes() throws {
        let result = LoadStage.load(
            try SourceDiscovery.discover(in: packageRoot.appendingPathComponent("postmortems").path).files,
            configuration: tokyo)
        let recurrences = RecurrenceAnalysis.analyze(result.postmortems, timeZone: tokyo.timeZone)
        #expect(recurrences["INC-2025-003"]?.recurrenceOf == ["INC-2023-001", "INC-2023-004", "INC-2024-002"])
        #expect(recurrences["INC-2025-003"]?.verdict == .pending)
        #expect(recurrences["INC-2025-005"]?.verdict == .escaped)
    }

    @Test func incidentPagesShowTheRecurrenceAndTheVerdict() throws {
        var configuration = tokyo
        configuration.language = .ja
        let loaded = LoadStage.load(
            try SourceDiscovery.discover(in: packageRoot.appendingPathComponent("postmortems").path).files,
            configuration: configuration)
        let plan = try SiteRenderer.render(loaded.postmortems, configuration: configuration, theme: .builtIn,
                                           sourceFolder: packageRoot.appendingPathComponent("postmortems").path,
                                           now: Date(timeIntervalSince1970: 1_764_547_200))
        func page(_ id: String) -> String { String(decoding: plan.files["incidents/\(id).html"] ?? [], as: UTF8.self) }
        let pending = page("INC-2025-003")
        #expect(pending.contains("<span class=\"verdict verdict-pending\">対策未完了のまま再発</span>"))
        #expect(pending.contains("<a class=\"recurrence-link\" href=\"INC-2023-001.html\">INC-2023-001 "))
        #expect(pending.contains("Put PgBouncer (transaction pooling) between the app and PostgreSQL"))
        #expect(page("INC-2025-005").contains("<span class=\"verdict verdict-escaped\">対策をすり抜けた再発</span>"))
        #expect(page("INC-2023-001").contains("この後の再発:"))
        #expect(!page("INC-2025-009").contains("class=\"recurrence"), "no block for a cause seen once")
        let cause = String(decoding: plan.files["causes/db-connection-pool-exhaustion.html"] ?? [], as: UTF8.self)
        #expect(cause.contains(#"<svg class="time-strip" viewBox="0 0 1000 64" aria-label="5 件の障害（2023-06-09〜2026-05-15）">"#))
        #expect(cause.components(separatedBy: "<circle class=\"dot").count == 6, "a dot per occurrence")
        #expect(cause.contains(#"<span class="verdict verdict-escaped">対策をすり抜けた再発</span> <time datetime="2023-12-22">"#))
        #expect(cause.components(separatedBy: "verdict verdict-pending").count == 4)
        #expect(cause.contains("この原因に対して約束したすべての再発防止策"))
        #expect(cause.contains("Put PgBouncer (transaction pooling) between the app and PostgreSQL"))
        let report = String(decoding: plan.files["recurrences.html"] ?? [], as: UTF8.self)
        #expect(report.contains("<dt>再発率</dt><dd>42 %</dd>"), "11 of the 26 published incidents with a cause key recur an earlier one")
        #expect(report.contains("<tr><td>2024-Q1</td><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num\">100 %</td>"))
        #expect(report.contains(#"<a href="causes/db-connection-pool-exhaustion.html"><code>db-connection-pool-exhaustion</code></a> <span class="badge sev-sev2">5</span>"#))
        #expect(report.components(separatedBy: "次の障害の再発:").count - 1 == 11, "each recurrence under its verdict")
    }

    /// A small deterministic generator (SplitMix64), so the property test is the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The definition, computed the obvious quadratic way: every earlier and
    /// later incident sharing a key, and every promised item of the earlier
    /// ones not done before the start.
    static func reference(_ postmortems: [Postmortem], _ zone: TimeZone) -> [String: Recurrence] {
        let timeline = postmortems.compactMap { p in RecurrenceAnalysis.start(p, zone).map { (p, $0, RecurrenceAnalysis.keys(p)) } }
            .sorted { ($0.1, $0.0.id) < ($1.1, $1.0.id) }
        var result: [String: Recurrence] = [:]
        for (p, start, keys) in timeline {
            let earlier = timeline.filter { $0.1 < start && !$0.2.isDisjoint(with: keys) }
            let later = timeline.filter { $0.1 > start && !$0.2.isDisjoint(with: keys) }
            var r = Recurrence()
            r.recurrenceOf = earlier.suffix(Recurrence.listLimit).map(\.0.id)
            r.recurrenceOfCount = earlier.count
            r.recurredBy = later.prefix(Recurrence.listLimit).map(\.0.id)
            r.recurredByCount = later.count
            let begun = CalendarDate(start, in: zone)
            let promised = earlier.flatMap { e in
                e.0.recurrenceFix.indices.filter { e.0.recurrenceFix[$0].status != .wontDo }.map { (e.0, $0) }
            }
            let pending = promised.filter { owner, number in
                let item = owner.recurrenceFix[number]
                return !(item.status == .done && (item.completed.map { $0 < begun } ?? true))
            }
            if !promised.isEmpty {
                r.verdict = pending.isEmpty ? .escaped : .pending
                r.pendingCount = pending.count
                r.pendingItems = pending.suffix(Recurrence.pendingLimit).map { Recurrence.PendingItem(owner: $0.0, number: $0.1) }
            }
            result[p.id] = r
        }
        return result
    }

    /// `count` incidents over `days` days from 2024-01-01, each with one to
    /// three of four keys and up to three items, done ones often on a date
    /// up to `days` days after the start.
    static func randomFiles(_ count: Int, days: Int, using random: inout SeededGenerator) -> [(String, String)] {
        let keys = ["pool", "dns", "disk", "power"]
        let first = CalendarDate(year: 2024, month: 1, day: 1)!
        return (0..<count).map { n -> (String, String) in
            let day = first.adding(days: Int.random(in: 0..<days, using: &random))
            let own = keys.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random))
            let items = (0..<Int.random(in: 0...3, using: &random)).map { i -> String in
                let status = ["open", "done", "wont-do", "in-progress", "done"].randomElement(using: &random) ?? "open"
                let done = first.adding(days: Int.random(in: 0..<(2 * days), using: &random))
                let completed = status == "done" && Bool.random(using: &random) ? ", completed: \(done)" : ""
                return "  - {title: Fix \(n)-\(i), status: \(status)\(completed)}"
            }
            return ("p\(n).md", frontMatter("""
                id: P\(n)
                date: \(day)
                cause: [\(own.map { "{key: \($0)}" }.joined(separator: ", "))]
                recurrence_fix:
                \(items.isEmpty ? "  []" : items.joined(separator: "\n"))
                """))
        }
    }

    /// Many incidents over a year, so that items done on a date are passed
    /// while others wait, and the keys' lists of them are pruned.
    @Test(arguments: [11, 12] as [UInt64])
    func theLinearAnalysisAgreesWithTheDefinitionOverAYear(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        let loaded = incidents(Self.randomFiles(400, days: 365, using: &random))
        #expect(loaded.count == 400)
        let actual = RecurrenceAnalysis.analyze(loaded, timeZone: Self.utc)
        #expect(actual == Self.reference(loaded, Self.utc))
        #expect(actual.values.contains { $0.pendingCount > Recurrence.pendingLimit }, "the pending lists were cut somewhere")
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func theLinearAnalysisAgreesWithTheDefinitionAndIgnoresFileOrder(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        // Few days and few keys, so same-day ties, long chains and several keys at once all happen.
        let files = Self.randomFiles(60, days: 28, using: &random)
        let loaded = incidents(files)
        #expect(loaded.count == 60)
        let expected = Self.reference(loaded, Self.utc)
        let actual = RecurrenceAnalysis.analyze(loaded, timeZone: Self.utc)
        #expect(actual.count == 60)
        for (id, reference) in expected {
            #expect(actual[id] == reference, "\(id)")
        }
        for _ in 0..<3 {
            #expect(RecurrenceAnalysis.analyze(incidents(files.shuffled(using: &random)), timeZone: Self.utc) == actual)
        }
        // Both directions count the same links, and the lists hold their nearest ones.
        #expect(actual.values.reduce(0) { $0 + $1.recurrenceOfCount } == actual.values.reduce(0) { $0 + $1.recurredByCount })
        #expect(actual.values.contains { $0.recurrenceOfCount > Recurrence.listLimit }, "the lists were cut somewhere")
        #expect(actual.values.contains { $0.verdict == .pending }, "escaped verdicts are checked on the hand-built sets")
    }
}
