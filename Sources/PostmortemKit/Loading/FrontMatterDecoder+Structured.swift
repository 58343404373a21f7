import Foundation
import Markdown
import Yams

/// The fields with a simple and a structured form: impact, cause, recurrence fix.
extension FrontMatterDecoder {
    // MARK: Impact

    static let impactKeys = ["summary", "users_affected", "support_calls", "data_loss", "sla_breach"]

    mutating func decodeImpact(_ node: Node) -> Impact? {
        if case .scalar = node {
            return reader.text(node, field: "impact").map { Impact(summary: $0) }
        }
        guard let pairs = reader.mapping(node, field: "impact") else { return nil }
        reader.checkKeys(pairs, in: "'impact'", known: Self.impactKeys)
        var impact = Impact()
        for (key, _, value) in pairs where !FieldReader.isNull(value) {
            switch key {
            case "summary": impact.summary = reader.text(value, field: "impact.summary")
            case "users_affected": impact.usersAffected = reader.integer(value, field: "impact.users_affected")
            case "support_calls": impact.supportCalls = reader.integer(value, field: "impact.support_calls")
            case "sla_breach": impact.slaBreach = reader.boolean(value, field: "impact.sla_breach")
            case "data_loss":
                // true/false, or a sentence saying what was lost.
                guard let text = reader.text(value, field: "impact.data_loss") else { break }
                if let flag = FieldReader.boolean(text) {
                    impact.dataLoss = flag
                } else {
                    impact.dataLoss = true
                    impact.dataLossDetail = text
                }
            default: break
            }
        }
        return impact
    }

    // MARK: Cause

    static let causeKeys = ["category", "key", "summary"]

    /// A sentence, a `{category, key, summary}` mapping, or a list of either.
    mutating func decodeCauses(_ node: Node, key: String) -> [Cause] {
        switch node {
        case let .sequence(items):
            return items.compactMap { item -> Cause? in
                if case .sequence = item {
                    reader.report(.error, .wrongType, at: item,
                                  "each cause in '\(key)' must be a sentence or a mapping, not a list")
                    return nil
                }
                return decodeCause(item, key: key)
            }
        default:
            return decodeCause(node, key: key).map { [$0] } ?? []
        }
    }

    /// The canonical key of `key` under the configuration's aliases.
    func aliased(_ key: String) -> String { configuration.causeAliases[key] ?? key }

    mutating func decodeCause(_ node: Node, key: String) -> Cause? {
        if case .scalar = node {
            guard let summary = reader.text(node, field: key) else { return nil }
            return Cause(category: nil, key: aliased(CauseKey.derive(from: summary)), keyIsDerived: true, summary: summary)
        }
        guard let pairs = reader.mapping(node, field: key) else { return nil }
        reader.checkKeys(pairs, in: "'\(key)'", known: Self.causeKeys)
        // A template's unfilled cause (every value empty) is no cause yet.
        if pairs.allSatisfy({ FieldReader.isNull($0.value) }) { return nil }
        var category: String?
        var explicitKey: String?
        var summary: String?
        for (name, _, value) in pairs where !FieldReader.isNull(value) {
            switch name {
            case "category": category = decodeCategory(value)
            case "key":
                explicitKey = reader.text(value, field: "cause.key").map { aliased(CauseKey.normalize($0)) }
                if let explicitKey { causeKeySites[explicitKey] = causeKeySites[explicitKey] ?? reader.site(value) }
            case "summary": summary = reader.text(value, field: "cause.summary")
            default: break
            }
        }
        if let explicitKey, !explicitKey.isEmpty {
            return Cause(category: category, key: explicitKey, summary: summary)
        }
        if let summary {
            return Cause(category: category, key: aliased(CauseKey.derive(from: summary)), keyIsDerived: true, summary: summary)
        }
        if let category {
            reader.report(.warning, .missingFields, at: node,
                          "this cause has only a category; without a 'key' or a 'summary' its recurrences cannot be found")
            return Cause(category: category, key: category, keyIsDerived: true, summary: nil)
        }
        reader.report(.error, .invalidValue, at: node, "a cause needs a 'key' or a 'summary'",
                      notes: ["e.g. cause: {category: release-bug, key: reservation-list-n-plus-one, summary: …}"])
        return nil
    }

    /// A category id of the taxonomy, written as its id in any case or
    /// spacing, or as its label in either language.
    mutating func decodeCategory(_ node: Node) -> String? {
        guard let value = reader.text(node, field: "cause.category") else { return nil }
        let word = FieldReader.normalizedWord(value)
        let categories = configuration.causeCategories
        if let match = categories.first(where: {
            $0.id == word || FieldReader.normalizedWord($0.label.en) == word || $0.label.ja == value
        }) {
            return match.id
        }
        reader.report(.warning, .unknownCategory, at: node,
                      "unknown cause category '\(value)'",
                      notes: [Suggestion.note(for: word, among: categories.map(\.id))
                              ?? "the categories are \(categories.map(\.id).joined(separator: ", ")); add one with 'cause_categories' in postmortem.yml"])
        return nil
    }

    // MARK: Recurrence fix

    static let actionKeys = ["title", "owner", "status", "due", "completed", "ticket"]

    static let actionStatuses: [String: ActionItem.Status] = [
        "open": .open, "todo": .open, "to-do": .open, "planned": .open, "not-started": .open,
        "in-progress": .inProgress, "inprogress": .inProgress, "doing": .inProgress,
        "started": .inProgress, "wip": .inProgress, "ongoing": .inProgress,
        "done": .done, "completed": .done, "complete": .done, "closed": .done, "fixed": .done,
        "resolved": .done,
        "wont-do": .wontDo, "won't-do": .wontDo, "wontfix": .wontDo, "wont-fix": .wontDo,
        "won't-fix": .wontDo, "cancelled": .wontDo, "canceled": .wontDo, "dropped": .wontDo,
        "未着手": .open, "対応中": .inProgress, "進行中": .inProgress, "完了": .done, "済": .done,
        "対応済み": .done, "見送り": .wontDo, "対応しない": .wontDo,
    ]

    /// A sentence, a list of sentences, or a list of `{title, owner, status, due, completed, ticket}`.
    mutating func decodeActionItems(_ node: Node, key: String) -> [ActionItem] {
        switch node {
        case .scalar:
            return reader.text(node, field: key).map { [ActionItem(title: $0)] } ?? []
        case let .sequence(items):
            return items.compactMap { decodeActionItem($0, key: key) }
        default:
            reader.report(.error, .wrongType, at: node,
                          "'\(key)' must be a sentence or a list, not \(FieldReader.describe(node))",
                          notes: ["e.g. \(key):\n      - title: Add an alert on pool usage\n        owner: suzuki\n        due: 2024-04-30"])
            return []
        }
    }

    mutating func decodeActionItem(_ node: Node, key: String) -> ActionItem? {
        if case .scalar = node {
            return reader.text(node, field: key).map { ActionItem(title: $0) }
        }
        guard let pairs = reader.mapping(node, field: "an item of '\(key)'") else { return nil }
        reader.checkKeys(pairs, in: "an item of '\(key)'", known: Self.actionKeys)
        // A template's unfilled item (nothing but a status) is no item yet.
        if pairs.allSatisfy({ $0.key == "status" || FieldReader.isNull($0.value) }) { return nil }
        var title: String?
        var item = ActionItem(title: "")
        var statusNode: Node?
        for (name, _, value) in pairs where !FieldReader.isNull(value) {
            switch name {
            case "title": title = reader.text(value, field: "title")
            case "owner": item.owner = reader.text(value, field: "owner")
            case "status":
                statusNode = value
                item.status = reader.choice(value, field: "status", choices: Self.actionStatuses,
                                            shown: ActionItem.Status.allCases.map(\.rawValue)) ?? .open
            case "due": item.due = reader.date(value, field: "due", timeZone: timeZone)
            case "completed": item.completed = reader.date(value, field: "completed", timeZone: timeZone)
            case "ticket": item.ticket = reader.text(value, field: "ticket")
            default: break
            }
        }
        guard let title else {
            reader.report(.error, .invalidValue, at: node, "an item of '\(key)' needs a 'title'",
                          notes: ["say what will be done, e.g. title: Add an alert on pool usage"])
            return nil
        }
        item.title = title
        if item.completed != nil {
            if statusNode == nil {
                item.status = .done
            } else if item.status != .done, let statusNode {
                reader.report(.warning, .invalidValue, at: statusNode,
                              "'completed' is set but the status is '\(item.status.rawValue)'",
                              notes: ["set 'status: done', or remove 'completed'"])
            }
        }
        return item
    }
}

/// Cause keys: the name of a specific cause, compared across postmortems.
public enum CauseKey {
    /// Full-width folded, lower-cased, runs of anything but letters and
    /// digits turned into one `-`: `DB Connection Pool` → `db-connection-pool`.
    public static func normalize(_ text: String) -> String {
        var key = ""
        var pendingDash = false
        for scalar in text.compatibilityFolded.lowercased().unicodeScalars {
            if scalar.isLetterOrDigit {
                if pendingDash, !key.isEmpty { key.unicodeScalars.append("-") }
                key.unicodeScalars.append(scalar)
                pendingDash = false
            } else {
                pendingDash = true
            }
        }
        return key
    }

    /// A key from a cause's summary, at most eight words or 40 characters.
    public static func derive(from summary: String) -> String {
        let words = normalize(summary).split(separator: "-").prefix(8)
        var key = ""
        for word in words {
            let next = key.isEmpty ? String(word) : key + "-" + word
            if next.count > 40, !key.isEmpty { break }
            key = String(next.prefix(40))
        }
        return key
    }
}
