import Ccmark

/// One line of a block's text as cmark saw it: container markers (`>` of
/// block quotes, the indentation of list items) taken off.
struct ContentLine {
    /// 1-based line in the document.
    var number: Int
    /// The text after the container markers, leading white space included.
    var text: ArraySlice<UInt8>
    /// Columns of white space before the text (a tab counts to the next stop of 4).
    var indent: Int
    /// When the line did not repeat its containers' markers (a lazy
    /// continuation): the index of the first container it left out.
    var lazyLevel: Int? = nil

    var isLazy: Bool { lazyLevel != nil }

    /// The text a table row is read from: a lazy line keeps its leading
    /// white space (cmark-gfm adds it to the paragraph as it is).
    var rowText: ArraySlice<UInt8> { isLazy ? text : content }

    /// The text without its leading white space.
    var content: ArraySlice<UInt8> {
        text.drop { $0 == 0x20 || $0 == 0x09 }
    }
}

enum ContentLines {
    /// The block quotes and list items around `block`, outermost first.
    static func containers(of block: OpaquePointer) -> [OpaquePointer] {
        var containers: [OpaquePointer] = []
        var ancestor = block.parent
        while let node = ancestor, node.type != CMARK_NODE_DOCUMENT {
            if node.type == CMARK_NODE_BLOCK_QUOTE || node.type == CMARK_NODE_ITEM { containers.append(node) }
            ancestor = node.parent
        }
        return containers.reversed()
    }

    /// The lines of `block` (a paragraph or a setext heading), the first
    /// from the block's start column, the others with their containers'
    /// markers removed.
    static func of(_ block: OpaquePointer, in source: SourceLines, through lastLine: Int? = nil) -> [ContentLine] {
        let first = block.startLine, last = min(lastLine ?? block.endLine, source.count)
        guard first >= 1, last >= first else { return [] }
        let around = containers(of: block)
        return (first...last).map { number in
            if number == first {
                let line = source.line(number)
                let start = min(line.endIndex, line.startIndex + max(0, block.startColumn - 1))
                return ContentLine(number: number, text: line[start...], indent: 0, lazyLevel: nil)
            }
            return stripped(number, containers: around, in: source)
        }
    }

    /// Line `number` with the markers of `containers` taken off.
    static func stripped(_ number: Int, containers: [OpaquePointer], in source: SourceLines) -> ContentLine {
        let line = source.line(number)
        var index = line.startIndex
        var lazyLevel: Int?
        for (level, container) in containers.enumerated() {
            if container.type == CMARK_NODE_BLOCK_QUOTE {
                var probe = index
                var spaces = 0
                while probe < line.endIndex, line[probe] == 0x20, spaces < 3 { probe += 1; spaces += 1 }
                guard probe < line.endIndex, line[probe] == UInt8(ascii: ">") else { lazyLevel = level; break }
                index = probe + 1
                if index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
            } else {
                // A list item's content starts at its first child's column.
                let column = container.firstChild?.startColumn ?? container.startColumn
                while index < line.endIndex, line[index] == 0x20, index - line.startIndex + 1 < column {
                    index += 1
                }
                if index - line.startIndex + 1 < column, index < line.endIndex {
                    lazyLevel = level
                    break
                }
            }
        }
        var indent = 0
        for byte in line[index...] {
            if byte == 0x20 { indent += 1 } else if byte == 0x09 { indent += 4 - indent % 4 } else { break }
        }
        return ContentLine(number: number, text: line[index...], indent: indent, lazyLevel: lazyLevel)
    }

    /// The line of a setext heading's underline. cmark's end position of a
    /// setext heading can run into the next line, so the underline is found
    /// from the text: the first line after the start made of `=` or `-` only.
    static func setextUnderline(of heading: OpaquePointer, in source: SourceLines, options: MarkdownOptions) -> Int? {
        let lines = of(heading, in: source)
        // Reference definitions at the start are not the heading's text, and
        // the line after them is its first line of text, never its underline.
        let definitions = TableLayer.leadingDefinitionLines(lines, options: options)
        return lines.dropFirst(definitions + 1).first { line in
            let content = line.content.reversed().drop { $0 == 0x20 || $0 == 0x09 }
            guard line.indent < 4, let marker = content.first,
                  marker == UInt8(ascii: "=") || marker == UInt8(ascii: "-") else { return false }
            return content.allSatisfy { $0 == marker }
        }?.number
    }

    /// The last line of `node`'s content: cmark's end position, or its
    /// children's when one runs further (a setext heading's can).
    static func lastLine(of node: OpaquePointer, in source: SourceLines) -> Int {
        if node.type == CMARK_NODE_DOCUMENT { return source.count }
        return min(source.count, node.children.reduce(node.endLine) { max($0, $1.endLine) })
    }
}
