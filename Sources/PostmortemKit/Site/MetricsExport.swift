import Foundation

/// `data/metrics.json` and `data/metrics.csv` (and `postmortem stats
/// --format json|csv`): the report in the shapes docs/metrics.md documents.
/// Minutes and days to a tenth, rates to a thousandth; a statistic of no
/// values is `null` (an empty CSV field).
public enum MetricsExport {
    /// Pretty-printed, keys sorted (as `JSONEncoder` wrote it), a line break at the end.
    public static func json(_ report: MetricsReport) -> [UInt8] {
        var json = JSONWriter(pretty: true, capacity: 4_096 + 1_024 * report.periods.count)
        json.beginObject()
        json.key("granularity"); json.string(report.granularity.rawValue)
        json.key("overall")
        let overall = report.overall
        json.beginObject()
        json.key("drafts"); json.number(overall.drafts)
        json.key("incidents"); json.number(overall.incidents)
        json.key("mtbf_days"); json.number(overall.mtbfDays.map(DataExport.tenth))
        json.key("near_misses"); json.number(overall.nearMisses)
        json.key("recurrence_rate"); json.number(overall.recurrenceRate.map { ($0 * 1000).rounded() / 1000 })
        json.key("ttd"); write(overall.ttd, into: &json)
        json.key("ttm"); write(overall.ttm, into: &json)
        json.key("ttr"); write(overall.ttr, into: &json)
        json.endObject()
        json.key("periods")
        json.beginArray()
        for figures in report.periods {
            json.beginObject()
            json.key("by_category"); write(figures.byCategory, into: &json)
            json.key("by_severity"); write(figures.bySeverity, into: &json)
            json.key("incidents"); json.number(figures.incidents)
            json.key("period"); json.string(figures.period.description)
            json.key("recurrences"); json.number(figures.recurrences)
            json.key("ttd"); write(figures.ttd, into: &json)
            json.key("ttm"); write(figures.ttm, into: &json)
            json.key("ttr"); write(figures.ttr, into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("timezone"); json.string(report.timeZone)
        json.endObject()
        json.bytes.append(0x0A)
        return json.bytes
    }

    /// A statistic's figures (minutes to a tenth), or `null` for one of no values.
    private static func write(_ value: Statistics?, into json: inout JSONWriter) {
        guard let value else { return json.null() }
        json.beginObject()
        json.key("max"); json.number(DataExport.tenth(value.max))
        json.key("mean"); json.number(DataExport.tenth(value.mean))
        json.key("median"); json.number(DataExport.tenth(value.median))
        json.key("min"); json.number(DataExport.tenth(value.min))
        json.key("n"); json.number(value.n)
        json.key("p90"); json.number(DataExport.tenth(value.p90))
        json.key("total"); json.number(DataExport.tenth(value.total))
        json.endObject()
    }

    /// Groups by key (the first of a repeated key), keys in the encoder's order.
    private static func write(_ groups: [MetricsReport.GroupFigures], into json: inout JSONWriter) {
        let byKey = Dictionary(groups.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        json.beginObject()
        for (key, group) in JSONWriter.sortedKeys(byKey) {
            json.key(key)
            json.beginObject()
            json.key("incidents"); json.number(group.incidents)
            json.key("ttr"); write(group.ttr, into: &json)
            json.endObject()
        }
        json.endObject()
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
}
