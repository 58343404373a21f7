import Foundation
import Markdown
import Yams

/// Reads typed values out of YAML nodes, recording a located diagnostic for
/// every value of the wrong type or an impossible value. The one place where
/// untyped YAML meets the model.
struct FieldReader {
    let source: SourceText
    /// Added to YAML line numbers to make them file line numbers.
    let lineOffset: Int
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceText, firstLine: Int) {
        self.source = source
        lineOffset = firstLine - 1
    }

    // MARK: Locations and diagnostics

    func position(_ node: Node) -> (line: Int, column: Int) {
        guard let mark = node.mark else { return (lineOffset + 1, 1) }
        return (mark.line + lineOffset, mark.column)
    }

    func location(_ node: Node) -> SourceLocation {
        let (line, column) = position(node)
        return source.location(line: line, column: column)
    }

    func site(_ node: Node) -> FieldSite {
        let (line, column) = position(node)
        return FieldSite(location: source.location(line: line, column: column), lineText: source.line(line))
    }

    mutating func report(
        _ severity: Diagnostic.Severity, _ code: DiagnosticCode, at node: Node,
        _ message: String, notes: [String?] = []
    ) {
        let (line, column) = position(node)
        diagnostics.append(source.diagnostic(
            severity, code, line: line, column: column, message, notes: notes.compactMap { $0 }))
    }

    mutating func append(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar: "text"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    // MARK: Shapes

    /// A scalar's text, or nil for YAML null (`~`, `null`, nothing).
    static func scalarText(_ node: Node) -> String? {
        guard case let .scalar(scalar) = node else { return nil }
        if scalar.style == .plain {
            switch scalar.string {
            case "", "~", "null", "Null", "NULL": return nil
            default: break
            }
        }
        return scalar.string
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return scalarText(node) == nil }
        return false
    }

    /// The pairs of a mapping with text keys, or nil (and an error) for any other node.
    mutating func mapping(_ node: Node, field: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case let .mapping(mapping) = node else {
            report(.error, .wrongType, at: node, "'\(field)' must be a mapping of 'key: value' lines, not \(Self.describe(node))")
            return nil
        }
        var pairs: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard let name = Self.scalarText(key) else {
                report(.error, .wrongType, at: key, "a key in '\(field)' must be text, not \(Self.describe(key))")
                continue
            }
            pairs.append((name, key, value))
        }
        return pairs
    }

    /// Warns about keys that are neither `known` nor `tolerated`, suggesting the closest known one.
    mutating func checkKeys(
        _ pairs: [(key: String, keyNode: Node, value: Node)], in context: String,
        known: [String], tolerated: Set<String> = []
    ) {
        for pair in pairs where !known.contains(pair.key) && !tolerated.contains(pair.key) {
            report(.warning, .unknownKey, at: pair.keyNode,
                   "unknown key '\(pair.key)' in \(context)",
                   notes: [Suggestion.note(for: pair.key, among: known) ?? "known keys: \(known.joined(separator: ", "))"])
        }
    }

    // MARK: Scalars

    /// Text, trimmed; nil for null or empty. A list or mapping is a type error.
    mutating func text(_ node: Node, field: String) -> String? {
        guard case .scalar = node else {
            report(.error, .wrongType, at: node, "'\(field)' must be text, not \(Self.describe(node))")
            return nil
        }
        let value = Self.scalarText(node)?.trimmingSpacesAndNewlines()
        return value?.isEmpty == false ? value : nil
    }

    /// A list of texts: a YAML list, or one text (split at commas when `splitCommas`).
    mutating func textList(_ node: Node, field: String, splitCommas: Bool = true) -> [String] {
        switch node {
        case .scalar:
            guard let value = text(node, field: field) else { return [] }
            guard splitCommas else { return [value] }
            return value.split(whereSeparator: { $0 == "," || $0 == "、" })
                .map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        case let .sequence(sequence):
            return sequence.compactMap { element -> String? in
                if case .scalar = element { return text(element, field: field) }
                report(.error, .wrongType, at: element,
                       "each item of '\(field)' must be text, not \(Self.describe(element))")
                return nil
            }
        default:
            report(.error, .wrongType, at: node, "'\(field)' must be a list or text, not \(Self.describe(node))")
            return []
        }
    }

    /// A whole number, `1200` or `1,200`.
    mutating func integer(_ node: Node, field: String) -> Int? {
        guard let value = text(node, field: field) else { return nil }
        let digits = value.compatibilityFolded
            .replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
        guard let number = Int(digits), number >= 0 else {
            report(.error, .invalidValue, at: node, "'\(field)' must be a whole number such as 1200, not '\(value)'")
            return nil
        }
        return number
    }

    static let trueWords: Set<String> = ["true", "yes", "y", "on", "あり", "有", "はい"]
    static let falseWords: Set<String> = ["false", "no", "n", "off", "none", "なし", "無", "いいえ"]

    static func boolean(_ text: String) -> Bool? {
        let word = text.lowercased()
        if trueWords.contains(word) { return true }
        if falseWords.contains(word) { return false }
        return nil
    }

    mutating func boolean(_ node: Node, field: String) -> Bool? {
        guard let value = text(node, field: field) else { return nil }
        guard let result = Self.boolean(value) else {
            report(.error, .invalidValue, at: node, "'\(field)' must be true or false, not '\(value)'")
            return nil
        }
        return result
    }

    /// A calendar date (`2024-03-02`); a date-time gives its date in `timeZone`.
    mutating func date(_ node: Node, field: String, timeZone: TimeZone) -> CalendarDate? {
        guard let value = text(node, field: field) else { return nil }
        switch DateTimeParsing.parse(value, timeZone: timeZone) {
        case let .date(date): return date
        case let .dateTime(instant, _): return CalendarDate(instant, in: timeZone)
        case let .invalid(reason):
            report(.error, .invalidValue, at: node, "'\(field)' is not a real date: '\(value)': \(reason)")
        case .notADate:
            report(.error, .invalidValue, at: node, "'\(field)' must be a date like 2024-03-02, not '\(value)'")
        }
        return nil
    }

    /// An instant: a date-time, in `timeZone` when written without an offset.
    mutating func dateTime(_ node: Node, field: String, timeZone: TimeZone, zoneName: String) -> Date? {
        guard let value = text(node, field: field) else { return nil }
        let example = "write it like 2024-03-02T21:40 (times without an offset are in \(zoneName)) or 2024-03-02T21:40+09:00"
        switch DateTimeParsing.parse(value, timeZone: timeZone) {
        case let .dateTime(instant, _): return instant
        case .date:
            report(.error, .invalidValue, at: node, "'\(field)' needs a time of day, not just a date: '\(value)'", notes: [example])
        case let .invalid(reason):
            report(.error, .invalidValue, at: node, "'\(field)' is not a real date-time: '\(value)': \(reason)")
        case .notADate:
            report(.error, .invalidValue, at: node, "'\(field)' must be a date-time, not '\(value)'", notes: [example])
        }
        return nil
    }

    /// One of `choices` after `normalize`; an unknown value is an error with a suggestion.
    mutating func choice<Choice>(
        _ node: Node, field: String, choices: [String: Choice], shown: [String]
    ) -> Choice? {
        guard let value = text(node, field: field) else { return nil }
        let key = Self.normalizedWord(value)
        if let choice = choices[key] { return choice }
        report(.error, .invalidValue, at: node,
               "'\(field)' must be one of \(shown.joined(separator: ", ")), not '\(value)'",
               notes: [Suggestion.note(for: key, among: shown)])
        return nil
    }

    /// Lower-case, full-width folded, `_` and spaces as `-`: how values are compared.
    static func normalizedWord(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the same steps on bytes (`’` cannot occur).
            var bytes = text.utf8.map { (65...90).contains($0) ? $0 | 0x20 : $0 }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
            let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.endIndex
            return String(decoding: bytes[start...].map { $0 == UInt8(ascii: "_") || $0 == 0x20 ? UInt8(ascii: "-") : $0 },
                          as: UTF8.self)
        }
        return text.compatibilityFolded.lowercased()
            .trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
            .replacingOccurrences(of: "’", with: "'")
    }
}
