import Foundation

/// `data/incidents.json` and `data/incidents.csv`: one record per
/// postmortem, newest first, in the shapes documented in docs/data.md
/// (other tools read them).
enum DataExport {
    /// One record of `data/incidents.json`, its keys in the encoder's sorted order.
    static func writeIncident(_ p: Postmortem, recurrence: Recurrence, definition: MetricsDefinition,
                              into json: inout JSONWriter) {
        let m = p.milestones
        let timings = p.timings(definition)
        json.beginObject()
        json.key("cause_keys")
        json.beginArray()
        for cause in p.causes { json.string(cause.key) }
        json.endArray()
        json.key("causes")
        json.beginArray()
        for cause in p.causes {
            json.beginObject()
            json.key("category"); json.string(cause.category)
            json.key("key"); json.string(cause.key)
            json.key("summary"); json.string(cause.summary)
            json.endObject()
        }
        json.endArray()
        json.key("date"); json.string(p.date.map { "\($0)" })
        json.key("detected_at"); json.string(m.detectedAt.map(DateTimeParsing.utc))
        json.key("fix_verdict"); json.string(recurrence.verdict?.rawValue)
        json.key("id"); json.string(p.id)
        json.key("kind"); json.string(p.kind.rawValue)
        json.key("mitigated_at"); json.string(m.mitigatedAt.map(DateTimeParsing.utc))
        json.key("recurred_by"); json.strings(recurrence.recurredBy)
        json.key("recurred_by_count"); json.number(recurrence.recurredByCount)
        json.key("recurrence_fix")
        json.beginArray()
        for item in p.recurrenceFix {
            json.beginObject()
            json.key("completed"); json.string(item.completed.map { "\($0)" })
            json.key("due"); json.string(item.due.map { "\($0)" })
            json.key("owner"); json.string(item.owner)
            json.key("status"); json.string(item.status.rawValue)
            json.key("title"); json.string(item.title)
            json.endObject()
        }
        json.endArray()
        json.key("recurrence_of"); json.strings(recurrence.recurrenceOf)
        json.key("recurrence_of_count"); json.number(recurrence.recurrenceOfCount)
        json.key("resolved_at"); json.string(m.resolvedAt.map(DateTimeParsing.utc))
        json.key("services"); json.strings(p.services)
        json.key("severity"); json.string(p.severity)
        json.key("source"); json.string(p.source.relativePath)
        json.key("started_at"); json.string(m.startedAt.map(DateTimeParsing.utc))
        json.key("status"); json.string(p.status.rawValue)
        json.key("tags"); json.strings(p.tags)
        json.key("title"); json.string(p.title)
        json.key("ttd_minutes"); json.number(timings.detect.map { tenth($0.minutes) })
        json.key("ttm_minutes"); json.number(timings.mitigate.map { tenth($0.minutes) })
        json.key("ttr_minutes"); json.number(timings.recover.map { tenth($0.minutes) })
        json.key("ttr_source"); json.string(timings.recover?.source.rawValue)
        json.key("url"); json.string(SitePaths.incidentPage(id: p.id))
        json.endObject()
    }

    /// The bytes `JSONEncoder` (pretty-printed, sorted keys, slashes as they
    /// are) gives for the array of every record.
    static func incidentsJSON(_ postmortems: [Postmortem], recurrences: [String: Recurrence] = [:],
                              definition: MetricsDefinition = .default) -> [UInt8] {
        let plan = OutputPlan()  // puts into memory, which never fails
        try? putJSON(postmortems, recurrences: recurrences, definition: definition, keys: nil, memo: nil,
                     into: MemoizedSink(sink: plan, memo: nil))
        return plan.files[jsonPath] ?? []
    }

    static let jsonPath = "data/incidents.json", csvPath = "data/incidents.csv"

    /// Puts `data/incidents.json` into `sink`, its records by `keys`
    /// (`PageKeys.record`; without keys, every record is made): a record
    /// whose key the last build had is copied from its file (`RecordFile`).
    static func putJSON<Sink: SiteSink>(_ postmortems: [Postmortem], recurrences: [String: Recurrence], definition: MetricsDefinition,
                                        keys: [UInt64]?, memo: DigestMemo?, into sink: MemoizedSink<Sink>) throws {
        // The encoder's array: `[`, each object indented one level, `,` and a line break between two, `]`.
        try RecordFile.put(jsonPath, keys: keys ?? postmortems.indices.map(UInt64.init), head: Array("[\n".utf8),
                           separator: Array(",\n".utf8), tail: Array("\n]\n".utf8), memo: memo, into: sink) { index in
            var writer = JSONWriter(pretty: true, capacity: 2_048, elementDepth: 1)
            writeIncident(postmortems[index], recurrence: recurrences[postmortems[index].id] ?? Recurrence(),
                          definition: definition, into: &writer)
            return writer.bytes
        }
    }

    /// Puts `data/incidents.csv` into `sink`, its rows by `keys`, as `putJSON` does.
    static func putCSV<Sink: SiteSink>(_ postmortems: [Postmortem], recurrences: [String: Recurrence], definition: MetricsDefinition,
                                       keys: [UInt64]?, memo: DigestMemo?, into sink: MemoizedSink<Sink>) throws {
        var header = CSVWriter(capacity: 512)
        for column in csvColumns { header.field(column, defuse: false) }
        header.endRow()
        try RecordFile.put(csvPath, keys: keys ?? postmortems.indices.map(UInt64.init), head: header.bytes,
                           memo: memo, into: sink) { index in
            var row = CSVWriter(capacity: 600, byteOrderMark: false)
            writeRow(postmortems[index], recurrence: recurrences[postmortems[index].id] ?? Recurrence(),
                     definition: definition, into: &row)
            return row.bytes
        }
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

    /// RFC 4180 CSV (`CSVWriter`): a record a line, lists joined with `; `.
    static func incidentsCSV(_ postmortems: [Postmortem], recurrences: [String: Recurrence] = [:],
                             definition: MetricsDefinition = .default) -> [UInt8] {
        let plan = OutputPlan()  // puts into memory, which never fails
        try? putCSV(postmortems, recurrences: recurrences, definition: definition, keys: nil, memo: nil,
                    into: MemoizedSink(sink: plan, memo: nil))
        return plan.files[csvPath] ?? []
    }

    /// One record of `data/incidents.csv`, a line, in the order of `csvColumns`.
    static func writeRow(_ p: Postmortem, recurrence: Recurrence, definition: MetricsDefinition, into csv: inout CSVWriter) {
        let t = p.timings(definition)
        func number(_ minutes: Double?) -> String { minutes.map { DataExport.number(tenth($0)) } ?? "" }
        let m = p.milestones
        csv.field(p.id)
        csv.field(p.title)
        csv.field(SitePaths.incidentPage(id: p.id))
        csv.field(p.source.relativePath)
        csv.field(p.date.map { "\($0)" } ?? "", defuse: false)
        csv.field(p.status.rawValue, defuse: false)
        csv.field(p.kind.rawValue, defuse: false)
        csv.field(p.severity ?? "")
        csv.field(p.services.joined(separator: "; "))
        for time in [m.startedAt, m.detectedAt, m.mitigatedAt, m.resolvedAt] {
            csv.field(time.map(DateTimeParsing.utc) ?? "", defuse: false)
        }
        csv.field(number(t.recover?.minutes), defuse: false)
        csv.field(number(t.detect?.minutes), defuse: false)
        csv.field(number(t.mitigate?.minutes), defuse: false)
        csv.field(t.recover?.source.rawValue ?? "", defuse: false)
        csv.field(p.causes.map { $0.category ?? "" }.joined(separator: "; "))
        csv.field(p.causes.map(\.key).joined(separator: "; "))
        csv.field(p.causes.map { $0.summary ?? "" }.joined(separator: "; "))
        csv.field(String(p.recurrenceFix.count), defuse: false)
        csv.field(String(p.recurrenceFix.count { $0.status == .open || $0.status == .inProgress }), defuse: false)
        csv.field(p.recurrenceFix.map { "[\($0.status.rawValue)] \($0.title)" }.joined(separator: "; "))
        csv.field(p.tags.joined(separator: "; "))
        csv.field(recurrence.recurrenceOf.joined(separator: "; "))
        csv.field(recurrence.recurredBy.joined(separator: "; "))
        csv.field(recurrence.verdict?.rawValue ?? "", defuse: false)
        csv.field(String(recurrence.recurrenceOfCount), defuse: false)
        csv.field(String(recurrence.recurredByCount), defuse: false)
        csv.endRow()
    }

    /// Minutes (or days) to a tenth, so the files do not carry float noise.
    static func tenth(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    /// A number as a data file writes it: `58`, `96.2`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Rows of fields as RFC 4180 CSV (`CSVWriter`), every field defused and quoted as needed.
    static func csv(_ rows: [[String]]) -> [UInt8] {
        var csv = CSVWriter(capacity: rows.reduce(0) { $0 + 8 * $1.count })
        for row in rows {
            for field in row { csv.field(field) }
            csv.endRow()
        }
        return csv.bytes
    }
}
