import Foundation

/// Examples in cmark's spec format: a fence of 32 backticks and `example`,
/// the Markdown, a line `.`, the expected HTML, the closing fence.
struct SpecExample: CustomStringConvertible {
    var file: String
    var line: Int
    var section: String
    /// The word after `example` (`table`, `disabled`), or "".
    var info: String
    var markdown: String
    var html: String

    var description: String { "\(file):\(line) (\(section))" }

    static let fence = String(repeating: "`", count: 32)

    static func load(_ url: URL) throws -> [SpecExample] {
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var examples: [SpecExample] = []
        var section = ""
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("## ") || line.hasPrefix("# ") {
                section = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            }
            if line.hasPrefix(fence + " example") {
                let info = line.dropFirst(fence.count + " example".count).trimmingCharacters(in: .whitespaces)
                var markdown: [String] = [], html: [String] = []
                var cursor = index + 1
                while cursor < lines.count, lines[cursor] != "." { markdown.append(lines[cursor]); cursor += 1 }
                cursor += 1
                while cursor < lines.count, !lines[cursor].hasPrefix(fence) { html.append(lines[cursor]); cursor += 1 }
                func joined(_ parts: [String]) -> String {
                    parts.isEmpty ? "" : parts.joined(separator: "\n").replacingOccurrences(of: "→", with: "\t") + "\n"
                }
                examples.append(SpecExample(file: url.lastPathComponent, line: index + 1, section: section,
                                            info: info, markdown: joined(markdown), html: joined(html)))
                index = cursor
            }
            index += 1
        }
        return examples
    }
}

/// HTML compared the way cmark's spec runner compares it: attributes in
/// sorted order and `<tag />` the same as `<tag>`.
enum HTMLNormalizer {
    static func normalize(_ html: String) -> String {
        var output = ""
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            output += normalizeTag(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    static func normalizeTag(_ tag: Substring) -> String {
        var inner = tag.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        if inner.hasSuffix("/") { inner = String(inner.dropLast()).trimmingCharacters(in: .whitespaces) }
        guard let space = inner.firstIndex(of: " "), !inner.hasPrefix("/"), !inner.hasPrefix("!") else {
            return "<\(inner)>"
        }
        let name = inner[..<space]
        var attributes: [String] = []
        var current = ""
        var quoted = false
        for character in inner[space...] {
            if character == "\"" { quoted.toggle() }
            if character == " " && !quoted {
                if !current.isEmpty { attributes.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { attributes.append(current) }
        return "<\(name) \(attributes.sorted().joined(separator: " "))>"
    }
}
