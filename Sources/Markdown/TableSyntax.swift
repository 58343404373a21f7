/// The GFM pipe-table grammar, line by line, as cmark-gfm reads it: which
/// lines are rows, which is a delimiter row, and what the cells hold.
enum TableSyntax {
    enum Alignment: Sendable, Hashable {
        case none, left, center, right

        /// `align="…"` as cmark-gfm writes it, or a class (`class="align-right"`)
        /// when `classes`: the `align` attribute is obsolete in HTML 5.
        func attribute(classes: Bool) -> String {
            let name: String
            switch self {
            case .none: return ""
            case .left: name = "left"
            case .center: name = "center"
            case .right: name = "right"
            }
            return classes ? " class=\"align-\(name)\"" : " align=\"\(name)\""
        }
    }

    static let pipe = UInt8(ascii: "|")
    static let backslash = UInt8(ascii: "\\")

    /// `[ \t\v\f]`: the white space of table syntax.
    static func isTableSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }

    /// The cells of a row, trimmed (views into the line: `\|` is still
    /// escaped, see `unescapePipes`), or nil when the line holds no cell (a
    /// lone `|`). A pipe preceded by a backslash belongs to its cell.
    static func cells(of line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        var index = line.startIndex
        let end = line.endIndex
        // An optional leading pipe and the spaces after it.
        if index < end, line[index] == pipe {
            index += 1
            while index < end, isTableSpace(line[index]) { index += 1 }
        }
        var cells: [ArraySlice<UInt8>] = []
        while index < end {
            let cellStart = index
            while index < end, !(line[index] == pipe && (index == cellStart || line[index - 1] != backslash)) {
                index += 1
            }
            let cellEnd = index
            let pipeFound = index < end
            if cellEnd > cellStart || pipeFound {
                cells.append(trimmed(line[cellStart..<cellEnd]))
            }
            if pipeFound {
                index += 1
                while index < end, isTableSpace(line[index]) { index += 1 }
            }
        }
        return cells.isEmpty ? nil : cells
    }

    /// Whether `line` is a delimiter row: `| --- | :-: | --: |`.
    static func isDelimiterRow(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        let end = line.endIndex
        if index < end, line[index] == pipe { index += 1 }
        var delimiters = 0
        while true {
            while index < end, isTableSpace(line[index]) { index += 1 }
            if index < end, line[index] == UInt8(ascii: ":") { index += 1 }
            let dashes = index
            while index < end, line[index] == UInt8(ascii: "-") { index += 1 }
            guard index > dashes else { return false }
            if index < end, line[index] == UInt8(ascii: ":") { index += 1 }
            while index < end, isTableSpace(line[index]) { index += 1 }
            delimiters += 1
            guard index < end, line[index] == pipe else { break }
            index += 1
            // A trailing pipe may end the row.
            var rest = index
            while rest < end, isTableSpace(line[rest]) { rest += 1 }
            if rest == end { return true }
        }
        return delimiters > 0 && index == end
    }

    static func alignments(of delimiterCells: [ArraySlice<UInt8>]) -> [Alignment] {
        delimiterCells.map { cell in
            let left = cell.first == UInt8(ascii: ":"), right = cell.last == UInt8(ascii: ":")
            return left && right ? .center : left ? .left : right ? .right : .none
        }
    }

    /// `cmark_strbuf_trim`: white space off both ends (unescaping `\|`
    /// later changes no end: it leaves `|`).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
