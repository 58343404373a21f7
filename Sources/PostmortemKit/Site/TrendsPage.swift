import Foundation

/// `trends.html`: how often outages happen and how long recovery takes,
/// with the mean beside the median and p90, every figure with its `n`, a
/// change called a trend only when both sides have enough incidents, and
/// each chart's data in a table beneath it.
extension PageContext {
    /// Incidents a side needs before a change is described in words.
    static let trendMinimum = 5

    func trendsPage(_ report: MetricsReport, samples: [IncidentSample], quarterly: MetricsReport,
                    causes: [Group]) -> [String: Any] {
        var page = base(pageTitle: labels["trends"] ?? "", root: "", nav: "trends")
        let definition = configuration.metrics
        page["definition"] = String(format: labels["trendsDefinition"] ?? "%@ %@",
                                    definition.recoveryEnd.rawValue, definition.recoveryStart.rawValue)
        page["inferredNote"] = labels[definition.includeInferred ? "inferredIncluded" : "inferredExcluded"] ?? ""
        page["periodNote"] = String(format: labels["periodNote"] ?? "%@ %@",
                                    labels["granularity-" + report.granularity.rawValue] ?? report.granularity.rawValue,
                                    configuration.timeZoneName)
        page["windows"] = [3, 6, 12].map { window(months: $0, samples: samples) }
        page["figures"] = overallFigures(report.overall)
        page["charts"] = TrendCharts(context: self, report: report, samples: samples, quarterly: quarterly, causes: causes).all()
        let counted = samples.filter(\.isCounted)
        page["breakdowns"] = [
            breakdown(labels["severity"] ?? "", counted, keys: { $0.severity.map { [$0] } ?? [] },
                      order: configuration.severityLevels.map(\.id), name: { $0 }, url: { _ in nil }),
            breakdown(labels["causeCategory"] ?? "", counted, keys: { $0.category.map { [$0] } ?? [] },
                      order: configuration.causeCategories.map(\.id), name: { categoryLabel($0) ?? $0 },
                      url: { names.path(.categories, $0) }),
            breakdown(labels["service"] ?? "", counted, keys: \.services, order: nil, name: { $0 },
                      url: { names.path(.services, $0) }),
        ]
        return page
    }

    /// A duration, or a dash for none.
    func minutes(_ value: Double?) -> String { value.map { format.duration($0) } ?? "—" }

    func overallFigures(_ overall: MetricsReport.Overall) -> [[String: Any]] {
        var figures: [[String: Any]] = [
            ["label": labels["count"] ?? "", "value": "\(overall.incidents)"],
            ["label": labels["nearMisses"] ?? "", "value": "\(overall.nearMisses)"],
            ["label": labels["drafts"] ?? "", "value": "\(overall.drafts)"],
        ]
        for (key, statistics) in [("ttr", overall.ttr), ("ttd", overall.ttd), ("ttm", overall.ttm)] {
            let name = labels[key + "Short"] ?? key
            figures.append(["label": "\(name) · \(labels["median"] ?? "")", "value": minutes(statistics?.median),
                            "note": "n = \(statistics?.n ?? 0) / \(overall.incidents)"])
            if key == "ttr" {
                figures.append(["label": "\(name) · p90", "value": minutes(statistics?.p90)])
                figures.append(["label": "\(name) · \(labels["mean"] ?? "")", "value": minutes(statistics?.mean)])
            }
        }
        if overall.undated > 0 { figures.append(["label": labels["undated"] ?? "", "value": "\(overall.undated)"]) }
        figures.append(["label": labels["mtbf"] ?? "", "value": overall.mtbfDays.map(days) ?? "—"])
        figures.append(["label": labels["recurrenceRate"] ?? "", "value": percent(overall.recurrenceRate),
                        "note": "\(overall.recurrences) / \(overall.withCauseKey)"])
        return figures.map { figure in figure.merging(["note": false]) { current, _ in current } }
    }

    func days(_ value: Double) -> String {
        String(format: labels["daysValue"] ?? "%.1f d", value)
    }

    func percent(_ rate: Double?) -> String {
        rate.map { "\(Int(($0 * 100).rounded())) %" } ?? "—"
    }

    /// The last `months` months up to today against the `months` before them.
    func window(months: Int, samples: [IncidentSample]) -> [String: Any] {
        let end = today, middle = today.adding(months: -months), start = today.adding(months: -2 * months)
        let counted = samples.filter(\.isCounted)
        func figures(after low: CalendarDate, upTo high: CalendarDate) -> MetricsReport.Overall {
            OutageMetrics.overallFigures(counted.filter { s in s.day.map { $0 > low && $0 <= high } ?? false })
        }
        let now = figures(after: middle, upTo: end), before = figures(after: start, upTo: middle)
        func row(_ label: String, _ current: (MetricsReport.Overall) -> String) -> [String: Any] {
            ["label": label, "current": current(now), "previous": current(before)]
        }
        let ttr = labels["ttrShort"] ?? ""
        let rows = [
            row(labels["count"] ?? "") { "\($0.incidents)" },
            row("\(ttr) · n") { "\($0.ttr?.n ?? 0)" },
            row("\(ttr) · \(labels["median"] ?? "")") { minutes($0.ttr?.median) },
            row("\(ttr) · p90") { minutes($0.ttr?.p90) },
            row("\(ttr) · \(labels["mean"] ?? "")") { minutes($0.ttr?.mean) },
        ]
        let minimum = Self.trendMinimum
        var claims: [String] = []
        if now.incidents >= minimum && before.incidents >= minimum {
            claims.append(change(labels["claimIncidents"] ?? "", Double(before.incidents), Double(now.incidents),
                                 text: { "\(Int($0))" }, fewer: "claimFewer", more: "claimMore", counts: true))
            if let a = before.ttr, let b = now.ttr, a.n >= minimum, b.n >= minimum {
                claims.append(change(labels["claimMedian"] ?? "", a.median, b.median, text: { format.duration($0) },
                                     fewer: "claimShorter", more: "claimLonger"))
                claims.append(change(labels["claimP90"] ?? "", a.p90, b.p90, text: { format.duration($0) },
                                     fewer: "claimShorter", more: "claimLonger"))
            } else {
                claims.append(String(format: labels["thinTTR"] ?? "%d %d %d", before.ttr?.n ?? 0, now.ttr?.n ?? 0, minimum))
            }
        }
        let thin = claims.isEmpty
        return ["title": String(format: labels["lastMonths"] ?? "%d", months),
                "currentRange": "\(middle.adding(days: 1)) – \(end)", "previousRange": "\(start.adding(days: 1)) – \(middle)",
                "rows": rows, "claims": claims, "thin": thin,
                "thinText": String(format: labels["thinData"] ?? "%d %d %d", before.incidents, now.incidents, minimum)]
    }

    /// `Median time to recover: shorter, 2h → 1h 10m (−42 %)`. Durations
    /// within ±20 % are "about the same"; so are counts whose difference is
    /// within two standard deviations of Poisson noise (2 √(a + b)): 7 → 8
    /// incidents is chance, not a trend.
    func change(_ what: String, _ before: Double, _ now: Double, text: (Double) -> String,
                fewer: String, more: String, counts: Bool = false) -> String {
        let ratio = before > 0 ? (now - before) / before : 0
        let word: String
        if counts && abs(now - before) <= 2 * (now + before).squareRoot() {
            word = labels["claimChance"] ?? ""
        } else if !counts && abs(ratio) < 0.2 {
            word = labels["claimSame"] ?? ""
        } else {
            word = labels[ratio < 0 ? fewer : more] ?? ""
        }
        let sign = ratio < 0 ? "−" : "+"
        return String(format: labels["claimFormat"] ?? "%@: %@, %@ → %@ (%@)", what, word, text(before), text(now),
                      "\(sign)\(Int((abs(ratio) * 100).rounded())) %")
    }

    /// A table of the statistics of time to recover per value of one facet,
    /// in `order` (or the most incidents first when there is none).
    func breakdown(_ title: String, _ counted: [IncidentSample], keys: (IncidentSample) -> [String], order: [String]?,
                   name: (String) -> String, url: (String) -> String?) -> [String: Any] {
        let rows = OutageMetrics.groups(counted, keys: keys, order: order).map { group -> [String: Any] in
            let ttr = group.ttr
            var row: [String: Any] = ["name": name(group.key), "url": false, "incidents": group.incidents, "n": ttr?.n ?? 0,
                                      "median": minutes(ttr?.median), "p90": minutes(ttr?.p90), "mean": minutes(ttr?.mean),
                                      "min": minutes(ttr?.min), "max": minutes(ttr?.max), "total": minutes(ttr?.total)]
            if let link = url(group.key) { row["url"] = link }
            return row
        }
        return ["title": title, "rows": rows, "empty": rows.isEmpty]
    }
}

extension CalendarDate {
    /// The day `days` days later (earlier when negative).
    func adding(days: Int) -> CalendarDate {
        DateTimeParsing.civilFromDays(daysSinceEpoch + days)
    }
}
