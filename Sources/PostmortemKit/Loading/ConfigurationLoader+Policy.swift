import Foundation
import Markdown
import Yams

extension ConfigurationLoader {
    static let policyKeys = ["required_sections", "required_fields", "max_draft_days", "personal_data", "report_as"]

    /// `policy: {required_sections: [...], required_fields: {SEV1: [...]}, max_draft_days: 14,
    /// personal_data: true | {allow: [example.co.jp]}, report_as: warning|error}`.
    static func policy(_ node: Node, levels: [SeverityLevel], reader: inout FieldReader) -> Policy {
        var policy = Policy()
        guard let options = reader.mapping(node, field: "policy") else { return policy }
        reader.checkKeys(options, in: "'policy'", known: policyKeys)
        for (name, _, value) in options where !FieldReader.isNull(value) {
            switch name {
            case "required_sections":
                let names = SectionKind.allCases.map(\.rawValue)
                for item in sequenceItems(value) {
                    guard let text = reader.text(item, field: "policy.required_sections") else { continue }
                    let word = FieldReader.normalizedWord(text)
                    if let kind = SectionKind(rawValue: word) ?? SectionKind.of(heading: text) {
                        if !policy.requiredSections.contains(kind) { policy.requiredSections.append(kind) }
                    } else {
                        reader.report(.error, .configInvalid, at: item, "unknown section '\(text)'",
                                      notes: [Suggestion.note(for: word, among: names) ?? "the sections are \(names.joined(separator: ", "))"])
                    }
                }
            case "required_fields":
                guard let bySeverity = reader.mapping(value, field: "policy.required_fields") else { break }
                for (level, levelNode, fields) in bySeverity {
                    guard let known = levels.first(where: { $0.id.caseInsensitiveCompare(level) == .orderedSame }) else {
                        reader.report(.error, .configInvalid, at: levelNode, "unknown severity '\(level)' in policy.required_fields",
                                      notes: ["the levels are \(levels.map(\.id).joined(separator: ", "))"])
                        continue
                    }
                    for item in sequenceItems(fields) {
                        guard let field = reader.text(item, field: "policy.required_fields.\(level)") else { continue }
                        if Policy.fieldNames.contains(field) {
                            if !(policy.requiredFields[known.id]?.contains(field) ?? false) {
                                policy.requiredFields[known.id, default: []].append(field)
                            }
                        } else {
                            reader.report(.error, .configInvalid, at: item, "unknown field '\(field)' in policy.required_fields",
                                          notes: [Suggestion.note(for: field, among: Policy.fieldNames)
                                                  ?? "the fields are \(Policy.fieldNames.joined(separator: ", "))"])
                        }
                    }
                }
            case "max_draft_days":
                guard let text = reader.text(value, field: "policy.max_draft_days") else { break }
                if let days = Int(text), days >= 0 {
                    policy.maxDraftDays = days
                } else {
                    reader.report(.error, .invalidValue, at: value, "'policy.max_draft_days' must be a whole number of days, not '\(text)'")
                }
            case "personal_data":
                if case .mapping = value, let pairs = reader.mapping(value, field: "policy.personal_data") {
                    reader.checkKeys(pairs, in: "'policy.personal_data'", known: ["allow"])
                    policy.personalData = true
                    for pair in pairs where pair.key == "allow" {
                        policy.personalDataAllowedDomains = reader.textList(pair.value, field: "policy.personal_data.allow")
                            .map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@")) }
                    }
                } else {
                    policy.personalData = reader.boolean(value, field: "policy.personal_data") ?? false
                }
            case "report_as":
                policy.reportAs = reader.choice(value, field: "policy.report_as",
                                                choices: ["warning": Diagnostic.Severity.warning, "error": .error],
                                                shown: ["warning", "error"]) ?? .warning
            default: break
            }
        }
        return policy
    }

    /// The items of a list, or the node itself when it is one value.
    static func sequenceItems(_ node: Node) -> [Node] {
        if case let .sequence(items) = node { return Array(items) }
        return [node]
    }
}
