import Foundation
import HeapModule

/// Whether the fix promised after earlier incidents of a cause was in place
/// when the cause came back.
public enum FixVerdict: String, Sendable, Hashable {
    /// Every promised item was done before this incident began: the fix did not hold.
    case escaped
    /// Some promised item was still open, in progress, or done only later.
    case pending
}

/// An incident's place in the history of its causes. The lists hold the
/// nearest few; the counts say how many there are in all (a cause's page
/// lists every occurrence), so a cause seen thousands of times costs no
/// more per incident than one seen twice.
public struct Recurrence: Sendable, Hashable {
    /// How many incidents `recurrenceOf` and `recurredBy` hold at most; `pendingLimit` for `pendingItems`.
    public static let listLimit = 5, pendingLimit = 10

    /// The latest earlier incidents sharing a cause key (at most `listLimit`), earliest first.
    public var recurrenceOf: [String] = []
    /// How many earlier incidents share a cause key.
    public var recurrenceOfCount = 0
    /// The next later incidents sharing a cause key (at most `listLimit`), earliest first.
    public var recurredBy: [String] = []
    /// How many later incidents share a cause key.
    public var recurredByCount = 0
    /// For a recurrence: how the earlier incidents' recurrence fixes stood
    /// when this one began; nil when it recurs nothing, or nothing was
    /// promised (items marked `wont-do` are decisions, not promises).
    public var verdict: FixVerdict?
    /// The latest of the promised items not done before this one began (at
    /// most `pendingLimit`), in the order of their incidents.
    public var pendingItems: [PendingItem] = []
    /// How many promised items were not done before this one began.
    public var pendingCount = 0

    public init() {}

    /// Whether an earlier incident shares a cause key.
    public var isRecurrence: Bool { recurrenceOfCount > 0 }

    public struct PendingItem: Sendable, Hashable {
        public var id: String
        public var item: ActionItem
    }
}

/// Recurrences across the knowledge base: an incident recurs every incident
/// that began strictly earlier and shares one of its cause keys. Incidents
/// that began at the same moment do not recur each other. A cause known only
/// by its category (no key, no summary) links nothing.
///
/// Linear in the number of incidents: per cause key, incidents in order of
/// start; counts over several keys by inclusion and exclusion of the
/// incidents that have all of them; promised items per key, the ones done
/// later than a start held in a heap until the starts pass them.
public enum RecurrenceAnalysis {
    /// When an incident began: its start, else the start of its day in `timeZone`.
    static func start(_ p: Postmortem, _ timeZone: TimeZone) -> Date? {
        p.milestones.startedAt ?? p.date?.start(in: timeZone)
    }

    /// The keys that identify a cause of `p`.
    static func keys(_ p: Postmortem) -> Set<String> {
        Set(p.causes.filter { !($0.keyIsDerived && $0.summary == nil) }.map(\.key))
    }

    struct Entry {
        var postmortem: Postmortem
        var start: Date
        var keys: [String]
    }

    public static func analyze(_ postmortems: [Postmortem], timeZone: TimeZone) -> [String: Recurrence] {
        // Dated incidents in order of start (then id), the first of each id only.
        var seen: Set<String> = []
        let timeline = postmortems.compactMap { p -> Entry? in
            guard seen.insert(p.id).inserted, let start = start(p, timeZone) else { return nil }
            return Entry(postmortem: p, start: start, keys: keys(p).sorted())
        }.sorted { ($0.start, $0.postmortem.id) < ($1.start, $1.postmortem.id) }
        var byKey: [String: [Int]] = [:]
        for (index, entry) in timeline.enumerated() { for key in entry.keys { byKey[key, default: []].append(index) } }
        // Runs of the same start: what began together is neither earlier nor later.
        var groups: [Range<Int>] = []
        var low = 0
        for index in timeline.indices where index + 1 == timeline.count || timeline[index + 1].start != timeline[index].start {
            groups.append(low..<(index + 1))
            low = index + 1
        }
        var result = [Recurrence](repeating: Recurrence(), count: timeline.count)
        nearest(timeline, byKey, &result)
        counts(timeline, groups, forward: true) { result[$0].recurrenceOfCount = $1 }
        counts(timeline, groups.reversed(), forward: false) { result[$0].recurredByCount = $1 }
        fixes(timeline, groups, timeZone, &result)
        var byID: [String: Recurrence] = [:]
        for (index, entry) in timeline.enumerated() { byID[entry.postmortem.id] = result[index] }
        return byID
    }

    /// The latest earlier and the next later incidents of each one, from each key's list around it.
    static func nearest(_ timeline: [Entry], _ byKey: [String: [Int]], _ result: inout [Recurrence]) {
        let limit = Recurrence.listLimit
        var position: [String: Int] = [:]  // key → how far its list has been passed
        for (index, entry) in timeline.enumerated() {
            var earlier: Set<Int> = [], later: Set<Int> = []
            for key in entry.keys {
                guard let list = byKey[key] else { continue }
                let here = position[key, default: 0]
                position[key] = here + 1
                // Back over same-start entries, then the latest earlier ones; on past them, then the next ones.
                var end = here
                while end > 0, timeline[list[end - 1]].start == entry.start { end -= 1 }
                earlier.formUnion(list[max(0, end - limit)..<end])
                var next = here + 1
                while next < list.count, timeline[list[next]].start == entry.start { next += 1 }
                later.formUnion(list[next..<min(list.count, next + limit)])
            }
            result[index].recurrenceOf = earlier.sorted().suffix(limit).map { timeline[$0].postmortem.id }
            result[index].recurredBy = later.sorted().prefix(limit).map { timeline[$0].postmortem.id }
        }
    }

    /// For each incident, how many incidents of the groups before it (in the
    /// order given) share one of its keys: by inclusion and exclusion over
    /// the counts of incidents that have every key of each subset of its keys.
    static func counts(_ timeline: [Entry], _ groups: some Sequence<Range<Int>>, forward: Bool, _ set: (Int, Int) -> Void) {
        var having: [String: Int] = [:]  // a subset of keys (joined) → incidents so far that have all of them
        for group in groups {
            for index in group { set(index, union(timeline[index].keys, having)) }
            for index in group { for (subset, _) in subsets(timeline[index].keys) { having[subset, default: 0] += 1 } }
        }
    }

    /// |A₁ ∪ … ∪ Aₙ| from the counts of every intersection.
    static func union(_ keys: [String], _ having: [String: Int]) -> Int {
        subsets(keys).reduce(0) { total, subset in total + (subset.size % 2 == 1 ? 1 : -1) * (having[subset.name] ?? 0) }
    }

    /// Every non-empty subset of `keys` (sorted), named by its keys joined, with its size.
    /// Causes per postmortem are few; more than eight keys count as their first eight.
    static func subsets(_ keys: [String]) -> [(name: String, size: Int)] {
        let keys = Array(keys.prefix(8))
        guard keys.count > 1 else { return keys.map { ($0, 1) } }
        return (1..<(1 << keys.count)).map { mask in
            let chosen = keys.indices.filter { mask & (1 << $0) != 0 }.map { keys[$0] }
            return (chosen.joined(separator: "\u{1}"), chosen.count)
        }
    }

    /// A promised item: whose it is (timeline index), which one, and when it was done (nil: not done).
    struct Promise: Comparable, Hashable {
        var completed: CalendarDate
        var owner: Int
        var number: Int

        static func < (a: Promise, b: Promise) -> Bool { (a.completed, a.owner, a.number) < (b.completed, b.owner, b.number) }
    }

    struct KeyFixes {
        var promised = 0
        /// Items open or in progress: pending for every later incident.
        var open: [(owner: Int, number: Int)] = []
        /// Items done on a date not yet passed: pending until an incident begins after it.
        var doneLater = Heap<Promise>()
    }

    /// Verdicts and pending items, in order of start: each key's promises so far.
    static func fixes(_ timeline: [Entry], _ groups: [Range<Int>], _ timeZone: TimeZone, _ result: inout [Recurrence]) {
        var perKey: [String: KeyFixes] = [:]
        var openHaving: [String: Int] = [:]  // subset of keys → open items of incidents that have all of them
        for group in groups {
            for index in group {
                let entry = timeline[index]
                let begun = CalendarDate(entry.start, in: timeZone)
                var promised = false
                var shown: Set<[Int]> = [], later: Set<Promise> = []
                for key in entry.keys {
                    // Items done before this start are done for every later one too: out of the heap for good.
                    while let first = perKey[key]?.doneLater.min, first.completed < begun { _ = perKey[key]?.doneLater.popMin() }
                    guard let fixes = perKey[key] else { continue }
                    promised = promised || fixes.promised > 0
                    for item in fixes.open.suffix(Recurrence.pendingLimit) { shown.insert([item.owner, item.number]) }
                    later.formUnion(fixes.doneLater.unordered)
                }
                guard promised else { continue }
                for promise in later { shown.insert([promise.owner, promise.number]) }
                result[index].pendingCount = union(entry.keys, openHaving) + later.count
                result[index].verdict = result[index].pendingCount == 0 ? .escaped : .pending
                result[index].pendingItems = shown.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.suffix(Recurrence.pendingLimit).map { pair in
                    let owner = timeline[pair[0]].postmortem
                    return Recurrence.PendingItem(id: owner.id, item: owner.recurrenceFix[pair[1]])
                }
            }
            for index in group {
                let entry = timeline[index]
                var open = 0
                for (number, item) in entry.postmortem.recurrenceFix.enumerated() where item.status != .wontDo {
                    for key in entry.keys {
                        perKey[key, default: KeyFixes()].promised += 1
                        switch (item.status, item.completed) {
                        case (.done, nil): break  // done, with no date to say it was late
                        case let (.done, completed?):
                            perKey[key, default: KeyFixes()].doneLater.insert(Promise(completed: completed, owner: index, number: number))
                        default: perKey[key, default: KeyFixes()].open.append((index, number))
                        }
                    }
                    if item.status != .done { open += 1 }
                }
                guard open > 0 else { continue }
                for (subset, _) in subsets(entry.keys) { openHaving[subset, default: 0] += open }
            }
        }
    }
}
