import Foundation

/// Whether the fix promised after earlier incidents of a cause was in place
/// when the cause came back.
public enum FixVerdict: String, Sendable, Hashable {
    /// Every promised item was done before this incident began: the fix did not hold.
    case escaped
    /// Some promised item was still open, in progress, or done only later.
    case pending
}

/// An incident's place in the history of its causes.
public struct Recurrence: Sendable, Hashable {
    /// Earlier incidents sharing a cause key, earliest first.
    public var recurrenceOf: [String] = []
    /// Later incidents sharing a cause key, earliest first.
    public var recurredBy: [String] = []
    /// For a recurrence: how the earlier incidents' recurrence fixes stood
    /// when this one began; nil when it recurs nothing, or nothing was
    /// promised (items marked `wont-do` are decisions, not promises).
    public var verdict: FixVerdict?
    /// The promised items that were not done before this one began, with their incident.
    public var pendingItems: [PendingItem] = []

    public init() {}

    public struct PendingItem: Sendable, Hashable {
        public var id: String
        public var item: ActionItem
    }
}

/// Recurrences across the knowledge base: an incident recurs every incident
/// that began strictly earlier and shares one of its cause keys. Incidents
/// that began at the same moment do not recur each other. A cause known only
/// by its category (no key, no summary) links nothing.
public enum RecurrenceAnalysis {
    /// When an incident began: its start, else the start of its day in `timeZone`.
    static func start(_ p: Postmortem, _ timeZone: TimeZone) -> Date? {
        p.milestones.startedAt ?? p.date?.start(in: timeZone)
    }

    /// The keys that identify a cause of `p`.
    static func keys(_ p: Postmortem) -> Set<String> {
        Set(p.causes.filter { !($0.keyIsDerived && $0.summary == nil) }.map(\.key))
    }

    public static func analyze(_ postmortems: [Postmortem], timeZone: TimeZone) -> [String: Recurrence] {
        // Dated incidents in order of start (then id), the first of each id only.
        var seen: Set<String> = []
        let timeline = postmortems.compactMap { p -> (p: Postmortem, start: Date, keys: Set<String>)? in
            guard seen.insert(p.id).inserted, let start = start(p, timeZone) else { return nil }
            return (p, start, keys(p))
        }.sorted { ($0.start, $0.p.id) < ($1.start, $1.p.id) }
        var result: [String: Recurrence] = [:]
        for entry in timeline { result[entry.p.id] = Recurrence() }
        var byKey: [String: [Int]] = [:]
        for (index, entry) in timeline.enumerated() {
            let earlier = Set(entry.keys.flatMap { byKey[$0] ?? [] }).filter { timeline[$0].start < entry.start }.sorted()
            for key in entry.keys { byKey[key, default: []].append(index) }
            guard !earlier.isEmpty else { continue }
            result[entry.p.id]?.recurrenceOf = earlier.map { timeline[$0].p.id }
            for other in earlier { result[timeline[other].p.id]?.recurredBy.append(entry.p.id) }
            let begun = CalendarDate(entry.start, in: timeZone)
            var promised = 0
            var pending: [Recurrence.PendingItem] = []
            for other in earlier {
                for item in timeline[other].p.recurrenceFix where item.status != .wontDo {
                    promised += 1
                    // Done counts when it was completed before this incident's day, or when no date says otherwise.
                    let doneBefore = item.status == .done && (item.completed.map { $0 < begun } ?? true)
                    if !doneBefore { pending.append(Recurrence.PendingItem(id: timeline[other].p.id, item: item)) }
                }
            }
            if promised > 0 {
                result[entry.p.id]?.verdict = pending.isEmpty ? .escaped : .pending
                result[entry.p.id]?.pendingItems = pending
            }
        }
        return result
    }
}
