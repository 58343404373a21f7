import Foundation

/// Table cells whose only inline markup is code spans (and a leading
/// `**strong**` part, see `strongPrefix`), written without a cmark parse: as
/// cmark renders their text (`&`, `<`, `>`, `"` escaped), their code spans
/// (`<code>…</code>`) and strong emphasis, and with the same plain text.
///
/// A cell is one when, outside its code spans, it holds none of the bytes
/// that start inline markup in cmark 0.30: no `\`, `*`, `[`, `]`, `<`, `&`
/// (nor, with smart punctuation, `'`, `"`, `-`, `.`), and each `_` stands
/// between two ASCII letters or digits (`snake_case`: such a `_` can neither
/// open nor close emphasis). `~` and `!` (without a `[`) are text in cmark.
/// A backslash or a control byte anywhere (code spans included: `\|` is
/// `|` in a cell, in code too) sends the cell to the parse, as before. About half
/// the cells of the corpus with markup are such cells (code spans above
/// all), and each was a heading of the cells' cmark parse.
enum LiteralCells {
    /// Whether `cell` (trimmed, `\|` not yet unescaped) is such a cell.
    static func isLiteral(_ cell: UnsafeBufferPointer<UInt8>, smartPunctuation smart: Bool) -> Bool {
        if let (inner, rest) = strongPrefix(cell) {
            return isTextAndCode(UnsafeBufferPointer(rebasing: cell[inner]), smartPunctuation: smart)
                && isTextAndCode(UnsafeBufferPointer(rebasing: cell[rest]), smartPunctuation: smart)
        }
        return isTextAndCode(cell, smartPunctuation: smart)
    }

    /// Whether `bytes` hold only text and code spans (see above).
    static func isTextAndCode(_ cell: UnsafeBufferPointer<UInt8>, smartPunctuation smart: Bool) -> Bool {
        var index = 0
        let count = cell.count
        while index < count {
            let byte = cell[index]
            switch byte {
            case UInt8(ascii: "`"):
                // A code span is skipped whole, an unmatched run is text.
                let (end, isSpan) = codeSpan(cell, at: index)
                // In a span too: `\|` is `|` in a cell, code included (left to the parse).
                if isSpan {
                    for inner in index..<end where cell[inner] == UInt8(ascii: "\\") || (cell[inner] < 0x20 && cell[inner] != 0x09) {
                        return false
                    }
                }
                index = end
                continue
            case UInt8(ascii: "\\"), UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"),
                 UInt8(ascii: "&"):
                return false
            case UInt8(ascii: "_"):
                guard index > 0, index + 1 < count, isASCIIAlphanumeric(cell[index - 1]),
                      isASCIIAlphanumeric(cell[index + 1]) else { return false }
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "."):
                if smart { return false }
            case 0x09:
                break
            case 0x00..<0x20, 0x7F:
                return false
            default:
                break
            }
            index += 1
        }
        return true
    }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// The backtick run at `start`: where what it opens ends, and whether
    /// that is a code span (a later run of the same length closes it) or
    /// the run alone, as text. CommonMark's rule, as cmark applies it.
    static func codeSpan(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (end: Int, isSpan: Bool) {
        let count = bytes.count
        var index = start
        while index < count, bytes[index] == UInt8(ascii: "`") { index += 1 }
        let length = index - start
        let afterOpener = index
        while index < count {
            guard bytes[index] == UInt8(ascii: "`") else {
                index += 1
                continue
            }
            let runStart = index
            while index < count, bytes[index] == UInt8(ascii: "`") { index += 1 }
            if index - runStart == length { return (index, true) }
        }
        return (afterOpener, false)
    }

    /// The content of the code span `start..<end` (backticks included), as
    /// cmark keeps it: one space taken off each end when both ends are
    /// spaces and the content is not spaces only (a cell has no line ending).
    static func codeContent(_ bytes: UnsafeBufferPointer<UInt8>, span start: Int, end: Int) -> Range<Int> {
        var length = 0
        while bytes[start + length] == UInt8(ascii: "`") { length += 1 }
        var from = start + length, to = end - length
        if to - from >= 2, bytes[from] == 0x20, bytes[to - 1] == 0x20,
           bytes[from..<to].contains(where: { $0 != 0x20 }) {
            from += 1
            to -= 1
        }
        return from..<to
    }

    /// Calls `text` for each run of text and `code` for each code span's
    /// content, in order.
    static func forEachPart(
        _ bytes: UnsafeBufferPointer<UInt8>, text: (Range<Int>) -> Void, code: (Range<Int>) -> Void
    ) {
        var textStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "`") else {
                index += 1
                continue
            }
            let (end, isSpan) = codeSpan(bytes, at: index)
            if isSpan {
                if index > textStart { text(textStart..<index) }
                code(codeContent(bytes, span: index, end: end))
                textStart = end
            }
            index = end
        }
        if count > textStart { text(textStart..<count) }
    }

    /// A cell that opens with strong emphasis, `**inner**rest`, where cmark
    /// reads the two runs as a pair: `inner` holds no `*` outside code
    /// spans, starts and ends with no white space, and the closing run is
    /// followed by the end, a space or a tab, or stands after a letter (a
    /// run after a letter is right-flanking whatever follows it: no
    /// table of Unicode punctuation needed). The ranges of both parts, or
    /// nil. (`inner` and `rest` must still be text and code spans.)
    static func strongPrefix(_ cell: UnsafeBufferPointer<UInt8>) -> (inner: Range<Int>, rest: Range<Int>)? {
        let count = cell.count
        let star = UInt8(ascii: "*")
        guard count >= 5, cell[0] == star, cell[1] == star, cell[2] != star else { return nil }
        // The first `*` outside code spans closes, when it is a run of two.
        var index = 2
        while index < count, cell[index] != star {
            if cell[index] == UInt8(ascii: "`") {
                index = codeSpan(cell, at: index).end
            } else {
                index += 1
            }
        }
        guard index + 1 < count, cell[index + 1] == star, index + 2 == count || cell[index + 2] != star,
              let first = UTF8Scalars.first(in: cell, at: 2),
              let last = UTF8Scalars.last(in: UnsafeBufferPointer(rebasing: cell[2..<index])),
              !isFlankingSpace(first), !isFlankingSpace(last) else { return nil }
        let after = index + 2
        guard after == count || cell[after] == 0x20 || cell[after] == 0x09 || isLetter(last) else { return nil }
        return (2..<index, after..<count)
    }

    /// White space as cmark's flanking rules see it (and the line and
    /// paragraph separators, to be safe).
    static func isFlankingSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Letters that are surely neither white space nor punctuation: ASCII
    /// letters and digits, Latin-1 letters, kana, CJK ideographs, Hangul.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF, 0x3041...0x3096,
             0x30A1...0x30FA, 0x4E00...0x9FFF, 0xAC00...0xD7A3:
            return true
        default:
            return false
        }
    }

    /// The HTML of a literal cell, as cmark renders the cell's inlines.
    static func writeHTML(_ cell: UnsafeBufferPointer<UInt8>, to html: inout ByteWriter) {
        if let (inner, rest) = strongPrefix(cell) {
            html.write("<strong>")
            writeTextAndCode(UnsafeBufferPointer(rebasing: cell[inner]), to: &html)
            html.write("</strong>")
            writeTextAndCode(UnsafeBufferPointer(rebasing: cell[rest]), to: &html)
        } else {
            writeTextAndCode(cell, to: &html)
        }
    }

    static func writeTextAndCode(_ cell: UnsafeBufferPointer<UInt8>, to html: inout ByteWriter) {
        forEachPart(cell, text: { range in
            html.writeEscaped(UnsafeBufferPointer(rebasing: cell[range]))
        }, code: { range in
            html.write("<code>")
            html.writeEscaped(UnsafeBufferPointer(rebasing: cell[range]))
            html.write("</code>")
        })
    }

    /// The text of a literal cell's inlines (text and code contents), as
    /// `PlainText.of` reads it from the parsed cell.
    static func plainText(_ cell: UnsafeBufferPointer<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(cell.count)
        func append(_ part: UnsafeBufferPointer<UInt8>) {
            forEachPart(part, text: { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: part[$0])) },
                        code: { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: part[$0])) })
        }
        if let (inner, rest) = strongPrefix(cell) {
            append(UnsafeBufferPointer(rebasing: cell[inner]))
            append(UnsafeBufferPointer(rebasing: cell[rest]))
        } else {
            append(cell)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
