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

    /// An item as the incident that promised it and its place in that
    /// incident's recurrence fix: 16 bytes, where a copy of the item and the
    /// id was about 130, and an incident lists up to `pendingLimit` of them
    /// (5 % of a full build's peak memory at 100,000). Equal when their ids
    /// and items are.
    public struct PendingItem: Sendable, Hashable {
        /// One reference: a `Postmortem` shares its fields.
        public let owner: Postmortem
        public let number: Int

        /// `number` is a position in `owner.recurrenceFix`.
        public init(owner: Postmortem, number: Int) {
            precondition(owner.recurrenceFix.indices.contains(number), "a pending item is one of its owner's recurrence fixes")
            self.owner = owner
            self.number = number
        }

        public var id: String { owner.id }
        public var item: ActionItem { owner.recurrenceFix[number] }

        public static func == (lhs: PendingItem, rhs: PendingItem) -> Bool { lhs.id == rhs.id && lhs.item == rhs.item }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(id)
            hasher.combine(item)
        }
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
        /// `subsets(keys)`, made once: every count by inclusion and exclusion reads them.
        var subsets: [(name: String, size: Int)]

        init(postmortem: Postmortem, start: Date, keys: [String]) {
            self.postmortem = postmortem
            self.start = start
            self.keys = keys
            subsets = RecurrenceAnalysis.subsets(keys)
        }
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
            for index in group { set(index, union(timeline[index].subsets, having)) }
            for index in group { for (subset, _) in timeline[index].subsets { having[subset, default: 0] += 1 } }
        }
    }

    /// |A₁ ∪ … ∪ Aₙ| from the counts of every intersection.
    /// `subsets`: those of the incident's keys (`Entry.subsets`).
    static func union(_ subsets: [(name: String, size: Int)], _ having: [String: Int]) -> Int {
        subsets.reduce(0) { total, subset in total + (subset.size % 2 == 1 ? 1 : -1) * (having[subset.name] ?? 0) }
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

    /// A promised item done on a date: whose it is (timeline index), which one, when it was done.
    struct Promise: Comparable {
        var completed: CalendarDate
        var owner: Int
        var number: Int
        /// Its place in `DoneLater.promises`.
        var serial: Int

        static func < (a: Promise, b: Promise) -> Bool { (a.completed, a.owner, a.number) < (b.completed, b.owner, b.number) }
        static func == (a: Promise, b: Promise) -> Bool { (a.completed, a.owner, a.number) == (b.completed, b.owner, b.number) }
    }

    struct KeyFixes {
        var promised = 0
        /// Items open or in progress: pending for every later incident.
        var open: [(owner: Int, number: Int)] = []
        /// Serials of the items done on a date, in order of their incidents;
        /// those whose date has passed are dropped lazily (`passed` counts them).
        var doneLater: [Int] = []
        var passed = 0

        /// Drops the passed items at the end of `doneLater`, and all of them
        /// once they are more than half of it: the list holds no more than
        /// twice the items not passed.
        mutating func prune(alive: [Bool]) {
            while let last = doneLater.last, !alive[last] {
                doneLater.removeLast()
                passed -= 1
            }
            if passed > doneLater.count / 2 {
                doneLater.removeAll { !alive[$0] }
                passed = 0
            }
        }
    }

    /// The items done on a date not yet passed, over every key: one heap by
    /// date, so each is passed once; the counts of those whose incidents have
    /// every key of a subset, so an incident's pending count is a sum over the
    /// subsets of its keys. An incident never reads more of them than its
    /// list shows: a busy key's promises done in the weeks after its starts
    /// were all read by every incident of those weeks (12 s at 100,000).
    struct DoneLater {
        var heap = Heap<Promise>()
        var promises: [Promise] = []
        var alive: [Bool] = []
        var having: [String: Int] = [:]

        mutating func add(_ promise: Promise, subsets: [(name: String, size: Int)]) {
            heap.insert(promise)
            promises.append(promise)
            alive.append(true)
            for subset in subsets { having[subset.name, default: 0] += 1 }
        }
    }

    /// Verdicts and pending items, in order of start: each key's promises so far.
    static func fixes(_ timeline: [Entry], _ groups: [Range<Int>], _ timeZone: TimeZone, _ result: inout [Recurrence]) {
        var perKey: [String: KeyFixes] = [:]
        var openHaving: [String: Int] = [:]  // subset of keys → open items of incidents that have all of them
        var doneLater = DoneLater()
        let limit = Recurrence.pendingLimit
        for group in groups {
            let begun = CalendarDate(timeline[group.lowerBound].start, in: timeZone)
            // Items done before this start are done for every later one too.
            while let first = doneLater.heap.min, first.completed < begun {
                _ = doneLater.heap.popMin()
                doneLater.alive[first.serial] = false
                for (subset, _) in timeline[first.owner].subsets { doneLater.having[subset, default: 0] -= 1 }
                for key in timeline[first.owner].keys { perKey[key]?.passed += 1 }
            }
            for index in group {
                let entry = timeline[index]
                var promised = false
                var shown: Set<Pair> = []
                for key in entry.keys {
                    // Pruned in place (a copy taken out of the dictionary would copy its lists).
                    guard perKey[key]?.prune(alive: doneLater.alive) != nil, let fixes = perKey[key] else { continue }
                    promised = promised || fixes.promised > 0
                    for item in fixes.open.suffix(limit) { shown.insert(Pair(owner: item.owner, number: item.number)) }
                    // The latest `limit` not passed.
                    var found = 0
                    for serial in fixes.doneLater.reversed() where doneLater.alive[serial] {
                        let promise = doneLater.promises[serial]
                        shown.insert(Pair(owner: promise.owner, number: promise.number))
                        found += 1
                        if found == limit { break }
                    }
                }
                guard promised else { continue }
                result[index].pendingCount = union(entry.subsets, openHaving) + union(entry.subsets, doneLater.having)
                result[index].verdict = result[index].pendingCount == 0 ? .escaped : .pending
                result[index].pendingItems = shown.sorted().suffix(limit).map { pair in
                    Recurrence.PendingItem(owner: timeline[pair.owner].postmortem, number: pair.number)
                }
            }
            for index in group {
                let entry = timeline[index]
                var open = 0
                for (number, item) in entry.postmortem.recurrenceFix.enumerated() where item.status != .wontDo {
                    for key in entry.keys { perKey[key, default: KeyFixes()].promised += 1 }
                    switch (item.status, item.completed) {
                    case (.done, nil): break  // done, with no date to say it was late
                    case let (.done, completed?):
                        let promise = Promise(completed: completed, owner: index, number: number, serial: doneLater.promises.count)
                        doneLater.add(promise, subsets: entry.subsets)
                        for key in entry.keys { perKey[key, default: KeyFixes()].doneLater.append(promise.serial) }
                    default:
                        for key in entry.keys { perKey[key, default: KeyFixes()].open.append((index, number)) }
                        open += 1
                    }
                }
                guard open > 0 else { continue }
                for (subset, _) in entry.subsets { openHaving[subset, default: 0] += open }
            }
        }
    }

    /// An item of an incident's list: whose (timeline index), which one.
    struct Pair: Hashable, Comparable {
        var owner: Int
        var number: Int
        static func < (a: Pair, b: Pair) -> Bool { (a.owner, a.number) < (b.owner, b.number) }
    }
}
