import Ccmark
import Foundation

/// A table of the layer: one cmark node of ready HTML, and what it was
/// made of, kept for rendering (rows and cells as text, links in cells).
///
/// Cells with markup were parsed by cmark as ATX headings of one small
/// document, which this owns: their inlines are rendered into the table's
/// HTML, and rendering reads (and may rewrite) their links there. A table
/// written as a node a row and a node a cell cost more than the rest of
/// the layer; this is one node.
final class TableData {
    /// The parse of the cells with markup, nil when there is none.
    let cells: OpaquePointer?
    let columns: Int
    /// The text of the document that built the table (`SourceLines.bytes`).
    let bytes: [UInt8]
    /// Every cell, row after row, header first: ranges of `bytes`.
    let cellRanges: [Range<Int>]
    /// The heading that holds a cell's inlines, for cells with markup
    /// that were parsed (not the literal ones, see `LiteralCells`).
    let headingOfCell: [OpaquePointer?]
    /// What each cell is: plain text, literal (written as cmark would), parsed.
    let kinds: [CellKind]
    /// The line of every row (header first) in the document that built it.
    let rowLines: [Int]
    /// Index of each column's tag in `CellTags`.
    let tagOfColumn: [Int]
    /// The `noteOwner` of the document that built the table.
    let builder: Int
    /// The region `cells` lives in (kept while this lives), none when its
    /// nodes came from `malloc` and are freed here.
    let region: MemoryRegion?

    init(cells: OpaquePointer?, columns: Int, bytes: [UInt8], cellRanges: [Range<Int>], headingOfCell: [OpaquePointer?],
         kinds: [CellKind], rowLines: [Int], alignments: [TableSyntax.Alignment], builder: Int,
         region: MemoryRegion?) {
        self.cells = cells
        self.region = region
        self.columns = columns
        self.bytes = bytes
        self.cellRanges = cellRanges
        self.headingOfCell = headingOfCell
        self.kinds = kinds
        self.rowLines = rowLines
        self.builder = builder
        var tags: [Int] = []
        tags.reserveCapacity(columns)
        for column in 0..<columns {
            switch column < alignments.count ? alignments[column] : .none {
            case .none: tags.append(0)
            case .left: tags.append(1)
            case .center: tags.append(2)
            case .right: tags.append(3)
            }
        }
        tagOfColumn = tags
    }

    deinit {
        if region == nil, let cells { cmark_node_free(cells) }
    }

    /// The cells of row `row` (0: the header) as plain text: in a row with
    /// markup trimmed as the text of inlines is (of U+3000 too), in a row
    /// of plain text as they are.
    func rowCells(_ row: Int) -> [String] {
        let range = row * columns..<(row + 1) * columns
        let markup = kinds[range].contains { $0 != .plain }
        return range.map { index in
            if let heading = headingOfCell[index] { return PlainText.trimmed(PlainText.of(heading)) }
            let text = bytes.withUnsafeBufferPointer { source in
                let cell = UnsafeBufferPointer(rebasing: source[cellRanges[index]])
                return kinds[index] == .literal ? LiteralCells.plainText(cell) : String(decoding: cell, as: UTF8.self)
            }
            return markup ? PlainText.trimmed(text) : text
        }
    }

    /// Whether any cell has markup (and so may hold links).
    var hasMarkup: Bool { cells != nil }

    /// Writes the table's HTML into `node`, as cmark renders the table's
    /// nodes: `<table>`, `<thead>` and `<tbody>` on lines of their own, a
    /// row's cells a line each. Written straight into one buffer of a size
    /// known first (every byte of text escaped as `&quot;` at most), which
    /// cmark copies: no array grown a tag at a time.
    func setHTML(of node: OpaquePointer, options: MarkdownOptions) {
        let (rendered, inlines) = renderedCells(options: options)
        let classes = options.alignmentClasses
        var textBytes = 0
        for cell in cellRanges { textBytes += cell.count }
        // Tags: at most 25 bytes to open a cell, 6 to close it, 11 a row, 52 the table.
        let capacity = 64 + rendered.count + textBytes * 6 + cellRanges.count * 32 + rowLines.count * 12
        let headerTags = tagOfColumn.map { CellTags.open(header: true, alignment: $0, classes: classes) }
        let bodyTags = tagOfColumn.map { CellTags.open(header: false, alignment: $0, classes: classes) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            guard let base = buffer.baseAddress else { return }
            var html = ByteWriter(base: base)
            bytes.withUnsafeBufferPointer { source in
                rendered.withUnsafeBufferPointer { rendered in
                    html.write("<table>\n<thead>\n")
                    for row in 0..<rowLines.count {
                        let header = row == 0
                        if row == 1 { html.write("<tbody>\n") }
                        html.write("<tr>\n")
                        for column in 0..<columns {
                            let index = row * columns + column
                            html.write(header ? headerTags[column] : bodyTags[column])
                            if let range = inlines[index] {
                                html.write(UnsafeBufferPointer(rebasing: rendered[range]))
                            } else if kinds[index] == .literal {
                                LiteralCells.writeHTML(UnsafeBufferPointer(rebasing: source[cellRanges[index]]), to: &html)
                            } else {
                                html.writeEscaped(UnsafeBufferPointer(rebasing: source[cellRanges[index]]))
                            }
                            html.write(header ? "</th>\n" : "</td>\n")
                        }
                        html.write("</tr>\n")
                        if header { html.write("</thead>\n") }
                    }
                    html.write(rowLines.count > 1 ? "</tbody>\n</table>\n" : "</table>\n")
                }
            }
            html.byte(0)
            base.withMemoryRebound(to: CChar.self, capacity: html.count) { _ = cmark_node_set_on_enter(node, $0) }
        }
    }

    /// The HTML of each cell with markup, a range of `bytes`: its heading's
    /// inlines as cmark renders them, without the `<h1>` around them.
    func renderedCells(options: MarkdownOptions) -> (bytes: [UInt8], ranges: [Range<Int>?]) {
        var ranges = [Range<Int>?](repeating: nil, count: headingOfCell.count)
        guard let cells else { return ([], ranges) }
        let open = HTMLBytes.h1Open, close = HTMLBytes.h1Close
        // One render for all the cells, cut at the headings' tags. Raw HTML
        // (kept only when unsafe) could hold those tags: then one a cell.
        if !options.unsafeHTML, let rendered = Self.render(cells, options: options) {
            var position = 0
            var complete = true
            for (index, heading) in headingOfCell.enumerated() where heading != nil {
                guard rendered[position...].starts(with: open),
                      let end = Self.find(close, in: rendered, from: position + open.count) else {
                    complete = false
                    break
                }
                ranges[index] = (position + open.count)..<end
                position = end + close.count
            }
            if complete, position == rendered.count { return (rendered, ranges) }
            ranges = [Range<Int>?](repeating: nil, count: headingOfCell.count)
        }
        var bytes: [UInt8] = []
        for (index, heading) in headingOfCell.enumerated() {
            guard let heading, let rendered = Self.render(heading, options: options),
                  rendered.starts(with: open), rendered.count >= open.count + close.count else { continue }
            ranges[index] = (bytes.count + open.count)..<(bytes.count + rendered.count - close.count)
            bytes += rendered
        }
        return (bytes, ranges)
    }

    static func render(_ node: OpaquePointer, options: MarkdownOptions) -> [UInt8]? {
        guard let rendered = cmark_render_html(node, options.cmarkFlags) else { return nil }
        defer { MemoryRegion.release(rendered) }
        return rendered.withMemoryRebound(to: UInt8.self, capacity: 1) { pointer in
            Array(UnsafeBufferPointer(start: pointer, count: strlen(rendered)))
        }
    }

    /// The offset of `needle` in `bytes` from `start` (memchr for its first byte).
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first else { return nil }
        return bytes.withUnsafeBufferPointer { haystack -> Int? in
            guard let base = haystack.baseAddress else { return nil }
            var offset = start
            while offset + needle.count <= haystack.count,
                  let found = memchr(base + offset, Int32(first), haystack.count - offset) {
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                guard offset + needle.count <= haystack.count else { return nil }
                if memcmp(base + offset, needle, needle.count) == 0 { return offset }
                offset += 1
            }
            return nil
        }
    }
}

/// What a table cell is made of, and so how it is written.
enum CellKind: UInt8 {
    /// Text cmark would find no markup in: written escaped.
    case plain
    /// Text and code spans only (see `LiteralCells`): written without a parse.
    case literal
    /// Parsed by cmark, as a heading of the table's cells' parse.
    case parsed
}

/// The markup around a cell's inlines in the parse of a table's cells.
enum HTMLBytes {
    static let h1Open = Array("<h1>".utf8)
    static let h1Close = Array("</h1>\n".utf8)
}

/// A cell's opening tag, `th` or `td`, by alignment (an index of `tagOfColumn`).
enum CellTags {
    static func open(header: Bool, alignment: Int, classes: Bool) -> StaticString {
        switch (header, classes, alignment) {
        case (true, false, 1): return "<th align=\"left\">"
        case (true, false, 2): return "<th align=\"center\">"
        case (true, false, 3): return "<th align=\"right\">"
        case (true, true, 1): return "<th class=\"align-left\">"
        case (true, true, 2): return "<th class=\"align-center\">"
        case (true, true, 3): return "<th class=\"align-right\">"
        case (true, _, _): return "<th>"
        case (false, false, 1): return "<td align=\"left\">"
        case (false, false, 2): return "<td align=\"center\">"
        case (false, false, 3): return "<td align=\"right\">"
        case (false, true, 1): return "<td class=\"align-left\">"
        case (false, true, 2): return "<td class=\"align-center\">"
        case (false, true, 3): return "<td class=\"align-right\">"
        case (false, _, _): return "<td>"
        }
    }
}

/// Bytes written in place into memory the caller sized; no checks, no growth.
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

    mutating func byte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    mutating func write(_ text: StaticString) {
        memcpy(base + count, text.utf8Start, text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        memcpy(base + count, source, bytes.count)
        count += bytes.count
    }

    /// The bytes to escape (`"`, `&`, `<`, `>`, all below 64) as bits of one word.
    static let escapedBits: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E

    /// `bytes` escaped as cmark escapes text: `&`, `<`, `>` and `"`. Runs
    /// between them are copied whole; a byte is tested with a compare and
    /// a bit of a constant (no switch, no table in memory).
    mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        var runStart = 0
        for index in 0..<bytes.count {
            let value = bytes[index]
            guard value < 64, Self.escapedBits >> UInt64(value) & 1 != 0 else { continue }
            if index > runStart {
                memcpy(base + count, source + runStart, index - runStart)
                count += index - runStart
            }
            switch value {
            case UInt8(ascii: "&"): write("&amp;")
            case UInt8(ascii: "<"): write("&lt;")
            case UInt8(ascii: ">"): write("&gt;")
            default: write("&quot;")
            }
            runStart = index + 1
        }
        if bytes.count > runStart {
            memcpy(base + count, source + runStart, bytes.count - runStart)
            count += bytes.count - runStart
        }
    }
}
