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
    /// Every cell, row after row, header first (views into the source).
    let cellTexts: [ArraySlice<UInt8>]
    /// The heading that holds a cell's inlines, for cells with markup.
    let headingOfCell: [OpaquePointer?]
    /// The line of every row (header first) in the document that built it.
    let rowLines: [Int]
    /// Index of each column's tag in `CellTags`.
    let tagOfColumn: [Int]
    /// The `noteOwner` of the document that built the table.
    let builder: Int

    init(cells: OpaquePointer?, columns: Int, cellTexts: [ArraySlice<UInt8>], headingOfCell: [OpaquePointer?],
         rowLines: [Int], alignments: [TableSyntax.Alignment], builder: Int) {
        self.cells = cells
        self.columns = columns
        self.cellTexts = cellTexts
        self.headingOfCell = headingOfCell
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
        if let cells { cmark_node_free(cells) }
    }

    /// The cells of row `row` (0: the header) as plain text: in a row with
    /// markup trimmed as the text of inlines is (of U+3000 too), in a row
    /// of plain text as they are.
    func rowCells(_ row: Int) -> [String] {
        let range = row * columns..<(row + 1) * columns
        let markup = headingOfCell[range].contains { $0 != nil }
        return range.map { index in
            if let heading = headingOfCell[index] { return PlainText.trimmed(PlainText.of(heading)) }
            let text = String(decoding: cellTexts[index], as: UTF8.self)
            return markup ? PlainText.trimmed(text) : text
        }
    }

    /// Whether any cell has markup (and so may hold links).
    var hasMarkup: Bool { cells != nil }

    /// Writes the table's HTML into `node`, as cmark renders the table's
    /// nodes: `<table>`, `<thead>` and `<tbody>` on lines of their own, a
    /// row's cells a line each.
    func setHTML(of node: OpaquePointer, options: MarkdownOptions) {
        let (rendered, inlines) = renderedCells(options: options)
        let classes = options.alignmentClasses ? 1 : 0
        let headerTags = CellTags.all[2 + classes], bodyTags = CellTags.all[classes]
        var html: [UInt8] = []
        html.reserveCapacity(64 + rendered.count + cellTexts.count * 24)
        html.append(contentsOf: HTMLBytes.tableOpen)
        for row in 0..<rowLines.count {
            let header = row == 0
            if row == 1 { html.append(contentsOf: HTMLBytes.bodyOpen) }
            let tags = header ? headerTags : bodyTags
            html.append(contentsOf: HTMLBytes.rowOpen)
            for column in 0..<columns {
                let index = row * columns + column
                html.append(contentsOf: tags.open[tagOfColumn[column]])
                if let range = inlines[index] {
                    html.append(contentsOf: rendered[range])
                } else {
                    HTMLText.appendEscaped(cellTexts[index], to: &html)
                }
                html.append(contentsOf: tags.close)
            }
            html.append(contentsOf: HTMLBytes.rowClose)
            if header { html.append(contentsOf: HTMLBytes.headClose) }
        }
        html.append(contentsOf: rowLines.count > 1 ? HTMLBytes.bodyAndTableClose : HTMLBytes.tableClose)
        html.append(0)
        html.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = cmark_node_set_on_enter(node, $0.baseAddress) }
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
        defer { free(rendered) }
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

/// The fixed markup of a table, as bytes made once.
enum HTMLBytes {
    static let tableOpen = Array("<table>\n<thead>\n".utf8)
    static let headClose = Array("</thead>\n".utf8)
    static let bodyOpen = Array("<tbody>\n".utf8)
    static let rowOpen = Array("<tr>\n".utf8)
    static let rowClose = Array("</tr>\n".utf8)
    static let bodyAndTableClose = Array("</tbody>\n</table>\n".utf8)
    static let tableClose = Array("</table>\n".utf8)
    static let h1Open = Array("<h1>".utf8)
    static let h1Close = Array("</h1>\n".utf8)
}

/// A cell's tags, `th` or `td`, by alignment, as HTML bytes; made once.
struct CellTags: Sendable {
    /// By alignment: none, left, center, right.
    var open: [[UInt8]]
    var close: [UInt8]

    init(header: Bool, classes: Bool) {
        let tag = header ? "th" : "td"
        let alignments: [TableSyntax.Alignment] = [.none, .left, .center, .right]
        open = alignments.map { Array("<\(tag)\($0.attribute(classes: classes))>".utf8) }
        close = Array("</\(tag)>\n".utf8)
    }

    /// By header, then by class attributes.
    static let all = [false, true].flatMap { header in [false, true].map { CellTags(header: header, classes: $0) } }
}
