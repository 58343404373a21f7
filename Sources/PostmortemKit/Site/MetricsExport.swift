import Foundation

/// `data/metrics.json` and `data/metrics.csv` (and `postmortem stats
/// --format json|csv`): the report in the shapes docs/metrics.md documents.
/// Minutes and days to a tenth, rates to a thousandth; a statistic of no
/// values is `null` (an empty CSV field).
public enum MetricsExport {
    public static func json(_ report: MetricsReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(Document(report: report))) + [0x0A]
    }

    public static func csv(_ report: MetricsReport) -> [UInt8] {
        DataExport.csv(table(report))
    }

    /// The CSV as rows, header first: one row per period; each column is the
    /// JSON path of its number (`ttr.median`, `by_severity.SEV1.ttr.p90`).
    static func table(_ report: MetricsReport) -> [[String]] {
        let statistics = ["n", "mean", "median", "p90", "min", "max", "total"]
        func cells(_ value: Statistics?) -> [String] {
            guard let value else { return statistics.map { _ in "" } }
            return [String(value.n)] + [value.mean, value.median, value.p90, value.min, value.max, value.total]
                .map { DataExport.number(DataExport.tenth($0)) }
        }
        let severities = report.severities, categories = report.categories
        var header = ["period", "incidents"]
        for time in ["ttr", "ttd", "ttm"] { header += statistics.map { "\(time).\($0)" } }
        header.append("recurrences")
        for (name, ids) in [("by_severity", severities), ("by_category", categories)] {
            for id in ids { header += ["\(name).\(id).incidents"] + statistics.map { "\(name).\(id).ttr.\($0)" } }
        }
        var rows = [header]
        for period in report.periods {
            var row = [period.period.description, String(period.incidents)]
            row += cells(period.ttr) + cells(period.ttd) + cells(period.ttm)
            row.append(String(period.recurrences))
            for (groups, ids) in [(period.bySeverity, severities), (period.byCategory, categories)] {
                for id in ids {
                    let group = groups.first { $0.key == id }
                    row += [String(group?.incidents ?? 0)] + cells(group?.ttr)
                }
            }
            rows.append(row)
        }
        return rows
    }

    // MARK: The JSON document

    struct Document: Encodable {
        let report: MetricsReport
        enum Key: String, CodingKey { case granularity, timezone, overall, periods }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(report.granularity.rawValue, forKey: .granularity)
            try container.encode(report.timeZone, forKey: .timezone)
            try container.encode(OverallRecord(overall: report.overall), forKey: .overall)
            try container.encode(report.periods.map(PeriodRecord.init), forKey: .periods)
        }
    }

    struct StatisticsRecord: Encodable {
        let value: Statistics
        enum Key: String, CodingKey { case n, mean, median, p90, min, max, total }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(value.n, forKey: .n)
            try container.encode(DataExport.tenth(value.mean), forKey: .mean)
            try container.encode(DataExport.tenth(value.median), forKey: .median)
            try container.encode(DataExport.tenth(value.p90), forKey: .p90)
            try container.encode(DataExport.tenth(value.min), forKey: .min)
            try container.encode(DataExport.tenth(value.max), forKey: .max)
            try container.encode(DataExport.tenth(value.total), forKey: .total)
        }
    }

    struct OverallRecord: Encodable {
        let overall: MetricsReport.Overall
        enum Key: String, CodingKey {
            case incidents, nearMisses = "near_misses", drafts, ttr, ttd, ttm
            case mtbfDays = "mtbf_days", recurrenceRate = "recurrence_rate"
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(overall.incidents, forKey: .incidents)
            try container.encode(overall.nearMisses, forKey: .nearMisses)
            try container.encode(overall.drafts, forKey: .drafts)
            try container.encode(overall.ttr.map(StatisticsRecord.init), forKey: .ttr)
            try container.encode(overall.ttd.map(StatisticsRecord.init), forKey: .ttd)
            try container.encode(overall.ttm.map(StatisticsRecord.init), forKey: .ttm)
            try container.encode(overall.mtbfDays.map(DataExport.tenth), forKey: .mtbfDays)
            try container.encode(overall.recurrenceRate.map { ($0 * 1000).rounded() / 1000 }, forKey: .recurrenceRate)
        }
    }

    struct PeriodRecord: Encodable {
        let figures: MetricsReport.PeriodFigures
        init(_ figures: MetricsReport.PeriodFigures) { self.figures = figures }
        enum Key: String, CodingKey {
            case period, incidents, ttr, ttd, ttm, bySeverity = "by_severity", byCategory = "by_category", recurrences
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(figures.period.description, forKey: .period)
            try container.encode(figures.incidents, forKey: .incidents)
            try container.encode(figures.ttr.map(StatisticsRecord.init), forKey: .ttr)
            try container.encode(figures.ttd.map(StatisticsRecord.init), forKey: .ttd)
            try container.encode(figures.ttm.map(StatisticsRecord.init), forKey: .ttm)
            func groups(_ list: [MetricsReport.GroupFigures]) -> [String: GroupRecord] {
                Dictionary(list.map { ($0.key, GroupRecord(group: $0)) }, uniquingKeysWith: { first, _ in first })
            }
            try container.encode(groups(figures.bySeverity), forKey: .bySeverity)
            try container.encode(groups(figures.byCategory), forKey: .byCategory)
            try container.encode(figures.recurrences, forKey: .recurrences)
        }
    }

    struct GroupRecord: Encodable {
        let group: MetricsReport.GroupFigures
        enum Key: String, CodingKey { case incidents, ttr }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(group.incidents, forKey: .incidents)
            try container.encode(group.ttr.map(StatisticsRecord.init), forKey: .ttr)
        }
    }
}
