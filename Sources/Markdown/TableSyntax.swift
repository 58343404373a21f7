import Foundation

/// The GFM pipe-table grammar, line by line, as cmark-gfm reads it: which
/// lines are rows, which is a delimiter row, and what the cells hold.
enum TableSyntax {
    enum Alignment: Sendable, Hashable {
        case none, left, center, right
    }

    static let pipe = UInt8(ascii: "|")
    static let backslash = UInt8(ascii: "\\")

    /// `[ \t\v\f]`: the white space of table syntax.
    static func isTableSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }

    /// The cells of a row, trimmed, as ranges of the line's indices (`\|`
    /// is still escaped, see `unescapePipes`), or nil when the line holds
    /// no cell (a lone `|`). A pipe preceded by a backslash belongs to its cell.
    static func cells(of line: ArraySlice<UInt8>) -> [Range<Int>]? {
        var cells: [Range<Int>] = []
        return appendCells(of: line, to: &cells) > 0 ? cells : nil
    }

    /// Appends the cells of a row to `cells` (see `cells(of:)`) and returns
    /// how many. Ranges, not slices: a slice retains the text, a retain and
    /// a release a cell; and the rows of a table share one array.
    static func appendCells(of line: ArraySlice<UInt8>, to cells: inout [Range<Int>]) -> Int {
        // Read in place (every row of every table comes here), pipes found
        // by memchr.
        let base = line.startIndex
        let before = cells.count
        line.withUnsafeBufferPointer { bytes in
            guard let pointer = bytes.baseAddress else { return }
            let end = bytes.count
            /// The first pipe at or after `from`, or `end`.
            func nextPipe(_ from: Int) -> Int {
                guard from < end, let found = memchr(pointer + from, Int32(pipe), end - from) else { return end }
                return pointer.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            var index = 0
            // An optional leading pipe and the spaces after it.
            if index < end, bytes[index] == pipe {
                index += 1
                while index < end, isTableSpace(bytes[index]) { index += 1 }
            }
            while index < end {
                let cellStart = index
                // A pipe preceded by a backslash belongs to the cell.
                index = nextPipe(index)
                while index < end, index > cellStart, bytes[index - 1] == backslash { index = nextPipe(index + 1) }
                let pipeFound = index < end
                if index > cellStart || pipeFound {
                    // `cmark_strbuf_trim` (unescaping `\|` later changes no end: it leaves `|`).
                    var start = cellStart, cellEnd = index
                    while start < cellEnd, isSpace(bytes[start]) { start += 1 }
                    while cellEnd > start, isSpace(bytes[cellEnd - 1]) { cellEnd -= 1 }
                    cells.append((base + start)..<(base + cellEnd))
                }
                if pipeFound {
                    index += 1
                    while index < end, isTableSpace(bytes[index]) { index += 1 }
                }
            }
        }
        return cells.count - before
    }

    /// The white space `cmark_strbuf_trim` takes off.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

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

    /// The alignment of each cell of a delimiter row (`cells` are ranges of `line`).
    static func alignments(of cells: [Range<Int>], in line: ArraySlice<UInt8>) -> [Alignment] {
        cells.map { cell in
            let left = !cell.isEmpty && line[cell.lowerBound] == UInt8(ascii: ":")
            let right = !cell.isEmpty && line[cell.upperBound - 1] == UInt8(ascii: ":")
            return left && right ? .center : left ? .left : right ? .right : .none
        }
    }
}
