import Foundation

/// `postmortem stats`: the outage statistics of a folder, as the terminal
/// table, or the same JSON and CSV as `data/metrics.json` and `.csv`.
public enum Stats {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, csv
    }

    public struct Options: Sendable {
        public var granularity: Granularity?
        /// Only incidents that began on or after this day (site time zone).
        public var since: CalendarDate?
        /// Only incidents that began on or before this day.
        public var until: CalendarDate?

        public init(granularity: Granularity? = nil, since: CalendarDate? = nil, until: CalendarDate? = nil) {
            self.granularity = granularity
            self.since = since
            self.until = until
        }
    }

    /// The report of a loaded knowledge base. With the build's load cache
    /// (`LoadCache.reading(siteFolder:)`), the recurrences are read from that
    /// build's memo when it analysed the same postmortems (never written).
    public static func report(_ check: CheckReport, options: Options, cache: LoadCache? = nil) -> MetricsReport {
        let postmortems = check.load.postmortems
        let configuration = check.configuration
        // In the site's order, the one the build's memo keeps them in.
        let ordered = Postmortem.newestFirst(postmortems).map { postmortems[$0] }
        let recurrences = RecurrenceAnalysis.analyze(ordered, timeZone: configuration.timeZone,
                                                     memo: cache?.memo(named: "recurrences")).all
        let samples = IncidentSample.make(postmortems, configuration: configuration, recurrences: recurrences)
        return OutageMetrics.report(samples, configuration: configuration, granularity: options.granularity,
                                    from: options.since, through: options.until)
    }

    public static func render(_ report: MetricsReport, format: Format, folder: String) throws -> String {
        switch format {
        case .json: String(decoding: MetricsExport.json(report), as: UTF8.self)
        case .csv: String(decoding: MetricsExport.csv(report), as: UTF8.self)
        case .text: text(report, folder: folder)
        }
    }

    /// The overall figures and the per-period table, columns aligned.
    public static func text(_ report: MetricsReport, folder: String) -> String {
        let format = Formatting(language: .en, timeZone: TimeZone(secondsFromGMT: 0) ?? .current)
        func minutes(_ value: Double?) -> String { value.map { format.duration($0) } ?? "—" }
        let o = report.overall
        let d = report.definition
        var lines = ["Outage statistics of \(folder), by \(report.granularity.rawValue) in \(report.timeZone).",
                     "TTR = \(d.recoveryEnd.rawValue) − \(d.recoveryStart.rawValue) (else the stated duration); "
                         + "times inferred from the text \(d.includeInferred ? "counted" : "not counted")"
                         + (o.ttrInferred > 0 ? " (\(o.ttrInferred) of TTR)" : "") + ".",
                     ""]
        var summary = "\(DiagnosticFormatter.plural(o.incidents, "incident")), "
            + "\(DiagnosticFormatter.plural(o.nearMisses, "near miss", plural: "near misses")), "
            + "\(DiagnosticFormatter.plural(o.drafts, "draft")) (left out of the times)"
        if let mtbf = o.mtbfDays { summary += "; mean time between incidents \(String(format: "%.1f", mtbf)) days" }
        if let rate = o.recurrenceRate {
            summary += "; recurrence rate \(Int((rate * 100).rounded())) % (\(o.recurrences) of \(o.withCauseKey))"
        }
        if o.undated > 0 { summary += "; \(o.undated) undated, in no period" }
        lines += [summary + ".", ""]
        var overall = [["", "n", "missing", "median", "p90", "mean", "min", "max", "total"]]
        for (name, s) in [("TTR", o.ttr), ("TTD", o.ttd), ("TTM", o.ttm)] {
            overall.append([name, "\(s?.n ?? 0)", "\(o.incidents - (s?.n ?? 0))", minutes(s?.median), minutes(s?.p90),
                            minutes(s?.mean), minutes(s?.min), minutes(s?.max), minutes(s?.total)])
        }
        lines += TextTable.render(overall, leftAligned: [0]) + [""]
        var periods = [["period", "incidents", "recurrences", "TTR n", "median", "p90", "mean", "max", "TTD median", "TTM median"]]
        for p in report.periods {
            periods.append([p.period.description, "\(p.incidents)", "\(p.recurrences)", "\(p.ttr?.n ?? 0)",
                            minutes(p.ttr?.median), minutes(p.ttr?.p90), minutes(p.ttr?.mean), minutes(p.ttr?.max),
                            minutes(p.ttd?.median), minutes(p.ttm?.median)])
        }
        lines += report.periods.isEmpty ? ["No dated incidents in this range."] : TextTable.render(periods, leftAligned: [0])
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Columns padded to their widest cell (East Asian wide characters count two).
enum TextTable {
    static func render(_ rows: [[String]], leftAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? width($0[column]) : 0 }.max() ?? 0 }
        return rows.map { row -> String in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - width(cell))
                return leftAligned.contains(column) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
    }

    /// Display width in a terminal: CJK, full-width forms and Hangul take two cells.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                total + 2
            case 0x0300...0x036F, 0x200B...0x200F: total
            default: total + 1
            }
        }
    }
}
