import Ccmark

extension MarkdownDocument {
    /// The document's link reference definitions, written anew as
    /// `[label]: <destination> "title"` lines, for fragments that the
    /// extension layer parses apart from the document (a table's cells, the
    /// paragraph before a table), so their reference links resolve as in the
    /// whole document.
    ///
    /// cmark does not expose its reference map, so it is asked: every label
    /// that a line of the text may define is put in a paragraph of its own
    /// after the document, and the labels that come back as links are defined.
    var referenceDefinitions: String { definitions.lines }

    /// The defined labels, lower-cased, each with its definition line.
    var definedLabels: [String: String] { definitions.labels }

    var definitions: (lines: String, labels: [String: String]) {
        if let cached = cachedReferenceDefinitions { return cached }
        let labels = candidateLabels()
        var result = ""
        var defined: [String: String] = [:]
        if !labels.isEmpty {
            var probe = String(decoding: source.bytes, as: UTF8.self) + "\n\n"
            for label in labels { probe += "[\(label)]\n\n" }
            let parsed = Self.parse(probe, options: MarkdownOptions(unsafeHTML: true, extensions: false))
            defer { cmark_node_free(parsed) }
            let probes = parsed.children.suffix(labels.count)
            if probes.count == labels.count {
                for (label, paragraph) in zip(labels, probes) {
                    guard paragraph.type == CMARK_NODE_PARAGRAPH, let link = paragraph.firstChild,
                          link.type == CMARK_NODE_LINK, link.next == nil else { continue }
                    let title = cmark_node_get_title(link).map { String(cString: $0) } ?? ""
                    var line = "[\(label)]: <\(Self.escaped(link.url ?? "", "<>\\"))>"
                    line += title.isEmpty ? "\n" : " \"\(Self.escaped(title, "\"\\"))\"\n"
                    result += line
                    defined[label.lowercased()] = line
                }
            }
        }
        cachedReferenceDefinitions = (result, defined)
        return (result, defined)
    }

    /// Labels of lines that look like `[label]: …`, first occurrence each.
    func candidateLabels() -> [String] {
        var labels: [String] = []
        var seen = Set<String>()
        for number in 1...max(1, source.count) {
            let content = source.line(number).drop { $0 == 0x20 || $0 == 0x09 || $0 == UInt8(ascii: ">") }
            guard content.first == UInt8(ascii: "[") else { continue }
            let text = content.string
            guard let end = text.range(of: "]:") else { continue }
            let label = String(text[text.index(after: text.startIndex)..<end.lowerBound])
            guard !label.isEmpty, label.count <= 999, !label.contains("["), seen.insert(label).inserted else { continue }
            labels.append(label)
        }
        return labels
    }

    static func escaped(_ text: String, _ characters: String) -> String {
        var result = ""
        for character in text {
            if characters.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
