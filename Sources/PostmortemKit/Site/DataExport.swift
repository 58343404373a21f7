import Foundation

/// `data/incidents.json` and `data/incidents.csv`: one record per
/// postmortem, newest first, in the shapes documented in docs/data.md
/// (other tools read them).
enum DataExport {
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

    /// The bytes `JSONEncoder` (pretty-printed, sorted keys) gives for the
    /// array of every record, made a record at a time: the encoder's tree of
    /// one record is all that is held at once, never the whole file's.
    static func incidentsJSON(_ postmortems: [Postmortem], recurrences: [String: Recurrence] = [:],
                              definition: MetricsDefinition = .default) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard !postmortems.isEmpty else { return Array(try encoder.encode([Incident]())) + [0x0A] }
        var out: [UInt8] = Array("[\n".utf8)
        for (index, postmortem) in postmortems.enumerated() {
            let record = try encoder.encode(
                Incident(postmortem: postmortem, recurrence: recurrences[postmortem.id] ?? Recurrence(), definition: definition))
            // An element of the array is the record with each of its lines that is not empty
            // indented one level (line breaks are only ever between tokens: strings hold theirs as
            // `\n`; an empty array is `[`, an empty line, `]`), then a comma but for the last.
            var lineStart = true
            for byte in record {
                if lineStart, byte != 0x0A { out += "  ".utf8 }
                out.append(byte)
                lineStart = byte == 0x0A
            }
            out += (index + 1 < postmortems.count ? ",\n" : "\n").utf8
        }
        out += "]\n".utf8
        return out
    }

    /// The CSV's columns, in order; the JSON's fields with lists flattened.
    static let csvColumns = [
        "id", "title", "url", "source", "date", "status", "kind", "severity", "services",
        "started_at", "detected_at", "mitigated_at", "resolved_at",
        "ttr_minutes", "ttd_minutes", "ttm_minutes", "ttr_source",
        "cause_categories", "cause_keys", "cause_summaries",
        "recurrence_fix_total", "recurrence_fix_open", "recurrence_fix", "tags",
        "recurrence_of", "recurred_by", "fix_verdict", "recurrence_of_count", "recurred_by_count",
    ]

    /// RFC 4180 CSV with a UTF-8 byte-order mark (so spreadsheets read
    /// Japanese correctly) and CRLF line ends. Lists are joined with `; `.
    /// Text that a spreadsheet would run as a formula is defused.
    static func incidentsCSV(_ postmortems: [Postmortem], recurrences: [String: Recurrence] = [:],
                             definition: MetricsDefinition = .default) -> [UInt8] {
        var out = "\u{FEFF}" + csvColumns.joined(separator: ",") + "\r\n"
        for p in postmortems {
            let recurrence = recurrences[p.id] ?? Recurrence()
            let t = p.timings(definition)
            func number(_ minutes: Double?) -> String { minutes.map { DataExport.number(tenth($0)) } ?? "" }
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

    /// Minutes (or days) to a tenth, so the files do not carry float noise.
    static func tenth(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    /// A number as a data file writes it: `58`, `96.2`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
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
