import Foundation
import Synchronization
import Testing
@testable import PostmortemKit

/// The fast building blocks of the build against the slow, obvious versions they replace.
@Suite struct BuildingBlockTests {
    @Test func parallelMapKeepsTheOrderOfASequentialMap() {
        for count in [0, 1, 7, 8, 9, 100, 1_001] {
            let items = Array(0..<count)
            #expect(Parallel.map(items) { $0 * 3 + 1 } == items.map { $0 * 3 + 1 }, "\(count) items")
            #expect(Parallel.map(items, minimumChunk: 1) { "\($0)" } == items.map { "\($0)" })
        }
    }

    @Test func parallelMapHandsOutEveryItemOnceWhateverItsCost() {
        // Slow items bunched at the end, as a site's list pages are: each index is computed exactly once, in order.
        let items = Array(0..<2_000)
        let seen = Parallel.map(items, minimumChunk: 4) { index -> Int in
            if index > 1_900 { usleep(200) }
            return index
        }
        #expect(seen == items)
        for (count, chunk) in [(257, 256), (256, 256), (513, 256), (10, 1)] {
            #expect(Parallel.map(Array(0..<count), minimumChunk: chunk) { $0 } == Array(0..<count), "\(count) by \(chunk)")
        }
    }

    /// Counts the objects alive, so a test sees each result released exactly once.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    @Test func parallelResultsAreMovedOutAndReleasedOnce() {
        // Results are moved into and out of the workers' slots, never copied: none may leak or be released twice.
        let before = Tracked.alive.load(ordering: .relaxed)
        do {
            let made = Parallel.map(Array(0..<1_001), minimumChunk: 1) { (Tracked($0), "\($0)") }
            #expect(made.map(\.0.value) == Array(0..<1_001) && made.map(\.1) == (0..<1_001).map { "\($0)" })
            #expect(Tracked.alive.load(ordering: .relaxed) == before + 1_001)
            let (first, second) = Parallel.both({ Tracked(-1) }, { [Tracked(-2), Tracked(-3)] })
            #expect(first.value == -1 && second.map(\.value) == [-2, -3])
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before)
    }

    /// `both`'s second lane runs on a thread of its own, the first on the
    /// caller's: neither is a lane of an apply, so each lane's own maps (and
    /// `both`s) work as they do anywhere, and give what sequential code gives.
    @Test func parallelBothRunsItsSecondLaneOnAThreadOfItsOwnAndNestsFreely() {
        let caller = pthread_self()
        let (first, second) = Parallel.both({
            (thread: pthread_self(), squares: Parallel.map(Array(0..<1_000), minimumChunk: 1) { $0 * $0 })
        }, {
            (thread: pthread_self(), nested: Parallel.both({ Parallel.map(Array(0..<500)) { "\($0)" } }, { (1...100).reduce(0, +) }))
        })
        #expect(pthread_equal(first.thread, caller) != 0, "the first lane runs on the caller's thread")
        if Parallel.workers > 1 {
            #expect(pthread_equal(second.thread, caller) == 0, "the second lane runs on another thread")
        }
        #expect(first.squares == (0..<1_000).map { $0 * $0 })
        #expect(second.nested.0 == (0..<500).map { "\($0)" } && second.nested.1 == 5_050)
    }

    @Test func byteSearchFindsWhatANaiveScanFinds() {
        var random = RecurrenceTests.SeededGenerator(state: 7)
        func naive(_ needle: [UInt8], _ haystack: [UInt8], _ start: Int, _ end: Int) -> Int? {
            guard !needle.isEmpty else { return start }
            guard start >= 0, end <= haystack.count, end - start >= needle.count else { return nil }
            return (start...(end - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
        }
        // A small alphabet, so needles are found, half found, and missed.
        for _ in 0..<2_000 {
            let haystack = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 97...99, using: &random) }
            let needle = (0..<Int.random(in: 0...4, using: &random)).map { _ in UInt8.random(in: 97...99, using: &random) }
            let start = Int.random(in: 0...max(0, haystack.count), using: &random)
            let end = Int.random(in: start...max(start, haystack.count), using: &random)
            #expect(ByteSearch.firstOffset(of: needle, in: haystack, from: start, to: end) == naive(needle, haystack, start, end),
                    "\(needle) in \(haystack)[\(start)..<\(end)]")
        }
        #expect(ByteSearch.firstOffset(of: Array("にわたり".utf8), in: Array("約2時間にわたり停止".utf8)) == 10)
        #expect(ByteSearch.firstOffset(of: [97], in: [97, 98], from: 0, to: 3) == nil)
    }

    @Test(arguments: [
        ("{value} and {value}", "{value}", "a, b"), ("no placeholder", "{value}", "x"), ("{value}", "{value}", ""),
        ("aaaa", "aa", "b"), ("aaa", "aa", "<aa>"), ("根本原因: {value}。{value}", "{value}", "接続プール"),
        ("ends with {page}", "{page}", "3"), ("{page}{page}{page}", "{page}", "{page}{page}"), ("", "x", "y"),
        ("x", "longer than the text", "y"), ("🚨 {count} 件 🚨", "{count}", "12"),
    ])
    func replacingEveryMatchesFoundation(text: String, target: String, replacement: String) {
        #expect(text.replacingEvery(target, with: replacement) == text.replacingOccurrences(of: target, with: replacement))
    }

    @Test(arguments: ["UTC", "Asia/Tokyo", "America/New_York", "Europe/London", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"])
    func iso8601AndLocalDatesMatchFoundation(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var random = RecurrenceTests.SeededGenerator(state: 42)
        // From 1950 to 2060, DST changes included, and every quarter hour of one DST day.
        var instants = (0..<400).map { _ in Date(timeIntervalSince1970: Double(Int64.random(in: -631_152_000...2_840_140_800, using: &random))) }
        instants += (0..<200).map { Date(timeIntervalSince1970: 1_711_846_800 + Double($0) * 900) }
        for instant in instants {
            let expected = ISO8601DateFormatter.string(from: instant, timeZone: zone, formatOptions: [.withInternetDateTime])
            #expect(DateTimeParsing.iso8601(instant, in: zone) == expected)
            let parts = calendar.dateComponents([.year, .month, .day], from: instant)
            let date = CalendarDate(instant, in: zone)
            #expect([date.year, date.month, date.day] == [parts.year, parts.month, parts.day], "\(expected)")
        }
    }

    @Test(arguments: [
        ("INC-2024-002", "INC-2024-002"), ("a.b_c-d", "a.b_c-d"), ("-x-", "x"), (".hidden", "hidden"), ("a b/c", "a-b-c"),
        ("根本原因", "根本原因"), ("ｄｂ pool", "ｄｂ-pool"), ("../../etc", "etc"), ("", "untitled"), ("x.", "x"),
    ])
    func fileNamesKeepWhatIsSafe(name: String, expected: String) {
        #expect(SitePaths.fileName(name) == expected)
    }

    @Test func suggestionsDoNotDependOnTheOrderOfCandidates() {
        let names = ["2024-03-08-pool.md", "2024-03-09-pool.md", "2024-03-18-pool.md", "notes/other.md"]
        let forward = Suggestion.Candidates(names), backward = Suggestion.Candidates(names.reversed())
        #expect(forward.closest(to: "2024-03-0-pool.md") == "2024-03-08-pool.md", "a tie goes to the first name in order")
        #expect(backward.closest(to: "2024-03-0-pool.md") == "2024-03-08-pool.md")
        #expect(forward.closest(to: "2024-03-19-pool.md") == "2024-03-09-pool.md" || forward.closest(to: "2024-03-19-pool.md") == "2024-03-18-pool.md")
        #expect(forward.closest(to: "completely-different.md") == nil)
    }

    @Test func anIncidentPageListsTheNearestRecurrencesAndCountsTheRest() throws {
        let files = (1...9).map { n in
            SourceFile(path: "p\(n).md", text: frontMatter("id: P\(n)\nstarted_at: 2024-01-0\(n)T10:00Z\ncause: {key: pool}"))
        }
        let postmortems = LoadStage.load(files, configuration: .default).postmortems
        let plan = try SiteRenderer.render(postmortems, configuration: .default, theme: .builtIn, sourceFolder: "/tmp",
                                           now: instant("2024-02-01T00:00Z"))
        let last = String(decoding: plan.files["incidents/P9.html"] ?? [], as: UTF8.self)
        #expect(last.contains(#"A recurrence of <a href="../causes/pool.html">3 more on the cause page</a> … <a class="recurrence-link" href="P4.html">"#))
        #expect(last.components(separatedBy: "class=\"recurrence-link\"").count - 1 == 5)
        let first = String(decoding: plan.files["incidents/P1.html"] ?? [], as: UTF8.self)
        #expect(first.contains(#"<a class="recurrence-link" href="P6.html">P6 Body heading</a> … <a href="../causes/pool.html">3 more on the cause page</a>"#))
    }

    @Test func theNearestWindowIsCentredOnTheMemberAndClamped() {
        let list = Array(stride(from: 0, to: 200, by: 2))  // 0, 2, … 198
        #expect(Array(RelatedIncidents.nearest(to: 100, in: list, count: 4)) == [96, 98, 100, 102])
        #expect(Array(RelatedIncidents.nearest(to: 0, in: list, count: 4)) == [0, 2, 4, 6])
        #expect(Array(RelatedIncidents.nearest(to: 198, in: list, count: 4)) == [192, 194, 196, 198])
        #expect(Array(RelatedIncidents.nearest(to: 7, in: [1, 5, 9], count: 40)) == [1, 5, 9])
    }
}
