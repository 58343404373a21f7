import Foundation

extension PageContext {
    /// `recurrences.html`: how often causes come back, per quarter, which
    /// come back most, and the fixes that escaped or were still pending.
    func recurrencesPage(_ ordered: [Postmortem], recurrences: [String: Recurrence], causes: [Group],
                         quarterly: MetricsReport) -> [String: Any] {
        var page = base(pageTitle: labels["recurrences"] ?? "", root: "", nav: "recurrences")
        let isRecurrence = { (p: Postmortem) in recurrences[p.id]?.isRecurrence ?? false }
        let recurring = ordered.filter { $0.kind == .incident && isRecurrence($0) }
        let escaped = recurring.filter { recurrences[$0.id]?.verdict == .escaped }
        let pending = recurring.filter { recurrences[$0.id]?.verdict == .pending }
        // The language of each fix's own postmortem, for the titles of pending fixes.
        let byID = Dictionary(ordered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
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
        func verdictEntries(_ shown: (entries: [Postmortem], moreOfCause: [String: [String: Any]], others: Any)) -> [[String: Any]] {
            shown.entries.map { p in
                let recurrence = recurrences[p.id] ?? Recurrence()
                // The nearest earlier incidents and the latest pending items; the cause page has the rest.
                func more(_ hidden: Int) -> Any { hidden > 0 ? "+\(hidden)" : false }
                return ["id": p.id, "title": p.title, "url": SitePaths.incidentPage(id: p.id),
                        "contentLang": contentLang(p) ?? false, "date": p.date.map { "\($0)" } ?? false,
                        "of": recurrence.recurrenceOf.map { ["name": $0, "url": SitePaths.incidentPage(id: $0)] },
                        "moreOf": more(recurrence.recurrenceOfCount - recurrence.recurrenceOf.count),
                        "pending": recurrence.pendingItems.map { pendingView($0, lang: byID[$0.id].flatMap(contentLang)) },
                        "morePending": more(recurrence.pendingCount - recurrence.pendingItems.count),
                        "moreOfCause": shown.moreOfCause[p.id] ?? false]
            }
        }
        let shownEscaped = boundedRecurrences(escaped), shownPending = boundedRecurrences(pending)
        page["escaped"] = verdictEntries(shownEscaped)
        page["pendingList"] = verdictEntries(shownPending)
        page["escapedMore"] = shownEscaped.others
        page["pendingMore"] = shownPending.others
        page["hasEscaped"] = !escaped.isEmpty
        page["hasPending"] = !pending.isEmpty
        return page
    }

    /// Recurrences a verdict list shows: at most `recurrencesPerCause` of a
    /// cause and `recurrenceLimit` in all.
    static let recurrencesPerCause = 3
    static let recurrenceLimit = 100
    /// Causes named after the list, those of its recurrences it leaves out.
    static let otherCausesLimit = 100

    /// `list` (newest first) cut to what the page shows: the newest few of
    /// each cause, with a link to the cause page on the last one shown when
    /// the cause has more (`moreOfCause`, by id), and the causes of the
    /// recurrences left out entirely counted after the list (`others`, false
    /// when none).
    func boundedRecurrences(_ list: [Postmortem]) -> (entries: [Postmortem], moreOfCause: [String: [String: Any]], others: Any) {
        func cause(_ p: Postmortem) -> String { p.primaryCause?.key ?? "" }
        var total: [String: Int] = [:]
        for p in list { total[cause(p), default: 0] += 1 }
        var shownPerCause: [String: Int] = [:]
        var lastShown: [String: String] = [:]
        var entries: [Postmortem] = []
        var hidden: [String: Int] = [:]
        for p in list {
            let key = cause(p)
            if entries.count < Self.recurrenceLimit && shownPerCause[key, default: 0] < Self.recurrencesPerCause {
                entries.append(p)
                shownPerCause[key, default: 0] += 1
                lastShown[key] = p.id
            } else if shownPerCause[key] == nil {
                hidden[key, default: 0] += 1
            }
        }
        var moreOfCause: [String: [String: Any]] = [:]
        for (key, id) in lastShown where !key.isEmpty {
            let left = (total[key] ?? 0) - (shownPerCause[key] ?? 0)
            guard left > 0 else { continue }
            moreOfCause[id] = ["url": names.path(.causes, key),
                               "text": fill(labels["moreOfCause"] ?? "{count} {cause}", ["count": left])
                                   .replacingEvery("{cause}", with: key)]
        }
        guard !hidden.isEmpty else { return (entries, moreOfCause, false) }
        let others = hidden.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        var more: [String: Any] = [
            "text": fill(labels["moreInCauses"] ?? "{count} {causes}", ["count": hidden.values.reduce(0, +), "causes": others.count]),
            "causes": others.prefix(Self.otherCausesLimit).enumerated().map { index, other -> [String: Any] in
                ["name": other.key.isEmpty ? "—" : other.key, "url": other.key.isEmpty ? false : names.path(.causes, other.key),
                 "count": format.number(other.value), "last": index == min(others.count, Self.otherCausesLimit) - 1]
            },
            "moreCauses": false,
        ]
        if others.count > Self.otherCausesLimit {
            more["moreCauses"] = fill(labels["moreCauses"] ?? "{count}", ["count": others.count - Self.otherCausesLimit])
        }
        return (entries, moreOfCause, more)
    }
}
