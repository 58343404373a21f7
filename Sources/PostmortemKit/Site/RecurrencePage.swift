import Foundation

extension PageContext {
    /// `recurrences.html`: how often causes come back, per quarter, which
    /// come back most, and the fixes that escaped or were still pending.
    func recurrencesPage(_ ordered: [Postmortem], recurrences: [String: Recurrence], causes: [Group]) -> [String: Any] {
        var page = base(pageTitle: labels["recurrences"] ?? "", root: "")
        page["nav"] = ["recurrences": true]
        // Incidents with a start and a cause key: what a recurrence rate can count.
        let counted = ordered.filter { p in
            p.kind == .incident && recurrences[p.id] != nil && !RecurrenceAnalysis.keys(p).isEmpty
        }
        let isRecurrence = { (p: Postmortem) in !(recurrences[p.id]?.recurrenceOf.isEmpty ?? true) }
        let recurring = counted.filter(isRecurrence)
        let escaped = recurring.filter { recurrences[$0.id]?.verdict == .escaped }
        let pending = recurring.filter { recurrences[$0.id]?.verdict == .pending }
        func percent(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "—" : "\(Int((Double(part) * 100 / Double(whole)).rounded())) %"
        }
        page["figures"] = [
            ["label": labels["incidentsWithCause"] ?? "", "value": "\(counted.count)"],
            ["label": labels["recurrencesCount"] ?? "", "value": "\(recurring.count)"],
            ["label": labels["recurrenceRate"] ?? "", "value": percent(recurring.count, counted.count)],
            ["label": labels["verdict-escaped"] ?? "", "value": "\(escaped.count)"],
            ["label": labels["verdict-pending"] ?? "", "value": "\(pending.count)"],
        ]
        // Per quarter of the incident's date, oldest first.
        var quarters: [String: (all: Int, recurring: Int)] = [:]
        for p in counted {
            guard let date = p.date else { continue }
            let quarter = "\(date.year) Q\((date.month - 1) / 3 + 1)"
            quarters[quarter, default: (0, 0)].all += 1
            if isRecurrence(p) { quarters[quarter, default: (0, 0)].recurring += 1 }
        }
        let maxAll = quarters.values.map(\.all).max() ?? 1
        page["quarters"] = quarters.keys.sorted().map { key -> [String: Any] in
            let q = quarters[key] ?? (0, 0)
            return ["quarter": key, "incidents": q.all, "recurrences": q.recurring, "rate": percent(q.recurring, q.all),
                    // Bar widths in percent of the busiest quarter, for a chart in plain CSS.
                    "allWidth": Int((Double(q.all) * 100 / Double(maxAll)).rounded()),
                    "recurringWidth": Int((Double(q.recurring) * 100 / Double(maxAll)).rounded())]
        }
        page["topCauses"] = causes.filter { $0.postmortems.count >= 2 }.prefix(10).map { group -> [String: Any] in
            ["name": group.name, "url": group.path, "count": group.postmortems.count,
             "lastSeen": group.lastSeen.map { "\($0)" } ?? false]
        }
        func verdictEntries(_ list: [Postmortem]) -> [[String: Any]] {
            list.map { p in
                let recurrence = recurrences[p.id] ?? Recurrence()
                return ["id": p.id, "title": p.title, "url": SitePaths.incidentPage(id: p.id),
                        "date": p.date.map { "\($0)" } ?? false,
                        "of": recurrence.recurrenceOf.map { ["name": $0, "url": SitePaths.incidentPage(id: $0)] },
                        "pending": recurrence.pendingItems.map(pendingView)]
            }
        }
        page["escaped"] = verdictEntries(escaped)
        page["pendingList"] = verdictEntries(pending)
        page["hasEscaped"] = !escaped.isEmpty
        page["hasPending"] = !pending.isEmpty
        return page
    }
}
