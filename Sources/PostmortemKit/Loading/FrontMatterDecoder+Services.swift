import Foundation
import Yams

extension FrontMatterDecoder {
    /// A warning on each service that `services:` in postmortem.yml does
    /// not list (ids compared case-insensitively), where it is written; none
    /// when the configuration lists no services.
    mutating func checkServices(_ node: Node) {
        let configured = configuration.services
        guard !configured.isEmpty else { return }
        for (name, line, column) in serviceItems(node) where configuration.service(name) == nil {
            // Its label in either language names it too: point to the id.
            let labelled = configured.first { $0.label?.en.caseInsensitiveCompare(name) == .orderedSame || $0.label?.ja == name }
            let ids = configured.map(\.id)
            let note = labelled.map { "did you mean '\($0.id)'? ('\(name)' is its label; postmortems name services by id)" }
                ?? Suggestion.note(for: name, among: ids)
                ?? (ids.count <= 12 ? "the services are \(ids.joined(separator: ", ")); " : "")
                + "add it to 'services' in postmortem.yml if it is one"
            reader.append(reader.source.diagnostic(
                .warning, .unknownService, line: line, column: column,
                "unknown service '\(name)': postmortem.yml does not list it", notes: [note]))
        }
    }

    /// Each name of a `services` value with where it is written: a list's
    /// items at their own place, the names of one text (`web, api`) each at
    /// its column when the text is on one line, else at the text's start.
    func serviceItems(_ node: Node) -> [(name: String, line: Int, column: Int)] {
        switch node {
        case let .sequence(items):
            // As `FieldReader.textList` reads them (it reports items that are not text).
            return items.compactMap { item in
                guard let name = FieldReader.scalarText(item)?.trimmingSpacesAndNewlines(),
                      !name.isEmpty else { return nil }
                let (line, column) = reader.position(item)
                return (name, line, column)
            }
        case .scalar:
            guard let value = FieldReader.scalarText(node) else { return [] }
            let (line, column) = reader.position(node)
            let text = Array(reader.source.line(line).unicodeScalars)
            // Each name is looked for after the one before; once one is not
            // found as written (escapes, a folded line), the rest point to the text.
            var cursor: Int? = max(0, column - 1)
            return value.split(whereSeparator: { $0 == "," || $0 == "、" })
                .map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
                .map { name in
                    let wanted = Array(name.unicodeScalars)
                    guard let from = cursor, from + wanted.count <= text.count,
                          let start = (from...(text.count - wanted.count))
                              .first(where: { text[$0..<$0 + wanted.count].elementsEqual(wanted) }) else {
                        cursor = nil
                        return (name, line, column)
                    }
                    cursor = start + wanted.count
                    return (name, line, start + 1)
                }
        default:
            return []
        }
    }
}
