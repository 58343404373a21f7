import Foundation

extension PageContext {
    /// `recurrences.html`: how often causes come back, per quarter, which
    /// come back most, and the fixes that escaped or were still pending.
    func recurrencesPage(_ ordered: [Postmortem], recurrences: [String: Recurrence], causes: [Group],
                         quarterly: MetricsReport) -> [String: Any] {
        var page = base(pageTitle: labels["recurrences"] ?? "", root: "")
        page["nav"] = ["recurrences": true]
        let isRecurrence = { (p: Postmortem) in recurrences[p.id]?.isRecurrence ?? false }
        let recurring = ordered.filter { $0.kind == .incident && isRecurrence($0) }
        let escaped = recurring.filter { recurrences[$0.id]?.verdict == .escaped }
        let pending = recurring.filter { recurrences[$0.id]?.verdict == .pending }
        // The rate counts what the trends count: published and in-review incidents with a cause key.
        let overall = quarterly.overall
        page["figures"] = [
            ["label": labels["incidentsWithCause"] ?? "", "value": "\(overall.withCauseKey)"],
            ["label": labels["recurrencesCount"] ?? "", "value": "\(overall.recurrences)"],
            ["label": labels["recurrenceRate"] ?? "", "value": percent(overall.recurrenceRate)],
            ["label": labels["verdict-escaped"] ?? "", "value": "\(escaped.count)"],
            ["label": labels["verdict-pending"] ?? "", "value": "\(pending.count)"],
        ]
        // Per quarter of the incident's start, oldest first; quarters without incidents with a cause key are left out.
        let quarters = quarterly.periods.filter { $0.withCauseKey > 0 }
        let maxAll = quarters.map(\.withCauseKey).max() ?? 1
        page["quarters"] = quarters.map { q -> [String: Any] in
            ["quarter": q.period.description, "incidents": q.withCauseKey, "recurrences": q.recurrences,
             "rate": percent(Double(q.recurrences) / Double(q.withCauseKey)),
             // Bar widths in percent of the busiest quarter, for a chart in plain CSS.
             "allWidth": Int((Double(q.withCauseKey) * 100 / Double(maxAll)).rounded()),
             "recurringWidth": Int((Double(q.recurrences) * 100 / Double(maxAll)).rounded())]
        }
        page["topCauses"] = causes.filter { $0.postmortems.count >= 2 }.prefix(10).map { group -> [String: Any] in
            ["name": group.name, "url": group.path, "count": group.postmortems.count,
             "lastSeen": group.lastSeen.map { "\($0)" } ?? false]
        }
        func verdictEntries(_ list: [Postmortem]) -> [[String: Any]] {
            list.map { p in
                let recurrence = recurrences[p.id] ?? Recurrence()
                // The nearest earlier incidents and the latest pending items; the cause page has the rest.
                func more(_ hidden: Int) -> Any { hidden > 0 ? "+\(hidden)" : false }
                return ["id": p.id, "title": p.title, "url": SitePaths.incidentPage(id: p.id),
                        "date": p.date.map { "\($0)" } ?? false,
                        "of": recurrence.recurrenceOf.map { ["name": $0, "url": SitePaths.incidentPage(id: $0)] },
                        "moreOf": more(recurrence.recurrenceOfCount - recurrence.recurrenceOf.count),
                        "pending": recurrence.pendingItems.map(pendingView),
                        "morePending": more(recurrence.pendingCount - recurrence.pendingItems.count)]
            }
        }
        page["escaped"] = verdictEntries(escaped)
        page["pendingList"] = verdictEntries(pending)
        page["hasEscaped"] = !escaped.isEmpty
        page["hasPending"] = !pending.isEmpty
        return page
    }
}
