import Foundation

/// One postmortem as the statistics see it: when it began, in which
/// period, what it was, and the time figures the definition lets count.
public struct IncidentSample: Sendable, Hashable {
    public var id: String
    public var title: String
    public var kind: Postmortem.Kind
    public var status: Postmortem.Status
    public var severity: String?
    /// The primary cause's category.
    public var category: String?
    public var services: [String]
    /// When the impact began: `started_at`, else the start of its date in the site's zone.
    public var start: Date?
    /// The day it began in the site's time zone: what puts it in a period.
    public var day: CalendarDate?
    /// The figures statistics count (inferred ones only when the definition includes them).
    public var timings: Timings
    /// It has a cause key, so it can be (or be followed by) a recurrence.
    public var hasCauseKey: Bool
    /// An earlier incident shares one of its cause keys.
    public var isRecurrence: Bool
    /// Its recurrence-fix items, for promised-versus-done figures.
    public var fixes: [ActionItem]

    /// A published or in-review incident: what time statistics count (drafts and near misses are counted apart).
    public var isCounted: Bool { kind == .incident && status != .draft }
    public var isDraft: Bool { status == .draft }
    public var isNearMiss: Bool { kind == .nearMiss && status != .draft }

    /// The samples of `postmortems` under the configuration's metric definition.
    public static func make(_ postmortems: [Postmortem], configuration: SiteConfiguration,
                            recurrences: [String: Recurrence]) -> [IncidentSample] {
        let zone = configuration.timeZone
        return postmortems.map { p in
            let start = RecurrenceAnalysis.start(p, zone)
            let day = p.milestones.startedAt.map { CalendarDate($0, in: zone) } ?? p.date
            return IncidentSample(
                id: p.id, title: p.title, kind: p.kind, status: p.status, severity: p.severity,
                category: p.primaryCause?.category, services: p.services, start: start, day: day,
                timings: p.timings(configuration.metrics).counted(configuration.metrics),
                hasCauseKey: !RecurrenceAnalysis.keys(p).isEmpty,
                isRecurrence: recurrences[p.id]?.isRecurrence ?? false,
                fixes: p.recurrenceFix)
        }
    }
}
