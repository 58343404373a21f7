import Ccmark

/// The text a reader sees in a node, markup dropped.
enum PlainText {
    /// Text and code literals below `node`; a line break joins Japanese
    /// text and is a space elsewhere, or a newline when `keepLines`.
    static func of(_ node: OpaquePointer, keepLines: Bool = false) -> String {
        var text = ""
        guard let iterator = cmark_iter_new(node) else { return text }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch child.type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += "\u{1}"
            default:
                break
            }
        }
        return keepLines ? text.replacingOccurrences(of: "\u{1}", with: "\n") : joinLines(text)
    }

    /// A line break between Japanese characters joins them; elsewhere it is a space.
    static func joinLines(_ text: String) -> String {
        guard text.contains("\u{1}") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            guard scalar == "\u{1}" else {
                result.append(scalar)
                continue
            }
            let before = index > 0 ? scalars[index - 1] : " "
            let after = index + 1 < scalars.count ? scalars[index + 1] : " "
            if !(TextMeasures.isCJK(before) || isCJKPunctuation(before)) || !(TextMeasures.isCJK(after) || isCJKPunctuation(after)) {
                result.append(" ")
            }
        }
        return String(result)
    }

    static func isCJKPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        (0x3000...0x303F).contains(scalar.value) || (0xFF00...0xFF65).contains(scalar.value)
    }
}
