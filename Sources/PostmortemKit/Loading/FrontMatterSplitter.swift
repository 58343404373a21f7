/// A file cut into its YAML front matter and its Markdown body.
struct SplitSource {
    /// The YAML between the fences, or nil when the file has no front matter.
    var yaml: String?
    /// The file line of the first YAML line (the line after the opening `---`).
    var yamlFirstLine: Int
    /// The Markdown after the closing fence (the whole file without front matter).
    var body: String
    /// The file line of the body's first line.
    var bodyFirstLine: Int
}

/// Finds front matter: a first line `---`, then YAML up to the next line that
/// is `---` or `...`. Works on UTF-8 bytes, LF or CRLF.
enum FrontMatterSplitter {
    enum Outcome {
        case split(SplitSource)
        case unterminated(Diagnostic)
    }

    static func split(_ source: SourceText) -> Outcome {
        var text = source.text
        // On the text's own bytes: no copy of them, and the two parts made straight from them.
        let parts = text.withUTF8 { utf8 -> SplitSource? in
            let starts = source.lineStarts
            func isFence(_ index: Int, _ mark: UInt8) -> Bool {
                let start = starts[index]
                var end = index + 1 < starts.count ? starts[index + 1] : utf8.count
                while end > start, utf8[end - 1] == 0x0A || utf8[end - 1] == 0x0D
                    || utf8[end - 1] == 0x20 || utf8[end - 1] == 0x09 {
                    end -= 1
                }
                return end - start == 3 && utf8[start] == mark && utf8[start + 1] == mark && utf8[start + 2] == mark
            }
            guard isFence(0, UInt8(ascii: "-")) else {
                return SplitSource(yaml: nil, yamlFirstLine: 1, body: source.text, bodyFirstLine: 1)
            }
            for index in 1..<starts.count where isFence(index, UInt8(ascii: "-")) || isFence(index, UInt8(ascii: ".")) {
                let yamlStart = starts[1]
                let yamlEnd = starts[index]
                let bodyStart = index + 1 < starts.count ? starts[index + 1] : utf8.count
                return SplitSource(
                    yaml: String(decoding: UnsafeBufferPointer(rebasing: utf8[min(yamlStart, yamlEnd)..<yamlEnd]), as: UTF8.self),
                    yamlFirstLine: 2,
                    body: String(decoding: UnsafeBufferPointer(rebasing: utf8[bodyStart...]), as: UTF8.self),
                    bodyFirstLine: index + 2)
            }
            return nil
        }
        if let parts { return .split(parts) }
        return .unterminated(source.diagnostic(
            .error, .frontMatterUnterminated, line: 1, column: 1,
            "front matter opened by '---' on line 1 is never closed",
            notes: ["add a line '---' after the last front-matter field, before the Markdown text"]))
    }
}
