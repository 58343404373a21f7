import Foundation

/// The charts of `trends.html`, each with a title, a text alternative and
/// its data as a table, ready for the `chart` partial.
struct TrendCharts {
    let context: PageContext
    let report: MetricsReport
    let samples: [IncidentSample]
    let quarterly: MetricsReport
    let causes: [Group]

    var labels: [String: String] { context.labels }
    var bands: [String] { report.periods.map(\.period.description) }
    func label(_ key: String) -> String { labels[key] ?? key }
    func duration(_ minutes: Double) -> String { context.format.duration(minutes) }

    func all() -> [[String: Any]] {
        [incidentsPerPeriod(), recoveryPerPeriod(), recoveryDots(), recoveryByCategory(), topRecurringCauses(),
         recurrenceRate(), timeBetweenFailures(), actionItems()].compactMap { $0 }
    }

    /// A chart's view: the SVG, its caption, and its data as a table (first column the row's name).
    func view(_ text: Charts.Text, svg: String, caption: String, columns: [String], rows: [[String]]) -> [String: Any] {
        ["id": text.id, "title": text.title, "svg": svg, "caption": caption, "columns": columns,
         "rows": rows.map { ["head": $0.first ?? "", "cells": Array($0.dropFirst())] as [String: Any] }]
    }

    func periodText(_ id: String, _ title: String, _ summary: String, y: String) -> Charts.Text {
        Charts.Text(id: id, title: title, summary: summary, xTitle: label("granularity-" + report.granularity.rawValue), yTitle: y)
    }

    func incidentsPerPeriod() -> [String: Any]? {
        guard !report.periods.isEmpty else { return nil }
        // Severities worst first, then any unknown level, then incidents without one.
        var series = report.severities.map { key in
            Charts.Series(name: key, cssClass: "fill-\(context.severityClass(key))",
                          values: report.periods.map { p in Double(p.bySeverity.first { $0.key == key }?.incidents ?? 0) })
        }
        let unset = report.periods.map { p in Double(p.incidents - p.bySeverity.reduce(0) { $0 + $1.incidents }) }
        if unset.contains(where: { $0 > 0 }) { series.append(Charts.Series(name: label("notSet"), cssClass: "fill-unset", values: unset)) }
        let total = report.periods.reduce(0) { $0 + $1.incidents }
        let text = periodText("chart-incidents", label("chartIncidents"),
                              String(format: label("chartIncidentsSummary"), total, report.periods.count), y: label("count"))
        let svg = Charts.columns(text, bands: bands, series: series, stacked: true, format: { "\(Int($0))" })
        let rows = report.periods.enumerated().map { index, p in
            [p.period.description, "\(p.incidents)"] + series.map { "\(Int($0.values[index]))" }
        }
        return view(text, svg: svg, caption: label("chartIncidentsCaption"),
                    columns: [label("period"), label("count")] + series.map(\.name), rows: rows)
    }

    func recoveryPerPeriod() -> [String: Any]? {
        guard report.periods.contains(where: { $0.ttr != nil }) else { return nil }
        let periods = report.periods
        let text = periodText("chart-ttr", label("chartTTR"), label("chartTTRSummary"), y: label("ttrShort"))
        let svg = Charts.ranges(
            text, bands: bands,
            low: Charts.Series(name: label("median"), cssClass: "mark-median", values: periods.map { $0.ttr?.median ?? -1 }),
            high: Charts.Series(name: "p90", cssClass: "mark-p90", values: periods.map { $0.ttr?.p90 ?? -1 }),
            middle: Charts.Series(name: label("mean"), cssClass: "mark-mean", values: periods.map { $0.ttr?.mean ?? -1 }),
            format: duration)
        let rows = periods.map { p in
            [p.period.description, "\(p.ttr?.n ?? 0) / \(p.incidents)", context.minutes(p.ttr?.median),
             context.minutes(p.ttr?.p90), context.minutes(p.ttr?.mean)]
        }
        return view(text, svg: svg, caption: label("chartTTRCaption"),
                    columns: [label("period"), "n", label("median"), "p90", label("mean")], rows: rows)
    }

    /// Incidents the chart of every incident's time to recover shows at most: the latest ones.
    static let maximumDots = 500

    func recoveryDots() -> [String: Any]? {
        let all = samples.filter { $0.isCounted && $0.day != nil && $0.timings.recover != nil }
            .sorted { ($0.day ?? .epoch, $0.id) < ($1.day ?? .epoch, $1.id) }
        guard !all.isEmpty else { return nil }
        // Past the limit the latest: the chart and its table stay the same size however long the history.
        let dated = all.suffix(Self.maximumDots)
        let cut = dated.count < all.count
        let dots = dated.compactMap { s -> Charts.Dot? in
            guard let day = s.day, let minutes = s.timings.recover?.minutes else { return nil }
            let severity = s.severity.map(context.severityClass) ?? "other"
            return Charts.Dot(day: Double(day.daysSinceEpoch) + 0.5, minutes: minutes, cssClass: "dot dot-\(severity)",
                              tooltip: "\(day) \(s.id) \(s.title): \(duration(minutes))",
                              href: SitePaths.urlPath(SitePaths.incidentPage(id: s.id)))
        }
        let counts = ["shown": dated.count, "total": all.count]
        let text = Charts.Text(id: "chart-ttr-dots", title: cut ? context.fill(label("chartDotsLatestTitle"), counts) : label("chartDots"),
                               summary: String(format: label("chartDotsSummary"), dots.count),
                               xTitle: label("started"), yTitle: label("ttrShort"))
        let svg = Charts.dots(text, dots: dots, format: duration)
        let rows = dated.map { s in
            ["\(s.day.map { "\($0)" } ?? "")", s.id, s.severity ?? "—", s.timings.recover.map { duration($0.minutes) } ?? "—"]
        }
        return view(text, svg: svg, caption: cut ? context.fill(label("chartDotsLatest"), counts) : label("chartDotsCaption"),
                    columns: [label("date"), "ID", label("severity"), label("ttrShort")], rows: rows)
    }

    func recoveryByCategory() -> [String: Any]? {
        // The categories with a known time to recover, as the breakdown table groups them.
        let stats = OutageMetrics.groups(samples.filter(\.isCounted), keys: { $0.category.map { [$0] } ?? [] },
                                         order: context.configuration.causeCategories.map(\.id))
            .compactMap { group in group.ttr.map { (group.key, $0) } }
        guard !stats.isEmpty else { return nil }
        let rows = stats.map { key, s in
            Charts.Row(label: context.categoryLabel(key) ?? key, value: s.median, whisker: s.p90,
                       tooltip: "\(context.categoryLabel(key) ?? key): \(label("median")) \(duration(s.median)), p90 \(duration(s.p90)), n = \(s.n)",
                       href: SitePaths.urlPath(context.names.path(.categories, key)))
        }
        let text = Charts.Text(id: "chart-ttr-category", title: label("chartCategory"), summary: label("chartCategorySummary"),
                               xTitle: label("ttrShort"), yTitle: label("causeCategory"))
        let svg = Charts.rows(text, rows: rows, logarithmic: true, format: duration)
        return view(text, svg: svg, caption: label("chartCategoryCaption"),
                    columns: [label("causeCategory"), "n", label("median"), "p90", label("mean"), label("totalTTR")],
                    rows: stats.map { key, s in
                        [context.categoryLabel(key) ?? key, "\(s.n)", duration(s.median), duration(s.p90), duration(s.mean), duration(s.total)]
                    })
    }

    func topRecurringCauses() -> [String: Any]? {
        let top = causes.filter { $0.postmortems.count >= 2 }.prefix(10)
        guard !top.isEmpty else { return nil }
        let rows = top.map { group in
            Charts.Row(label: group.name, value: Double(group.postmortems.count), whisker: nil,
                       tooltip: "\(group.name): \(group.postmortems.count)", href: SitePaths.urlPath(group.path))
        }
        let text = Charts.Text(id: "chart-recurring", title: label("mostRecurring"), summary: label("chartRecurringSummary"),
                               xTitle: label("postmortems"), yTitle: label("cause"))
        let svg = Charts.rows(text, rows: Array(rows), logarithmic: false, format: { "\(Int($0))" })
        return view(text, svg: svg, caption: label("chartRecurringCaption"), columns: [label("cause"), label("postmortems"), label("lastSeen")],
                    rows: top.map { [$0.name, "\($0.postmortems.count)", $0.lastSeen.map { "\($0)" } ?? "—"] })
    }

    func recurrenceRate() -> [String: Any]? {
        let quarters = quarterly.periods
        guard quarters.contains(where: { $0.withCauseKey > 0 }) else { return nil }
        let rates = quarters.map { q in q.withCauseKey > 0 ? Double(q.recurrences) / Double(q.withCauseKey) * 100 : 0 }
        let text = Charts.Text(id: "chart-recurrence-rate", title: label("chartRecurrenceRate"), summary: label("chartRecurrenceRateSummary"),
                               xTitle: label("quarter"), yTitle: label("recurrenceRate"))
        let svg = Charts.columns(text, bands: quarters.map(\.period.description),
                                 series: [Charts.Series(name: label("recurrenceRate"), cssClass: "fill-accent", values: rates)],
                                 stacked: true, format: { "\(Int($0)) %" })
        return view(text, svg: svg, caption: label("chartRecurrenceRateCaption"),
                    columns: [label("quarter"), label("incidentsWithCause"), label("recurrencesCount"), label("recurrenceRate")],
                    rows: quarters.map { q in
                        [q.period.description, "\(q.withCauseKey)", "\(q.recurrences)",
                         context.percent(q.withCauseKey > 0 ? Double(q.recurrences) / Double(q.withCauseKey) : nil)]
                    })
    }

    func timeBetweenFailures() -> [String: Any]? {
        guard report.periods.contains(where: { $0.mtbfDays != nil }) else { return nil }
        let text = periodText("chart-mtbf", label("chartMTBF"), label("chartMTBFSummary"), y: label("daysUnit"))
        let svg = Charts.columns(text, bands: bands, series: [
            Charts.Series(name: label("mtbf"), cssClass: "fill-accent", values: report.periods.map { $0.mtbfDays ?? 0 }),
        ], stacked: true, format: { "\(Int($0))" })
        return view(text, svg: svg, caption: label("chartMTBFCaption"), columns: [label("period"), label("count"), label("mtbf")],
                    rows: report.periods.map { p in [p.period.description, "\(p.incidents)", p.mtbfDays.map(context.days) ?? "—"] })
    }

    /// Recurrence-fix items promised (in the period of their postmortem) against those completed, per period, and overdue now.
    func actionItems() -> [String: Any]? {
        var opened: [Period: Int] = [:], completed: [Period: Int] = [:]
        var overdue = 0
        let granularity = report.granularity
        for s in samples {
            for item in s.fixes where item.status != .wontDo {
                if let day = s.day { opened[Period(day, granularity), default: 0] += 1 }
                if item.status == .done, let done = item.completed { completed[Period(done, granularity), default: 0] += 1 }
                if item.isOverdue(on: context.today) { overdue += 1 }
            }
        }
        // The chart runs over the promised items' periods, and the completions
        // between the first of them and today: a completion dated 8023 (a typo)
        // or long before would otherwise make one column a month for millennia.
        // Every completion still counts in the summary.
        let today = Period(context.today, granularity)
        let lowest = opened.keys.min()
        let shown = completed.keys.filter { period in period <= today && lowest.map { period >= $0 } ?? true }
        let all = Set(opened.keys).union(shown)
        guard let first = all.min(), let last = all.max() else { return nil }
        let periods = Period.range(Period.start(first, within: last), through: last)
        let text = Charts.Text(id: "chart-action-items", title: label("chartActions"),
                               summary: String(format: label("chartActionsSummary"), opened.values.reduce(0, +),
                                               completed.values.reduce(0, +), overdue),
                               xTitle: label("granularity-" + granularity.rawValue), yTitle: label("actionItems"))
        let svg = Charts.columns(text, bands: periods.map(\.description), series: [
            Charts.Series(name: label("promised"), cssClass: "fill-promised", values: periods.map { Double(opened[$0] ?? 0) }),
            Charts.Series(name: label("completed"), cssClass: "fill-ok", values: periods.map { Double(completed[$0] ?? 0) }),
        ], stacked: false, format: { "\(Int($0))" })
        var view = view(text, svg: svg, caption: String(format: label("chartActionsCaption"), overdue),
                        columns: [label("period"), label("promised"), label("completed")],
                        rows: periods.map { [$0.description, "\(opened[$0] ?? 0)", "\(completed[$0] ?? 0)"] })
        view["overdue"] = overdue
        return view
    }
}
