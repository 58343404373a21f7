/// Whether a line starts a block other than a paragraph, as the CommonMark
/// block parser decides it; used to end a table where cmark-gfm ends it.
enum BlockStarts {
    static func startsBlock(_ line: ContentLine) -> Bool {
        if line.indent >= 4 { return true }  // indented code
        // Read in place: a table's every row comes here.
        return line.content.withUnsafeBufferPointer { startsBlock($0) }
    }

    static func startsBlock(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first else { return false }
        switch first {
        case UInt8(ascii: ">"):
            return true
        case UInt8(ascii: "#"):
            let hashes = text.prefix { $0 == UInt8(ascii: "#") }.count
            return hashes <= 6 && (hashes == text.count || text[hashes] == 0x20 || text[hashes] == 0x09)
        case UInt8(ascii: "`"), UInt8(ascii: "~"):
            return text.prefix { $0 == first }.count >= 3
        case UInt8(ascii: "<"):
            return startsHTMLBlock(Array(text))
        default:
            return isThematicBreak(text) || startsListItem(text)
        }
    }

    static func isThematicBreak(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let marker = text.first, marker == UInt8(ascii: "-") || marker == UInt8(ascii: "*") || marker == UInt8(ascii: "_")
        else { return false }
        var count = 0
        for byte in text {
            if byte == marker { count += 1 } else if byte != 0x20 && byte != 0x09 { return false }
        }
        return count >= 3
    }

    static func startsListItem(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        func endsMarker(_ index: Int) -> Bool {
            index == text.count || text[index] == 0x20 || text[index] == 0x09
        }
        if let first = text.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: "*") {
            return endsMarker(1)
        }
        let digits = text.prefix { (48...57).contains($0) }.count
        guard (1...9).contains(digits), digits < text.count,
              text[digits] == UInt8(ascii: ".") || text[digits] == UInt8(ascii: ")") else { return false }
        return endsMarker(digits + 1)
    }

    static let blockTagNames: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center",
        "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "header", "hr", "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav",
        "noframes", "ol", "optgroup", "option", "p", "param", "section", "source", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
    ]

    /// HTML block start conditions 1 to 7 of the CommonMark spec.
    static func startsHTMLBlock(_ text: [UInt8]) -> Bool {
        let lower = String(decoding: text, as: UTF8.self).lowercased()
        if lower.hasPrefix("<!--") || lower.hasPrefix("<?") || lower.hasPrefix("<![cdata[") { return true }
        if text.count > 2, text[1] == UInt8(ascii: "!"), (65...90).contains(text[2]) || (97...122).contains(text[2]) {
            return true
        }
        let afterBracket = lower.dropFirst()
        for name in ["script", "pre", "style", "textarea"] where afterBracket.hasPrefix(name) {
            let rest = afterBracket.dropFirst(name.count)
            if rest.isEmpty || rest.first == " " || rest.first == "\t" || rest.first == ">" { return true }
        }
        let closing = afterBracket.hasPrefix("/")
        let nameStart = closing ? afterBracket.dropFirst() : afterBracket
        let name = nameStart.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        if blockTagNames.contains(String(name)) {
            let rest = nameStart.dropFirst(name.count)
            if rest.isEmpty || rest.first == " " || rest.first == "\t" || rest.first == ">" || rest.hasPrefix("/>") {
                return true
            }
        }
        return isCompleteTagLine(Array(text), closing: closing)
    }

    /// Condition 7: a complete open or closing tag, then only white space.
    static func isCompleteTagLine(_ text: [UInt8], closing: Bool) -> Bool {
        var index = closing ? 2 : 1
        func isAlpha(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
        func isNameByte(_ byte: UInt8) -> Bool { isAlpha(byte) || (48...57).contains(byte) || byte == UInt8(ascii: "-") }
        func skipSpace() -> Bool {
            let start = index
            while index < text.count, text[index] == 0x20 || text[index] == 0x09 { index += 1 }
            return index > start
        }
        guard index < text.count, isAlpha(text[index]) else { return false }
        while index < text.count, isNameByte(text[index]) { index += 1 }
        if closing {
            _ = skipSpace()
        } else {
            while true {
                let hadSpace = skipSpace()
                guard index < text.count else { return false }
                let byte = text[index]
                if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
                guard hadSpace, isAlpha(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") else { return false }
                while index < text.count, isNameByte(text[index]) || text[index] == UInt8(ascii: "_")
                        || text[index] == UInt8(ascii: ":") || text[index] == UInt8(ascii: ".") { index += 1 }
                let beforeValue = index
                _ = skipSpace()
                if index < text.count, text[index] == UInt8(ascii: "=") {
                    index += 1
                    _ = skipSpace()
                    guard index < text.count else { return false }
                    let quote = text[index]
                    if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                        index += 1
                        while index < text.count, text[index] != quote { index += 1 }
                        guard index < text.count else { return false }
                        index += 1
                    } else {
                        let start = index
                        while index < text.count, !" \t\"'=<>`".utf8.contains(text[index]) { index += 1 }
                        guard index > start else { return false }
                    }
                } else {
                    index = beforeValue
                }
            }
            if index < text.count, text[index] == UInt8(ascii: "/") { index += 1 }
        }
        guard index < text.count, text[index] == UInt8(ascii: ">") else { return false }
        index += 1
        return text[index...].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
