import Foundation

extension RenderedBody {
    /// A plain-text description for lists, search and feeds: the first
    /// paragraph of the Summary section, else the first paragraph that says
    /// something (a line of links or a label is passed over), cut at a
    /// sentence or word near `limit` characters.
    public func summary(limit: Int = 240) -> String {
        let candidates = [section(.summary)?.firstParagraph].compactMap { $0 }
            + textBlocks.lazy.filter { $0.kind == .paragraph }.map { PlainText.join($0.text) }
        let chosen = candidates.first { TextMeasures.isSubstantial($0) } ?? candidates.first ?? ""
        return TextMeasures.shortened(PlainText.trimmed(chosen), limit: limit)
    }

    /// Minutes to read the body: 230 words a minute for words in Latin and
    /// other spaced scripts, 500 characters a minute for Japanese and Chinese.
    public var readingMinutes: Int {
        let counts = TextMeasures.counts(plainText)
        return max(1, Int((Double(counts.words) / 230 + Double(counts.cjk) / 500).rounded()))
    }
}

extension String {
    /// NFKC (full-width letters and digits folded, ligatures split): text
    /// of ASCII only is its own form, and only the runs of other text that
    /// NFKC may change go through Foundation (`CompatibilityFolding`).
    public var compatibilityFolded: String {
        utf8.allSatisfy { $0 < 0x80 } ? self : CompatibilityFolding.folded(self, lowercase: false)
    }
}

extension Unicode.Scalar {
    /// A letter or digit of any script (what words are made of): ASCII
    /// answered at once, the rest by Unicode's properties, which are slow.
    public var isLetterOrDigit: Bool {
        if isASCII { return TextMeasures.isLetterOrDigit(ascii: UInt8(value)) }
        return properties.isAlphabetic || properties.numericType != nil
    }
}

enum TextMeasures {
    /// An ASCII letter or digit.
    static func isLetterOrDigit(ascii byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return (byte >= 0x30 && byte <= 0x39) || (folded >= 0x61 && folded <= 0x7A)
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Words of spaced scripts, and CJK characters (each read like a short word).
    static func counts(_ text: String) -> (words: Int, cjk: Int) {
        var words = 0, cjk = 0
        var inWord = false
        var text = text
        text.withUTF8 { bytes in
            // ASCII, most of an English text, as bytes; other scalars decoded one by one.
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                let isLetterOrDigit: Bool
                if lead < 0x80 {
                    isLetterOrDigit = Self.isLetterOrDigit(ascii: lead)
                    index += 1
                } else {
                    let scalar = UTF8Scalars.first(in: bytes, at: index) ?? "\u{FFFD}"
                    index += UTF8Scalars.length(lead: lead)
                    if isCJK(scalar) {
                        cjk += 1
                        inWord = false
                        continue
                    }
                    isLetterOrDigit = scalar.isLetterOrDigit
                }
                if isLetterOrDigit {
                    if !inWord { words += 1 }
                    inWord = true
                } else {
                    inWord = false
                }
            }
        }
        return (words, cjk)
    }

    /// Says something: 60 characters of text, or 25 in Japanese, beyond its links and labels.
    static func isSubstantial(_ text: String) -> Bool {
        let (words, cjk) = counts(text)
        return cjk >= 25 || words >= 10
    }

    /// Cut at the last sentence end, else word break, before `limit`, with "…".
    static func shortened(_ text: String, limit: Int) -> String {
        // The text on one line (each run of line breaks a space, none at
        // either end), only as far as the cut can reach: `limit + 1`
        // characters, not the whole paragraph.
        var characters: [Character] = []
        characters.reserveCapacity(limit + 1)
        var pendingSpace = false
        for character in text {
            if character.isNewline {
                pendingSpace = !characters.isEmpty
                continue
            }
            if pendingSpace { characters.append(" ") }
            pendingSpace = false
            guard characters.count <= limit else { break }
            characters.append(character)
            if characters.count > limit { break }
        }
        guard characters.count > limit else { return String(characters) }
        // A sentence ends at 。！？ or at . ! ? before white space ("v2.36." and ".NET" go on).
        var sentenceEnd: Int?
        var space: Int?
        for index in 0..<limit {
            let character = characters[index]
            if "。！？".contains(character) {
                sentenceEnd = index
            } else if ".!?".contains(character), index + 1 < characters.count, characters[index + 1].isWhitespace {
                sentenceEnd = index
            } else if character == " " {
                space = index
            }
        }
        if let end = sentenceEnd, end > limit / 2 { return String(characters[...end]) }
        if let space, space > limit / 2 { return String(characters[..<space]) + "…" }
        return String(characters[..<limit]) + "…"
    }
}
