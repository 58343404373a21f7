import Ccmark
import Foundation

extension MarkdownDocument {
    /// Renders the body once: headings get ids, link and image URLs go
    /// through `resolveLink` (nil keeps a URL as written), and the outline,
    /// links, tasks and text come back with the HTML. The document's tree is
    /// changed by this; render a document once.
    public func render(
        _ settings: RenderSettings = RenderSettings(),
        resolveLink: (LinkReference) -> String? = { _ in nil }
    ) -> RenderedBody {
        inRegion { renderInRegion(settings, resolveLink: resolveLink) }
    }

    private func renderInRegion(_ settings: RenderSettings, resolveLink: (LinkReference) -> String?) -> RenderedBody {
        var slugs = SlugSet(reserved: settings.reservedIDs)
        var headings: [HeadingEntry] = []
        var headingNodes: [(OpaquePointer, HeadingEntry)] = []
        var links: [LinkReference] = []
        var tasks: [TaskItem] = []
        var textBlocks: [TextBlock] = []
        var tables: [TableText] = []
        var plain = ""
        var currentTable: TableText?
        var texts: [OpaquePointer: String] = [:]
        var joinedBreaks: [OpaquePointer] = []
        var remoteImages: [OpaquePointer] = []
        /// A table row's text; a row is a text block and a line of the plain text.
        func addRow(_ cells: [String], line: Int) -> String {
            if currentTable?.rows.isEmpty == true { currentTable?.line = line }
            currentTable?.rows.append(cells)
            currentTable?.rowLines.append(line)
            let text = cells.joined(separator: " | ")
            textBlocks.append(TextBlock(kind: .tableRow, text: text, line: line))
            plain += cells.joined(separator: " ") + "\n"
            return text
        }
        for node in root.descendants {
            switch node.type {
            case CMARK_NODE_HEADING:
                let text = PlainText.trimmed(PlainText.of(node))
                let entry = HeadingEntry(level: node.headingLevel, text: text, id: slugs.unique(for: text),
                                         line: position(of: node).line)
                headings.append(entry)
                headingNodes.append((node, entry))
                textBlocks.append(TextBlock(kind: .heading, text: text, line: entry.line))
                texts[node] = text
                plain += text + "\n"
            case CMARK_NODE_PARAGRAPH:
                let lines = PlainText.lines(node)
                let text = PlainText.join(lines)
                textBlocks.append(TextBlock(kind: .paragraph, text: lines, line: position(of: node).line))
                texts[node] = text
                plain += text + "\n"
            case CMARK_NODE_SOFTBREAK:
                // A line break inside Japanese text shows as a space in a
                // browser; between two CJK characters it goes.
                if let before = node.previous?.literal?.unicodeScalars.last, let after = node.next?.literal?.unicodeScalars.first,
                   PlainText.isCJKLike(before), PlainText.isCJKLike(after) {
                    joinedBreaks.append(node)
                }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let (line, column) = position(of: node)
                let reference = LinkReference(url: node.url ?? "", isImage: node.type == CMARK_NODE_IMAGE,
                                              line: line, column: column, text: PlainText.of(node))
                links.append(reference)
                if let resolved = resolveLink(reference) { cmark_node_set_url(node, resolved) }
                if settings.remoteImagesAsLinks, reference.isImage, Self.isRemote(node.url ?? "") { remoteImages.append(node) }
            case CMARK_NODE_CUSTOM_BLOCK, CMARK_NODE_CUSTOM_INLINE:
                switch kind(of: node) {
                case let .table(data):
                    if let table = currentTable { tables.append(table) }
                    currentTable = TableText(line: 0, rows: [], rowLines: [])
                    var rows: [String] = []
                    var rewritten = false
                    var cellImages: [OpaquePointer] = []
                    for row in data.rowLines.indices {
                        rows.append(addRow(data.rowCells(row), line: self.line(data.rowLines[row], of: node)))
                        guard data.hasMarkup else { continue }
                        for index in row * data.columns..<(row + 1) * data.columns {
                            guard let heading = data.headingOfCell[index] else { continue }
                            for inline in heading.descendants where inline.type == CMARK_NODE_LINK || inline.type == CMARK_NODE_IMAGE {
                                let (line, column) = cellPosition(of: inline, heading: heading, rowLine: data.rowLines[row],
                                                                  table: node, builder: data.builder)
                                let reference = LinkReference(url: inline.url ?? "", isImage: inline.type == CMARK_NODE_IMAGE,
                                                              line: line, column: column, text: PlainText.of(inline))
                                links.append(reference)
                                if let resolved = resolveLink(reference) {
                                    cmark_node_set_url(inline, resolved)
                                    rewritten = true
                                }
                                if settings.remoteImagesAsLinks, reference.isImage, Self.isRemote(inline.url ?? "") {
                                    cellImages.append(inline)
                                }
                            }
                        }
                        for image in cellImages { replaceWithLink(image) }
                        rewritten = rewritten || !cellImages.isEmpty
                        cellImages = []
                    }
                    texts[node] = rows.joined(separator: "\n")
                    if rewritten { data.setHTML(of: node, options: options) }
                case let .taskCheckbox(checked):
                    if let paragraph = node.parent {
                        tasks.append(TaskItem(checked: checked, text: PlainText.trimmed(PlainText.of(paragraph)),
                                              line: position(of: paragraph).line))
                    }
                default:
                    break
                }
            default:
                break
            }
        }
        if let table = currentTable { tables.append(table) }
        for node in joinedBreaks {
            MemoryRegion.discard(node)
        }
        for image in remoteImages { replaceWithLink(image) }
        let sections = sections(headings: Dictionary(uniqueKeysWithValues: headingNodes.map { ($0.0, $0.1) }), texts: texts)
        for (node, entry) in headingNodes {
            if let title = settings.leadingTitle, node == root.firstChild, entry.level == 1, entry.text == title {
                MemoryRegion.discard(node)
                continue
            }
            giveID(to: node, entry: entry, demote: settings.demoteHeadings)
        }
        return RenderedBody(html: html(), headings: headings, sections: sections, links: links, tasks: tasks,
                            textBlocks: textBlocks, tables: tables, plainText: plain)
    }

    /// The document position of a link in a table cell: on its row's line
    /// when this document built the table; a table from a fragment has its
    /// cells' positions shifted as the fragment's blocks are.
    func cellPosition(of inline: OpaquePointer, heading: OpaquePointer, rowLine: Int, table: OpaquePointer, builder: Int)
        -> (line: Int, column: Int)
    {
        if builder == noteOwner { return (inline.startLine + rowLine - heading.startLine, inline.startColumn) }
        var ancestor: OpaquePointer? = table
        while let current = ancestor {
            if let shift = shift(of: current) { return (inline.startLine + shift.lines, inline.startColumn + shift.columns) }
            ancestor = current.parent
        }
        return (inline.startLine, inline.startColumn)
    }

    /// `https://…`, `http://…`, `//host/…`: an address on another site.
    static func isRemote(_ url: String) -> Bool {
        let lower = url.trimmingCharacters(in: .whitespaces).lowercased()
        return lower.hasPrefix("//") || lower.hasPrefix("http:") || lower.hasPrefix("https:") || lower.hasPrefix("ftp:")
    }

    /// Puts a link to the image's address, holding its alternative text (or
    /// the address), where the image was.
    func replaceWithLink(_ image: OpaquePointer) {
        guard let link = MemoryRegion.node(CMARK_NODE_LINK) else { return }
        cmark_node_set_url(link, cmark_node_get_url(image))
        cmark_node_set_title(link, cmark_node_get_title(image))
        while let child = cmark_node_first_child(image) {
            cmark_node_unlink(child)
            cmark_node_append_child(link, child)
        }
        if cmark_node_first_child(link) == nil, let text = MemoryRegion.node(CMARK_NODE_TEXT) {
            cmark_node_set_literal(text, cmark_node_get_url(image))
            cmark_node_append_child(link, text)
        }
        cmark_node_insert_before(image, link)
        MemoryRegion.discard(image)
    }

    /// Top-level headings cut the body into sections.
    func sections(headings: [OpaquePointer: HeadingEntry], texts: [OpaquePointer: String]) -> [Section] {
        var sections: [Section] = []
        var open: [(entry: HeadingEntry, text: String, first: String?)] = []
        /// Adds a line to a section's text: lines joined by `\n`, with no
        /// newline at the end, so `trimmed` seldom has to copy the text.
        func add(_ line: String, to index: Int) {
            if !open[index].text.isEmpty { open[index].text.append("\n") }
            open[index].text.append(line)
        }
        func close(downTo level: Int) {
            while let last = open.last, last.entry.level >= level {
                open.removeLast()
                sections.append(Section(heading: last.entry, kind: SectionKind.of(heading: last.entry.text),
                                        text: PlainText.trimmed(last.text),
                                        firstParagraph: last.first))
            }
        }
        for block in root.children {
            if let entry = headings[block] {
                close(downTo: entry.level)
                // A subsection's heading is part of the sections around it.
                for index in open.indices { add(entry.text, to: index) }
                open.append((entry, "", nil))
                continue
            }
            guard block.type != CMARK_NODE_CODE_BLOCK, block.type != CMARK_NODE_HTML_BLOCK else { continue }
            let text = blockText(block, texts: texts)
            for index in open.indices {
                add(text, to: index)
                if open[index].first == nil, block.type == CMARK_NODE_PARAGRAPH { open[index].first = text }
            }
        }
        close(downTo: 0)
        return sections.sorted { $0.heading.line < $1.heading.line }
    }

    /// A block's plain text: its paragraphs and table rows, a line each.
    func blockText(_ block: OpaquePointer, texts: [OpaquePointer: String]) -> String {
        if let text = texts[block] { return text }
        var lines: [String] = []
        // Only blocks have a text (headings, paragraphs, tables), and none
        // holds another that has one: the walk goes down through container
        // blocks (lists, items, quotes), never into a block's inlines.
        func collect(_ node: OpaquePointer) {
            var child = node.firstChild
            while let current = child {
                if let text = texts[current] { lines.append(text) } else if current.isBlock { collect(current) }
                child = current.next
            }
        }
        collect(block)
        return lines.joined(separator: "\n")
    }

    /// Replaces a heading by the same markup with an `id`, so cmark renders
    /// `<h2 id="根本原因">根本原因</h2>`.
    func giveID(to heading: OpaquePointer, entry: HeadingEntry, demote: Bool) {
        let level = min(6, entry.level + (demote ? 1 : 0))
        guard let wrapper = NodeFactory.customBlock(enter: "", exit: ""),
              // Slugs hold letters, digits, marks, `-` and `_` only: nothing to escape.
              let tag = NodeFactory.customInline(enter: "<h\(level) id=\"\(entry.id)\">",
                                                 exit: "</h\(level)>") else { return }
        cmark_node_append_child(wrapper, tag)
        for child in heading.children {
            cmark_node_unlink(child)
            cmark_node_append_child(tag, child)
        }
        cmark_node_insert_before(heading, wrapper)
        if let shift = shift(of: heading) { setShift(shift, of: wrapper) }
        MemoryRegion.discard(heading)
    }
}

/// Escaping for text the layer writes into HTML itself.
enum HTMLText {
    static func attribute(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
