import Foundation
import Markdown
import Yams

/// Decodes a front matter's YAML mapping into typed fields, checking every
/// value, its type and its place among the others.
struct FrontMatterDecoder {
    let configuration: SiteConfiguration
    var reader: FieldReader
    /// Where each written cause key stands, for diagnostics across files.
    var causeKeySites: [String: FieldSite] = [:]

    init(configuration: SiteConfiguration, reader: FieldReader) {
        self.configuration = configuration
        self.reader = reader
    }

    var timeZone: TimeZone { configuration.timeZone }

    mutating func decode(_ root: Node) -> FrontMatter {
        var matter = FrontMatter()
        guard case .mapping = root else {
            reader.report(.error, .frontMatterNotMapping, at: root,
                          "front matter must be 'key: value' lines, not \(FieldReader.describe(root))",
                          notes: ["see docs/front-matter.md for the fields"])
            return matter
        }
        guard let pairs = reader.mapping(root, field: "front matter") else { return matter }
        var seen: [String: String] = [:]
        var milestoneNodes: [(field: String, node: Node, instant: Date)] = []
        var draftFlag: (Bool, Node)?
        for (key, keyNode, value) in pairs {
            if key == "draft" {
                if let flag = reader.boolean(value, field: "draft") { draftFlag = (flag, value) }
                continue
            }
            guard let field = FrontMatterKeys.fields.contains(key) ? key : FrontMatterKeys.aliases[key] else {
                if !FrontMatterKeys.tolerated.contains(key) {
                    reader.report(.warning, .unknownKey, at: keyNode, "unknown front-matter key '\(key)'",
                                  notes: [Suggestion.note(for: key, among: FrontMatterKeys.fields + ["action_items"])
                                          ?? "it is ignored; the fields are listed in docs/front-matter.md"])
                }
                continue
            }
            if let earlier = seen[field] {
                reader.report(.warning, .yamlDuplicateKey, at: keyNode,
                              "'\(key)' gives '\(field)' again (already given as '\(earlier)'); this one is ignored")
                continue
            }
            seen[field] = key
            matter.present.insert(field)
            matter.sites[field] = reader.site(value)
            if FieldReader.isNull(value) { continue }
            switch field {
            case "id": matter.id = decodeID(value)
            case "title": matter.title = reader.text(value, field: key)
            case "date": decodeDate(value, key: key, into: &matter)
            case "status":
                matter.status = reader.choice(value, field: key, choices: Self.statuses,
                                              shown: Postmortem.Status.allCases.map(\.rawValue))
            case "kind":
                matter.kind = reader.choice(value, field: key, choices: Self.kinds,
                                            shown: Postmortem.Kind.allCases.map(\.rawValue))
            case "severity": matter.severity = decodeSeverity(value)
            case "services":
                matter.services = reader.textList(value, field: key)
                checkServices(value)
            case "started_at", "detected_at", "mitigated_at", "resolved_at":
                if let instant = reader.dateTime(value, field: key, timeZone: timeZone, zoneName: configuration.timeZoneName) {
                    milestoneNodes.append((field, value, instant))
                }
            case "duration": matter.duration = decodeDuration(value, key: key)
            case "impact": matter.impact = decodeImpact(value)
            case "cause": matter.causes = decodeCauses(value, key: key)
            case "trigger": matter.trigger = reader.text(value, field: key)
            case "recurrence_fix": matter.recurrenceFix = decodeActionItems(value, key: key)
            case "related":
                matter.related = reader.textList(value, field: key)
                if case let .sequence(items) = value {
                    for (index, item) in items.enumerated() {
                        matter.sites["related[\(index)]"] = reader.site(item)
                    }
                }
            case "tags": matter.tags = reader.textList(value, field: key)
            case "authors": matter.authors = reader.textList(value, field: key)
            case "description": matter.description = reader.text(value, field: key)
            case "lang":
                matter.language = reader.choice(value, field: key, choices: Language.names, shown: Language.allCases.map(\.rawValue))
            default: break
            }
        }
        if let (isDraft, node) = draftFlag, isDraft {
            if let status = matter.status, status != .draft {
                reader.report(.warning, .invalidValue, at: node,
                              "'draft: true' contradicts 'status: \(status.rawValue)'; the status is used")
            } else {
                matter.status = .draft
            }
        }
        for (field, _, instant) in milestoneNodes {
            setMilestone(field, instant, in: &matter.milestones)
        }
        if matter.milestones.startedAt == nil, let start = matter.dateTime {
            matter.milestones.startedAt = start
        }
        checkOrder(milestoneNodes)
        checkDuration(matter, durationNode: pairs.first { FrontMatterKeys.canonical($0.key) == "duration" }?.value)
        for (key, site) in causeKeySites { matter.sites[FrontMatter.causeKeySite(key)] = site }
        return matter
    }

    // MARK: Simple fields

    static let statuses: [String: Postmortem.Status] = [
        "draft": .draft, "review": .review, "in-review": .review, "published": .published,
        "final": .published, "下書き": .draft, "レビュー中": .review, "公開": .published,
    ]

    static let kinds: [String: Postmortem.Kind] = [
        "incident": .incident, "near-miss": .nearMiss, "nearmiss": .nearMiss,
        "障害": .incident, "ヒヤリハット": .nearMiss,
    ]

    mutating func decodeID(_ node: Node) -> String? {
        guard let id = reader.text(node, field: "id") else { return nil }
        if Self.holdsSeparatorOrControl(id) {
            reader.report(.error, .invalidValue, at: node,
                          "'id' cannot hold '/', '\\' or control characters: '\(id)'",
                          notes: ["use letters, digits and '-', e.g. INC-2024-007"])
            return nil
        }
        return id
    }

    /// Whether `id` holds '/', '\\' or a control character. An id of ASCII
    /// only is read in bytes (each byte a character, CR LF holding neither).
    static func holdsSeparatorOrControl(_ id: String) -> Bool {
        if id.utf8.allSatisfy({ $0 < 0x80 }) {
            return id.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F }
        }
        return id.contains("/") || id.contains("\\") || id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }

    mutating func decodeDate(_ node: Node, key: String, into matter: inout FrontMatter) {
        guard let value = reader.text(node, field: key) else { return }
        if case let .dateTime(instant, _) = DateTimeParsing.parse(value, timeZone: timeZone) {
            matter.dateTime = instant
            matter.date = CalendarDate(instant, in: timeZone)
        } else {
            matter.date = reader.date(node, field: key, timeZone: timeZone)
        }
    }

    mutating func decodeSeverity(_ node: Node) -> String? {
        guard let value = reader.text(node, field: "severity") else { return nil }
        if let level = Self.severityLevel(value, among: configuration.severityLevels) { return level }
        let ids = configuration.severityLevels.map(\.id)
        reader.report(.warning, .unknownSeverity, at: node,
                      "unknown severity '\(value)'; the levels are \(ids.joined(separator: ", ")) (first is worst)",
                      notes: ["set the levels with 'severity_levels' in postmortem.yml"])
        return nil
    }

    /// The level id that `value` names: its id in any case and punctuation
    /// (`sev-1`, `Sev 1`), its number alone (`1`), or its label.
    static func severityLevel(_ value: String, among levels: [SeverityLevel]) -> String? {
        func canonical(_ text: String) -> String {
            String(text.compatibilityFolded.uppercased()
                .unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
                .map(Character.init))
        }
        let wanted = canonical(value)
        if let level = levels.first(where: { canonical($0.id) == wanted }) { return level.id }
        if !wanted.isEmpty, wanted.allSatisfy(\.isNumber),
           let level = levels.first(where: { String(canonical($0.id).filter(\.isNumber)) == wanted }) {
            return level.id
        }
        return levels.first { canonical($0.label.en) == wanted || canonical($0.label.ja) == wanted }?.id
    }

    mutating func decodeDuration(_ node: Node, key: String) -> StatedDuration? {
        guard let value = reader.text(node, field: key) else { return nil }
        switch DurationParsing.parse(value) {
        case let .minutes(minutes, approximate):
            return StatedDuration(minutes: minutes, approximate: approximate, text: value)
        case let .bareNumber(number):
            reader.report(.warning, .invalidValue, at: node,
                          "'duration: \(value)' has no unit; read as \(DurationParsing.format(minutes: number))",
                          notes: ["write the unit, e.g. '\(value)m' or '\(value)h'"])
            return StatedDuration(minutes: number, approximate: false, text: value)
        case .invalid:
            reader.report(.error, .invalidValue, at: node, "cannot read '\(value)' as a duration",
                          notes: ["write e.g. 90m, 1h30m, 2 hours, 01:30, PT1H30M, 90分 or 1時間30分"])
            return nil
        }
    }

    // MARK: Milestones

    static let milestoneOrder = ["started_at", "detected_at", "mitigated_at", "resolved_at"]

    func setMilestone(_ field: String, _ instant: Date, in milestones: inout Milestones) {
        switch field {
        case "started_at": milestones.startedAt = instant
        case "detected_at": milestones.detectedAt = instant
        case "mitigated_at": milestones.mitigatedAt = instant
        default: milestones.resolvedAt = instant
        }
    }

    /// Each milestone must not come before any earlier one in the order
    /// started → detected → mitigated → resolved.
    mutating func checkOrder(_ given: [(field: String, node: Node, instant: Date)]) {
        let ordered = given.sorted {
            (Self.milestoneOrder.firstIndex(of: $0.field) ?? 0) < (Self.milestoneOrder.firstIndex(of: $1.field) ?? 0)
        }
        for (index, later) in ordered.enumerated() {
            guard let latest = ordered[..<index].max(by: { $0.instant < $1.instant }),
                  later.instant < latest.instant else { continue }
            reader.report(.error, .milestoneOrder, at: later.node,
                          "'\(later.field)' (\(written(later.node))) is before '\(latest.field)' (\(written(latest.node)))",
                          notes: ["milestones go in the order started_at, detected_at, mitigated_at, resolved_at; times without an offset are in \(configuration.timeZoneName)"])
        }
    }

    func written(_ node: Node) -> String {
        FieldReader.scalarText(node)?.trimmingCharacters(in: .whitespaces) ?? ""
    }

    /// A stated duration far from `resolved_at − started_at` is a warning.
    mutating func checkDuration(_ matter: FrontMatter, durationNode: Node?) {
        guard let duration = matter.duration, let node = durationNode,
              let start = matter.milestones.startedAt, let end = matter.milestones.resolvedAt else { return }
        let measured = end.timeIntervalSince(start) / 60
        guard measured >= 0 else { return }  // already an order error
        let tolerance = max(1, measured * (duration.approximate ? 0.25 : 0.05))
        guard abs(measured - duration.minutes) > tolerance else { return }
        reader.report(.warning, .durationMismatch, at: node,
                      "'duration' (\(DurationParsing.format(minutes: duration.minutes))) disagrees with the milestones (started_at to resolved_at is \(DurationParsing.format(minutes: measured)))",
                      notes: ["the milestones are used; correct the duration or remove it"])
    }
}

extension FrontMatterKeys {
    /// The field a key stands for, or nil for an unknown key.
    static func canonical(_ key: String) -> String? {
        fields.contains(key) ? key : aliases[key]
    }
}
