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
        let labels = Self.candidateLabels(in: source)
        var found: (String, [String: String]) = ("", [:])
        if !labels.isEmpty {
            let probed = Self.parse(source.bytes, then: Self.probe(labels),
                                    options: MarkdownOptions(unsafeHTML: true, extensions: false))
            defer { MemoryRegion.discard(probed) }
            found = Self.readProbe(probed, labels: labels, sourceLines: source.count, detach: false) ?? found
        }
        cachedReferenceDefinitions = found
        return found
    }

    /// A paragraph for each label, after the document: each comes back as a
    /// link when the label is defined.
    static func probe(_ labels: [String]) -> String {
        var probe = "\n\n"
        for label in labels { probe += "[\(label)]\n\n" }
        return probe
    }

    /// The definitions the probe paragraphs at the end of `root` show, or nil
    /// when the document swallowed them (an unclosed code fence). With
    /// `detach`, the probe paragraphs are taken out of the tree.
    static func readProbe(_ root: OpaquePointer, labels: [String], sourceLines: Int, detach: Bool)
        -> (lines: String, labels: [String: String])?
    {
        var probes: [OpaquePointer] = []
        var node = cmark_node_last_child(root)
        while let current = node, probes.count < labels.count {
            probes.append(current)
            node = cmark_node_previous(current)
        }
        probes.reverse()
        guard probes.count == labels.count,
              probes.allSatisfy({ $0.type == CMARK_NODE_PARAGRAPH && $0.startLine > sourceLines }) else { return nil }
        var result = ""
        var defined: [String: String] = [:]
        for (label, paragraph) in zip(labels, probes) {
            if let link = paragraph.firstChild, link.type == CMARK_NODE_LINK, link.next == nil {
                let title = cmark_node_get_title(link).map { String(cString: $0) } ?? ""
                var line = "[\(label)]: <\(escaped(link.url ?? "", "<>\\"))>"
                line += title.isEmpty ? "\n" : " \"\(escaped(title, "\"\\"))\"\n"
                result += line
                defined[label.lowercased()] = line
            }
            if detach {
                MemoryRegion.discard(paragraph)
            }
        }
        return (result, defined)
    }

    /// Labels of lines that look like `[label]: …`, first occurrence each.
    static func candidateLabels(in source: SourceLines) -> [String] {
        var labels: [String] = []
        var seen = Set<String>()
        // Most lines do not start with `[`: the pass that found the lines told.
        let opening = (source.marks ?? LineMarks(of: source)).labelLines
        for number in opening {
            let content = source.line(number).drop { $0 == 0x20 || $0 == 0x09 || $0 == UInt8(ascii: ">") }
            guard content.first == UInt8(ascii: "[") else { continue }
            // The label runs to the first `]`, which must be followed by `:`.
            guard let close = content.firstIndex(of: UInt8(ascii: "]")), close + 1 < content.endIndex,
                  content[close + 1] == UInt8(ascii: ":") else { continue }
            let label = content[(content.startIndex + 1)..<close]
            guard !label.isEmpty, label.count <= 999, !label.contains(UInt8(ascii: "[")) else { continue }
            let text = String(decoding: label, as: UTF8.self)
            if seen.insert(text).inserted { labels.append(text) }
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
