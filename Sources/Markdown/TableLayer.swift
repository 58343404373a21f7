import Ccmark
import Foundation

/// GFM pipe tables on top of cmark's AST. cmark reads a table as a
/// paragraph of pipes; its source positions tell which lines that paragraph
/// holds, so the layer finds the table where cmark-gfm would, builds table
/// nodes in its place, and lets cmark parse every cell's inlines.
enum TableLayer {
    /// cmark-gfm's bound on cells it fills in for short rows (a denial-of-service guard).
    static let maxAutocompletedCells = 0x80000

    /// Returns the blocks taken out of the tree; the caller frees them once
    /// nothing that was collected before may point into them.
    static func apply(to document: MarkdownDocument, candidates: [OpaquePointer]) -> [OpaquePointer] {
        // Paragraphs and headings hold no blocks, so replacing one (and
        // freeing its inlines) leaves the others in this list valid.
        var detached: [OpaquePointer] = []
        for node in candidates where isAttached(node, to: document.root) {
            // A setext heading's text may be table rows with its underline after them.
            replaceTable(in: node, underline: node.type == CMARK_NODE_HEADING, document: document, detached: &detached)
        }
        return detached
    }

    static func isAttached(_ node: OpaquePointer, to root: OpaquePointer) -> Bool {
        var current = node
        while let parent = current.parent { current = parent }
        return current == root
    }

    /// Where a table starts and ends among a block's lines.
    struct Found {
        var headerIndex: Int
        var columns: Int
        /// Every cell, row after row, header first, `columns` a row (short
        /// rows filled in with empty cells): ranges of the lines' bytes,
        /// which are the document's (`SourceLines.bytes`).
        var cells: [Range<Int>]
        var alignments: [TableSyntax.Alignment]
        /// The index among the lines of each row after the delimiter row.
        var rowIndices: [Int]
        /// The first line after the table, if the block goes on.
        var restIndex: Int
    }

    /// The table among `lines`, its delimiter row before `delimiterLimit`.
    static func find(
        in lines: [ContentLine], delimiterBefore delimiterLimit: Int, autocompleteLimit: Int = maxAutocompletedCells
    ) -> Found? {
        // The first delimiter row whose previous line is a header with as
        // many cells starts the table; the lines before it stay a paragraph.
        let candidates = min(delimiterLimit, lines.count)
        guard candidates >= 2 else { return nil }
        var start: (delimiter: Int, header: [Range<Int>], cells: [Range<Int>])?
        for index in 1..<candidates where !lines[index].isLazy && lines[index].indent < 4
            && TableSyntax.isDelimiterRow(lines[index].content) && !isSetextUnderline(lines[index].content) {
            if let header = TableSyntax.cells(of: lines[index - 1].rowText),
               let cells = TableSyntax.cells(of: lines[index].content), header.count == cells.count {
                start = (index, header, cells)
                break
            }
        }
        guard let (delimiter, header, delimiterCells) = start else { return nil }
        let columns = header.count
        var cells = header
        // Room for every line left as a row: one allocation, not one per doubling.
        cells.reserveCapacity(columns * (lines.count - delimiter))
        var rowIndices: [Int] = []
        rowIndices.reserveCapacity(lines.count - delimiter - 1)
        var index = delimiter + 1
        var filledCells = 0
        while index < lines.count {
            let line = lines[index]
            guard !line.isLazy, !BlockStarts.startsBlock(line) else { break }
            let rowStart = cells.count
            let count = TableSyntax.appendCells(of: line.content, to: &cells)
            guard count > 0 else { break }
            filledCells += max(0, columns - count)
            if filledCells > autocompleteLimit {
                cells.removeSubrange(rowStart...)
                break
            }
            // Cells past the header's count are dropped, missing ones are empty.
            if count > columns { cells.removeSubrange((rowStart + columns)...) }
            for _ in count..<max(count, columns) { cells.append(0..<0) }
            rowIndices.append(index)
            index += 1
        }
        return Found(headerIndex: delimiter - 1, columns: columns, cells: cells,
                     alignments: TableSyntax.alignments(of: delimiterCells, in: lines[delimiter].content),
                     rowIndices: rowIndices, restIndex: index)
    }

    /// `---` alone is a setext underline before it is a delimiter row: after
    /// a paragraph of reference definitions only, cmark keeps it as text.
    static func isSetextUnderline(_ content: ArraySlice<UInt8>, equals: Bool = false) -> Bool {
        let trimmed = content.reversed().drop { $0 == 0x20 || $0 == 0x09 }
        guard let marker = trimmed.first else { return false }
        return (marker == UInt8(ascii: "-") || (equals && marker == UInt8(ascii: "="))) && trimmed.allSatisfy { $0 == marker }
    }

    static func replaceTable(
        in block: OpaquePointer, underline: Bool, document: MarkdownDocument, detached: inout [OpaquePointer]
    ) {
        let (lines, delimiterLimit) = blockLines(block, underline: underline, source: document.source, options: document.options)
        guard let found = find(in: lines, delimiterBefore: delimiterLimit) else { return }
        // The lines before the header stay a paragraph (pipes unescaped, as cmark-gfm does).
        if found.headerIndex > 0 {
            let text = lines[..<found.headerIndex].map { String(decoding: TableSyntax.unescapePipes($0.content), as: UTF8.self) }
                .joined(separator: "\n")
            // One paragraph in cmark-gfm: no table forms in it (its delimiter rows were lazy).
            insertFragment(text, firstLine: lines[0].number, before: block, document: document, extensions: false)
        }
        if let table = buildTable(found, lines: lines, document: document) {
            cmark_node_insert_before(block, table)
        }
        if found.restIndex < lines.count {
            insertRest(from: lines[found.restIndex], through: lines.last?.number ?? 0, after: block,
                       document: document, detached: &detached)
        } else if underline, let lastRow = lines.last?.number {
            // The rows ran on into blocks after the heading: those blocks are gone into the table.
            var following = block.next
            while let node = following, node.startLine <= lastRow {
                following = node.next
                cmark_node_unlink(node)
                detached.append(node)
            }
        }
        // Freed now, while its nodes are in the cache and their memory can
        // serve the next table: a paragraph or heading holds no block that
        // was collected (the blocks after it wait in `detached`).
        MemoryRegion.discard(block)
    }

    /// A block's lines for table finding. A setext heading's text may be
    /// table rows, and then its underline is a row (or a thematic break) and
    /// the rows may go on into the lines after it, as cmark-gfm reads them.
    static func blockLines(_ block: OpaquePointer, underline: Bool, source: SourceLines, options: MarkdownOptions)
        -> (lines: [ContentLine], delimiterLimit: Int)
    {
        guard underline else {
            let lines = ContentLines.of(block, in: source)
            return (lines, lines.count)
        }
        guard let underlineLine = ContentLines.setextUnderline(of: block, in: source, options: options) else { return ([], 0) }
        var lines = ContentLines.of(block, in: source, through: underlineLine)
        let limit = lines.count - 1
        let containers = ContentLines.containers(of: block)
        let last = ContentLines.lastLine(of: block.parent ?? block, in: source)
        if underlineLine < last {
            for number in (underlineLine + 1)...last {
                let line = ContentLines.stripped(number, containers: containers, in: source)
                lines.append(line)
                if line.content.isEmpty { break }
            }
        }
        return (lines, limit)
    }

    /// Reference definitions that cmark-gfm reads as a table's text: at the
    /// head of a block that holds a table (its header, or the paragraph
    /// before it), and those the rows of a table run on into after a setext
    /// underline. cmark took them as definitions, so the document is parsed
    /// again with the `:` after each label escaped (`[label]\:`): the line is
    /// then text, and its `[label]` a link wherever the label is defined,
    /// as cmark-gfm renders it. Returns the byte offsets of those colons.
    static func definitionsReadAsText(_ candidates: [OpaquePointer], source: SourceLines, options: MarkdownOptions) -> [Int] {
        guard source.contains(UInt8(ascii: "[")) else { return [] }
        func colon(_ line: ContentLine) -> Int? {
            let content = line.content
            guard content.first == UInt8(ascii: "[") else { return nil }
            var index = content.startIndex
            while index + 1 < content.endIndex {
                if content[index] == UInt8(ascii: "]"), content[index + 1] == UInt8(ascii: ":") { return index + 1 }
                index += 1
            }
            return nil
        }
        var offsets: [Int] = []
        for block in candidates {
            guard source.line(block.startLine).contains(UInt8(ascii: "[")) else { continue }
            let underline = block.type == CMARK_NODE_HEADING
            let (lines, limit) = blockLines(block, underline: underline, source: source, options: options)
            guard let first = lines.first, let found = find(in: lines, delimiterBefore: limit) else { continue }
            // A setext underline before the table makes cmark-gfm take the
            // definitions out first, as cmark does.
            if first.content.first == UInt8(ascii: "["), leadingDefinitionLines(lines, options: options) > 0,
               !lines[1...found.headerIndex + 1].contains(where: { isSetextUnderline($0.content, equals: true) }),
               let offset = colon(first) {
                offsets.append(offset)
            }
            if underline, let last = found.rowIndices.last, limit + 1 <= last {
                offsets += lines[(limit + 1)...last].compactMap(colon)
            }
        }
        return offsets
    }

    /// How many of the first lines are reference definitions that cmark took
    /// out of the block (its source position still counts them).
    static func leadingDefinitionLines(_ lines: [ContentLine], options: MarkdownOptions) -> Int {
        guard lines.first?.content.first == UInt8(ascii: "[") else { return 0 }
        var count = 0
        var text = ""
        for line in lines.dropLast() {
            text += line.content.string + "\n"
            let parsed = MarkdownDocument.parse(text, options: options)
            defer { MemoryRegion.discard(parsed) }
            guard parsed.firstChild == nil else { break }
            count += 1
        }
        return count
    }

    /// The lines after a table that start other blocks are parsed again, as
    /// cmark-gfm reads them after the table; when what they open can go on
    /// (a list, a block quote, code), the blocks cmark put after the
    /// paragraph are parsed again with them, one by one while it goes on. A
    /// lazy line (one without its block quote's `>`) closes the containers it
    /// left out, so what follows it in them is parsed outside them.
    static func insertRest(
        from first: ContentLine, through blockLast: Int, after block: OpaquePointer, document: MarkdownDocument,
        detached: inout [OpaquePointer]
    ) {
        let source = document.source
        let containers = ContentLines.containers(of: block)
        let level = first.lazyLevel ?? containers.count
        let outer = Array(containers.prefix(level))
        func text(through last: Int) -> String {
            guard first.number <= last else { return "" }
            return (first.number...last).map { ContentLines.stripped($0, containers: outer, in: source).text.string }
                .joined(separator: "\n")
        }
        // The node after which the result goes: the block itself, or the container it leaves.
        var anchor = level < containers.count ? containers[level] : block
        if anchor.type == CMARK_NODE_ITEM, let list = anchor.parent { anchor = list }
        var last = blockLast
        if level < containers.count {
            // Everything the left containers held after the block is outside them now.
            last = ContentLines.lastLine(of: anchor, in: source)
            var node: OpaquePointer? = block
            while let current = node, current != anchor {
                while let following = current.next {
                    cmark_node_unlink(following)
                    detached.append(following)
                }
                node = current.parent
            }
        }
        // Blocks cmark made of lines that are now the table's are gone into it.
        while let following = anchor.next, following.startLine <= last {
            last = max(last, ContentLines.lastLine(of: following, in: source))
            cmark_node_unlink(following)
            detached.append(following)
        }
        // Following blocks join while the parsed lines end in a block that goes
        // on: a list, a block quote, code, or a paragraph the next line touches.
        while let following = anchor.next,
              continues(text(through: last), options: document.options, nextLineFollows: following.startLine == last + 1) {
            last = max(last, ContentLines.lastLine(of: following, in: source))
            cmark_node_unlink(following)
            detached.append(following)
        }
        guard let placeholder = NodeFactory.customBlock(enter: "", exit: "") else { return }
        cmark_node_insert_after(anchor, placeholder)
        insertFragment(text(through: last), firstLine: first.number, before: placeholder, document: document)
        MemoryRegion.discard(placeholder)
    }

    /// Whether the last block of `text` may take in lines that follow it.
    static func continues(_ text: String, options: MarkdownOptions, nextLineFollows: Bool) -> Bool {
        let parsed = MarkdownDocument.parse(text, options: options)
        defer { MemoryRegion.discard(parsed) }
        var node = parsed
        while let last = cmark_node_last_child(node), last.isBlock { node = last }
        var block: OpaquePointer? = node
        while let current = block, current != parsed {
            switch current.type {
            case CMARK_NODE_LIST, CMARK_NODE_ITEM, CMARK_NODE_BLOCK_QUOTE, CMARK_NODE_CODE_BLOCK, CMARK_NODE_HTML_BLOCK:
                return true
            case CMARK_NODE_PARAGRAPH where nextLineFollows:
                return true
            default:
                block = current.parent
            }
        }
        return false
    }

    /// Parses `text` as its own document (extensions included) and moves its
    /// blocks before `anchor`, remembering how to shift their positions.
    static func insertFragment(
        _ text: String, firstLine: Int, before anchor: OpaquePointer, document: MarkdownDocument, extensions: Bool = true
    ) {
        let definitions = text.utf8.contains(UInt8(ascii: "]")) ? document.referenceDefinitions : ""
        var options = document.options
        options.extensions = extensions
        let fragment = MarkdownDocument(text + "\n\n" + definitions, options: options, depth: document.depth + 1,
                                        notes: document.notes, region: document.region)
        for child in fragment.root.children {
            // Reference definitions leave no node; a lone paragraph of them is dropped by cmark.
            guard child.startLine <= fragmentLineCount(text) else { continue }
            cmark_node_unlink(child)
            cmark_node_insert_before(anchor, child)
            document.setShift(PositionShift(lines: firstLine - 1, columns: 0), of: child)
        }
        // Definitions in lines that cmark read as a paragraph's text.
        if extensions, text.utf8.count > 2, containsLabelEnd(text) {
            let known = document.definedLabels
            for (label, line) in fragment.definedLabels where known[label] == nil {
                document.hiddenDefinitions[label] = line
            }
            for (label, line) in fragment.hiddenDefinitions where known[label] == nil {
                document.hiddenDefinitions[label] = line
            }
        }
    }

    /// Whether `text` holds `]:`, on its bytes (no Foundation search).
    static func containsLabelEnd(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":"), previous == UInt8(ascii: "]") { return true }
            previous = byte
        }
        return false
    }

    static func fragmentLineCount(_ text: String) -> Int {
        text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// The table as one node of ready HTML; what it holds (cells, rows,
    /// the cmark parse of its cells with markup) stays in the node's note
    /// for rendering, which may rewrite the cells' links.
    static func buildTable(_ found: Found, lines: [ContentLine], document: MarkdownDocument) -> OpaquePointer? {
        let columns = found.columns
        let cellRanges = found.cells
        // Cells of plain text are written as they are, cells of text and
        // code spans as cmark would write them (`LiteralCells`). The others
        // are parsed by cmark, all in one parse: each becomes an ATX
        // heading, whose text cmark parses as inlines only.
        var miniBytes: [UInt8] = []
        var parsedCells: [Int] = []
        var needsDefinitions = false
        var kinds = [CellKind](repeating: .plain, count: cellRanges.count)
        let smart = document.options.smartPunctuation
        let bytes = document.source.bytes
        bytes.withUnsafeBufferPointer { source in
            for (index, range) in cellRanges.enumerated() where !range.isEmpty {
                let cell = UnsafeBufferPointer(rebasing: source[range])
                guard !isPlainText(cell, smartPunctuation: smart) else { continue }
                if LiteralCells.isLiteral(cell, smartPunctuation: smart) {
                    kinds[index] = .literal
                    continue
                }
                kinds[index] = .parsed
                if parsedCells.isEmpty { miniBytes.reserveCapacity(256) }
                miniBytes.append(contentsOf: "# ".utf8)
                appendHeadingSafe(cell, to: &miniBytes)
                miniBytes.append(0x0A)
                parsedCells.append(index)
                needsDefinitions = needsDefinitions
                    || cell.baseAddress.map { memchr($0, Int32(UInt8(ascii: "]")), cell.count) != nil } ?? false
            }
        }
        // Parsed from the bytes: cells are cut at ASCII bytes of valid UTF-8, so
        // a String made of them (a validation and a copy) would be the same text.
        if needsDefinitions {
            miniBytes.append(0x0A)
            miniBytes.append(contentsOf: document.referenceDefinitions.utf8)
        }
        let parsed = parsedCells.isEmpty ? nil : MarkdownDocument.parse(miniBytes, then: "", options: document.options)
        let headings = parsed?.children.filter { $0.type == CMARK_NODE_HEADING } ?? []
        guard headings.count == parsedCells.count, let table = MemoryRegion.node(CMARK_NODE_CUSTOM_BLOCK) else {
            if let parsed { MemoryRegion.discard(parsed) }
            return nil
        }
        var headingOfCell = [OpaquePointer?](repeating: nil, count: cellRanges.count)
        for (heading, index) in zip(headings, parsedCells) { headingOfCell[index] = heading }
        var rowLines = [lines[found.headerIndex].number]
        rowLines.reserveCapacity(found.rowIndices.count + 1)
        for index in found.rowIndices { rowLines.append(lines[index].number) }
        let data = TableData(cells: parsed, columns: columns, bytes: bytes, cellRanges: cellRanges, headingOfCell: headingOfCell,
                             kinds: kinds, rowLines: rowLines, alignments: found.alignments, builder: document.noteOwner,
                             region: document.region)
        data.setHTML(of: table, options: document.options)
        document.setKind(.table(data), of: table)
        return table
    }

    /// Text in which cmark would find no inline markup: no `\`, `` ` ``, `*`,
    /// `_`, `[`, `]`, `!`, `<`, `&`, `~` (and, with smart punctuation, no
    /// quotes, dashes or dots), so it renders as itself.
    static func isPlainText(_ bytes: UnsafeBufferPointer<UInt8>, smartPunctuation smart: Bool) -> Bool {
        // A switch, not a lookup table: a static table costs a `swift_once` a cell.
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "~"):
                return false
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "."):
                if smart { return false }
            default:
                break
            }
        }
        return true
    }

    /// A cell's text appended as the text of an ATX heading, `\|` made `|`:
    /// a closing run of `#` would be taken off, so its first `#` is escaped.
    static func appendHeadingSafe(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let start = output.count
        // Most cells have no backslash: one copy.
        if let base = bytes.baseAddress, memchr(base, Int32(TableSyntax.backslash), bytes.count) != nil {
            var index = 0
            while index < bytes.count {
                if bytes[index] == TableSyntax.backslash, index + 1 < bytes.count, bytes[index + 1] == TableSyntax.pipe {
                    index += 1
                }
                output.append(bytes[index])
                index += 1
            }
        } else {
            output.append(contentsOf: bytes)
        }
        var runStart = output.count
        while runStart > start, output[runStart - 1] == UInt8(ascii: "#") { runStart -= 1 }
        if runStart < output.count, runStart == start || output[runStart - 1] == 0x20 || output[runStart - 1] == 0x09 {
            output.insert(UInt8(ascii: "\\"), at: runStart)
        }
    }
}

extension TableSyntax {
    /// `\|` → `|`, as cmark-gfm does for the text of a table's cells and
    /// for the paragraph before its header.
    static func unescapePipes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(backslash) else { return Array(bytes) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == backslash, index + 1 < bytes.endIndex, bytes[index + 1] == pipe { index += 1 }
            result.append(bytes[index])
            index += 1
        }
        return result
    }
}
