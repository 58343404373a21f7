import Foundation

/// `data/incidents.json`: one object per postmortem, newest first, in the
/// shape documented in docs/data.md (other tools read it).
enum DataExport {
    struct Incident: Encodable {
        let postmortem: Postmortem
        let timeZone: TimeZone

        enum Key: String, CodingKey {
            case id, title, url, source, date, status, kind, severity, services
            case startedAt = "started_at", detectedAt = "detected_at", mitigatedAt = "mitigated_at", resolvedAt = "resolved_at"
            case ttrMinutes = "ttr_minutes", ttdMinutes = "ttd_minutes", ttmMinutes = "ttm_minutes", ttrSource = "ttr_source"
            case causes, recurrenceFix = "recurrence_fix", tags
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
            try container.encode(m.startedAt.map(utc), forKey: .startedAt)
            try container.encode(m.detectedAt.map(utc), forKey: .detectedAt)
            try container.encode(m.mitigatedAt.map(utc), forKey: .mitigatedAt)
            try container.encode(m.resolvedAt.map(utc), forKey: .resolvedAt)
            let timings = p.timings
            try container.encode(timings.recover.map { rounded($0.minutes) }, forKey: .ttrMinutes)
            try container.encode(timings.detect.map { rounded($0.minutes) }, forKey: .ttdMinutes)
            try container.encode(timings.mitigate.map { rounded($0.minutes) }, forKey: .ttmMinutes)
            try container.encode(timings.recover?.source.rawValue, forKey: .ttrSource)
            try container.encode(p.causes.map(CauseRecord.init), forKey: .causes)
            try container.encode(p.recurrenceFix.map(FixRecord.init), forKey: .recurrenceFix)
            try container.encode(p.tags, forKey: .tags)
        }

        func utc(_ instant: Date) -> String {
            ISO8601DateFormatter.string(from: instant, timeZone: TimeZone(identifier: "UTC") ?? timeZone,
                                        formatOptions: [.withInternetDateTime])
        }

        /// Minutes to a tenth, so the file does not carry float noise.
        func rounded(_ minutes: Double) -> Double { (minutes * 10).rounded() / 10 }
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

    static func incidentsJSON(_ postmortems: [Postmortem], timeZone: TimeZone) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(postmortems.map { Incident(postmortem: $0, timeZone: timeZone) })
        return Array(data) + [0x0A]
    }
}
