import Foundation
@testable import PostmortemKit

/// How the data files were made before `JSONWriter`: `Encodable` records
/// through `JSONEncoder` (and the search documents' bytes made script-safe
/// afterwards; the CSV built as strings). Kept as the reference the written bytes are compared with.
enum Reference {
    // MARK: data/incidents.json

    struct Incident: Encodable {
        let postmortem: Postmortem
        var recurrence = Recurrence()
        var definition = MetricsDefinition.default

        enum Key: String, CodingKey {
            case id, title, url, source, date, status, kind, severity, services
            case startedAt = "started_at", detectedAt = "detected_at", mitigatedAt = "mitigated_at", resolvedAt = "resolved_at"
            case ttrMinutes = "ttr_minutes", ttdMinutes = "ttd_minutes", ttmMinutes = "ttm_minutes", ttrSource = "ttr_source"
            case causes, recurrenceFix = "recurrence_fix", tags
            case causeKeys = "cause_keys", recurrenceOf = "recurrence_of", recurredBy = "recurred_by", fixVerdict = "fix_verdict"
            case recurrenceOfCount = "recurrence_of_count", recurredByCount = "recurred_by_count"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            let p = postmortem
            try container.encode(p.id, forKey: .id)
            try container.encode(p.title, forKey: .title)
            try container.encode(SitePaths.incidentPage(id: p.id), forKey: .url)
            try container.encode(p.source.relativePath, forKey: .source)
            try container.encode(p.date.map { "\($0)" }, forKey: .date)
            try container.encode(p.status.rawValue, forKey: .status)
            try container.encode(p.kind.rawValue, forKey: .kind)
            try container.encode(p.severity, forKey: .severity)
            try container.encode(p.services, forKey: .services)
            let m = p.milestones
            try container.encode(m.startedAt.map(DateTimeParsing.utc), forKey: .startedAt)
            try container.encode(m.detectedAt.map(DateTimeParsing.utc), forKey: .detectedAt)
            try container.encode(m.mitigatedAt.map(DateTimeParsing.utc), forKey: .mitigatedAt)
            try container.encode(m.resolvedAt.map(DateTimeParsing.utc), forKey: .resolvedAt)
            let timings = p.timings(definition)
            try container.encode(timings.recover.map { rounded($0.minutes) }, forKey: .ttrMinutes)
            try container.encode(timings.detect.map { rounded($0.minutes) }, forKey: .ttdMinutes)
            try container.encode(timings.mitigate.map { rounded($0.minutes) }, forKey: .ttmMinutes)
            try container.encode(timings.recover?.source.rawValue, forKey: .ttrSource)
            try container.encode(p.causes.map(CauseRecord.init), forKey: .causes)
            try container.encode(p.recurrenceFix.map(FixRecord.init), forKey: .recurrenceFix)
            try container.encode(p.tags, forKey: .tags)
            try container.encode(p.causes.map(\.key), forKey: .causeKeys)
            try container.encode(recurrence.recurrenceOf, forKey: .recurrenceOf)
            try container.encode(recurrence.recurredBy, forKey: .recurredBy)
            try container.encode(recurrence.recurrenceOfCount, forKey: .recurrenceOfCount)
            try container.encode(recurrence.recurredByCount, forKey: .recurredByCount)
            try container.encode(recurrence.verdict?.rawValue, forKey: .fixVerdict)
        }

        func rounded(_ minutes: Double) -> Double { DataExport.tenth(minutes) }
    }

    struct CauseRecord: Encodable {
        let category: String?, key: String, summary: String?
        init(_ cause: Cause) { category = cause.category; key = cause.key; summary = cause.summary }
        enum Key: String, CodingKey { case category, key, summary }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(category, forKey: .category)
            try container.encode(key, forKey: .key)
            try container.encode(summary, forKey: .summary)
        }
    }

    struct FixRecord: Encodable {
        let item: ActionItem
        init(_ item: ActionItem) { self.item = item }
        enum Key: String, CodingKey { case title, owner, status, due, completed }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(item.title, forKey: .title)
            try container.encode(item.owner, forKey: .owner)
            try container.encode(item.status.rawValue, forKey: .status)
            try container.encode(item.due.map { "\($0)" }, forKey: .due)
            try container.encode(item.completed.map { "\($0)" }, forKey: .completed)
        }
    }


    /// `data/incidents.json` as the encoder writes the whole array.
    static func incidentsJSON(_ postmortems: [Postmortem], recurrences: [String: Recurrence] = [:]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(postmortems.map {
            Incident(postmortem: $0, recurrence: recurrences[$0.id] ?? Recurrence())
        })) + [0x0A]
    }

    // MARK: data/metrics.json

    static func metricsJSON(_ report: MetricsReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(Document(report: report))) + [0x0A]
    }

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

    // MARK: data/index-rows.js and data/rows/…

    /// One row: the values a cell shows and those the filters and sorting read.
    struct Row: Encodable {
        let row: IncidentRow
        let services: [Int]
        let category: Int?

        // [url, title, date, severity, severityClass, severityRank, services, category, ttr minutes,
        //  ttr text, inferred, status, statusRank, near miss, language when not the site's]; "" or -1 when unknown.
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            let facets = row.facets
            try c.encode(row.url)
            try c.encode(row.title)
            try c.encode(row.date ?? "")
            try c.encode(row.severity ?? "")
            try c.encode(row.severityClass ?? "")
            try c.encode(Int(facets["severityRank"] ?? "") ?? -1)
            try c.encode(services)
            try c.encode(category ?? -1)
            try c.encode(Int(facets["ttr"] ?? "") ?? -1)
            try c.encode(row.ttr ?? "")
            try c.encode(row.ttrInferred ? 1 : 0)
            try c.encode(row.status)
            try c.encode(Int(facets["statusRank"] ?? "") ?? -1)
            try c.encode(row.nearMiss ? 1 : 0)
            try c.encode(row.contentLang ?? "")
        }
    }

    struct RowsData: Encodable {
        let labels: [String: String]
        /// [name, page] of each service; rows refer to them by position.
        let services: [[String]]
        /// [id, label, page] of each cause category.
        let categories: [[String]]
        let rows: [Row]
    }

    /// `window.POSTMORTEM_ROWS = {…};` with every postmortem, newest first; deterministic.
    /// `root` leads from the page that shows the rows to the site root.
    static func rowsScript(_ ordered: [Postmortem], context: PageContext, root: String = "") throws -> [UInt8] {
        let rows = ordered.map { context.row($0, root: root, html: false) }
        let services = Array(Set(rows.flatMap(\.serviceLinks).map { [$0.name, $0.url] })).sorted { $0.lexicographicallyPrecedes($1) }
        let serviceIndex = Dictionary(services.enumerated().map { ($1[0], $0) }, uniquingKeysWith: { a, _ in a })
        let categories = Array(Set(rows.compactMap { row -> [String]? in
            guard let label = row.category, let url = row.categoryURL else { return nil }
            return [row.facets["category"] ?? "", label, url]
        })).sorted { $0.lexicographicallyPrecedes($1) }
        let categoryIndex = Dictionary(categories.enumerated().map { ($1[0], $0) }, uniquingKeysWith: { a, _ in a })
        let labels = ["nearMiss", "inferred", "inferredHelp", "draft", "review", "published"]
        let data = RowsData(
            labels: Dictionary(uniqueKeysWithValues: labels.map { ($0, context.labels[$0] ?? $0) }),
            services: services, categories: categories,
            rows: rows.map { row in
                Row(row: row, services: row.services.compactMap { serviceIndex[$0] },
                    category: row.facets["category"].flatMap { categoryIndex[$0] })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array("window.POSTMORTEM_ROWS = ".utf8) + Array(try encoder.encode(data)) + Array(";\n".utf8)
    }

    // MARK: data/search/docs-N.js

    /// JSON that stays inert wherever a script is put, even inline in a
    /// `<script>` element: `<`, `>` and `&` (only ever inside strings) as
    /// `\u003C`, `\u003E`, `\u0026`, so `</script>` and `<!--` in a title
    /// cannot end the script or open a comment; U+2028 and U+2029 escaped
    /// for old JavaScript parsers. The strings decode to the same text.
    static func scriptSafe(_ json: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.underestimatedCount)
        var pending: [UInt8] = []  // a UTF-8 sequence that may be U+2028/2029 (E2 80 A8/A9)
        for byte in json {
            if !pending.isEmpty {
                pending.append(byte)
                if pending.count == 2, pending[1] != 0x80 { out += pending; pending = []; continue }
                if pending.count == 3 {
                    if pending[2] == 0xA8 || pending[2] == 0xA9 {
                        out += Array((pending[2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    } else {
                        out += pending
                    }
                    pending = []
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "<"): out += Array("\\u003C".utf8)
            case UInt8(ascii: ">"): out += Array("\\u003E".utf8)
            case UInt8(ascii: "&"): out += Array("\\u0026".utf8)
            case 0xE2: pending = [byte]
            default: out.append(byte)
            }
        }
        return out + pending
    }

    // MARK: data/incidents.csv and data/metrics.csv

    /// RFC 4180 CSV with a UTF-8 byte-order mark (so spreadsheets read
    /// Japanese correctly) and CRLF line ends. Lists are joined with `; `.
    /// Text that a spreadsheet would run as a formula is defused.
    static func incidentsCSV(_ postmortems: [Postmortem], recurrences: [String: Recurrence] = [:],
                             definition: MetricsDefinition = .default) -> [UInt8] {
        var out = "\u{FEFF}" + DataExport.csvColumns.joined(separator: ",") + "\r\n"
        for p in postmortems {
            let recurrence = recurrences[p.id] ?? Recurrence()
            let t = p.timings(definition)
            func number(_ minutes: Double?) -> String { minutes.map { DataExport.number(DataExport.tenth($0)) } ?? "" }
            let open = p.recurrenceFix.filter { $0.status == .open || $0.status == .inProgress }
            let row: [String] = [
                text(p.id), text(p.title), text(SitePaths.incidentPage(id: p.id)), text(p.source.relativePath),
                p.date.map { "\($0)" } ?? "", p.status.rawValue, p.kind.rawValue, text(p.severity ?? ""),
                text(p.services.joined(separator: "; ")),
                p.milestones.startedAt.map(DateTimeParsing.utc) ?? "", p.milestones.detectedAt.map(DateTimeParsing.utc) ?? "",
                p.milestones.mitigatedAt.map(DateTimeParsing.utc) ?? "", p.milestones.resolvedAt.map(DateTimeParsing.utc) ?? "",
                number(t.recover?.minutes), number(t.detect?.minutes), number(t.mitigate?.minutes),
                t.recover?.source.rawValue ?? "",
                text(p.causes.map { $0.category ?? "" }.joined(separator: "; ")),
                text(p.causes.map(\.key).joined(separator: "; ")),
                text(p.causes.map { $0.summary ?? "" }.joined(separator: "; ")),
                String(p.recurrenceFix.count), String(open.count),
                text(p.recurrenceFix.map { "[\($0.status.rawValue)] \($0.title)" }.joined(separator: "; ")),
                text(p.tags.joined(separator: "; ")),
                text(recurrence.recurrenceOf.joined(separator: "; ")), text(recurrence.recurredBy.joined(separator: "; ")),
                recurrence.verdict?.rawValue ?? "", String(recurrence.recurrenceOfCount), String(recurrence.recurredByCount),
            ]
            out += row.map(field).joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// Rows of fields as RFC 4180 CSV with a UTF-8 byte-order mark (so
    /// spreadsheets read Japanese) and CRLF line ends; every field is defused and quoted as needed.
    static func csv(_ rows: [[String]]) -> [UInt8] {
        var out = "\u{FEFF}"
        for row in rows { out += row.map { field(text($0)) }.joined(separator: ",") + "\r\n" }
        return Array(out.utf8)
    }

    /// Text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab,
    /// CR first) gets a leading `'`, as OWASP advises; other text is unchanged.
    static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }

    /// One CSV field, quoted when it holds a comma, quote or line break.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
