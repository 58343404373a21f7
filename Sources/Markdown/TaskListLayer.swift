import Ccmark

/// GFM task list items: a list item whose first paragraph starts with
/// `[ ]`, `[x]` or `[X]` and white space gets a disabled checkbox in place
/// of the marker.
enum TaskListLayer {
    static let checkboxHTML = "<input type=\"checkbox\" disabled=\"\" /> "
    static let checkedHTML = "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> "
    /// The markup made C strings once, not once an item.
    static let checkbox = CString(checkboxHTML), checked = CString(checkedHTML), empty = CString("")

    static func apply(to document: MarkdownDocument, items: [OpaquePointer]) {
        // Items inside blocks that the table layer parsed again are out of the tree.
        let changed = document.hasShifts
        let source = document.source
        for item in items {
            // Items of re-parsed fragments had the layer applied in their own document.
            guard let paragraph = item.firstChild, paragraph.type == CMARK_NODE_PARAGRAPH,
                  let checked = marker(at: paragraph, in: source),
                  !changed || TableLayer.isAttached(item, to: document.root),
                  !document.isFromFragment(item) else { continue }
            cmark_consolidate_text_nodes(paragraph)
            guard let text = paragraph.firstChild, text.type == CMARK_NODE_TEXT,
                  let literal = text.literal, literal.utf8.count >= 3,
                  let checkbox = NodeFactory.custom(CMARK_NODE_CUSTOM_INLINE, enter: checked ? Self.checked : Self.checkbox,
                                                    exit: Self.empty)
            else { continue }
            let rest = literal.utf8.dropFirst(3).drop { $0 == 0x20 || $0 == 0x09 }
            cmark_node_set_literal(text, String(decoding: rest, as: UTF8.self))
            cmark_node_insert_before(text, checkbox)
            document.setKind(.taskCheckbox(checked: checked), of: checkbox)
        }
    }

    /// Whether the paragraph's source starts with a task marker and white
    /// space: nil when it does not, else whether the box is checked.
    static func marker(at paragraph: OpaquePointer, in source: SourceLines) -> Bool? {
        // Read in place, every list item comes here. The line's ending is
        // in range, but no byte of it is one the marker accepts.
        let number = paragraph.startLine
        guard number >= 1, number <= source.starts.count else { return nil }
        let lineStart = source.starts[number - 1]
        let lineEnd = number < source.starts.count ? source.starts[number] : source.bytes.count
        let start = lineStart + paragraph.startColumn - 1
        guard start >= lineStart, start + 4 <= lineEnd else { return nil }
        return source.bytes.withUnsafeBufferPointer { line -> Bool? in
            guard line[start] == UInt8(ascii: "["), line[start + 2] == UInt8(ascii: "]"),
                  line[start + 3] == 0x20 || line[start + 3] == 0x09 else { return nil }
            switch line[start + 1] {
            case 0x20: return false
            case UInt8(ascii: "x"), UInt8(ascii: "X"): return true
            default: return nil
            }
        }
    }
}
