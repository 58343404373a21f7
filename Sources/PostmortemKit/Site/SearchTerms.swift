import Foundation
import Markdown

/// How the search index cuts text into terms; `assets/search.js` cuts a
/// query the same way. Text is folded (NFKC, lower case), then split into
/// runs of letters and digits: a run of kana and kanji gives every
/// character and every pair of neighbours (so `接続プール` is found inside
/// `DB接続プールが枯渇` without spaces), any other run is one word (a query
/// word of three or more characters matches the words it begins, a shorter
/// one the same word).
enum SearchTerms {
    enum Kind { case word, cjk }

    static func fold(_ text: String) -> String {
        // Only the runs of text NFKC may change are normalised (`CompatibilityFolding`).
        CompatibilityFolding.folded(text, lowercase: true)
    }

    /// Kana, kanji (with their extensions and compatibility forms) and the long-vowel mark.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: true
        default: false
        }
    }

    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.generalCategory == .decimalNumber
            || scalar.properties.generalCategory == .letterNumber || scalar.properties.generalCategory == .otherNumber
    }

    /// Every term of already folded text, in order, with repeats; words past 40 characters are cut.
    static func terms(folded text: String) -> [String] {
        var terms: [String] = []
        forEachTerm(folded: text) { terms.append($0) }
        return terms
    }

    /// Calls `body` with each term of already folded text, in order, with repeats.
    static func forEachTerm(folded text: String, _ body: (String) -> Void) {
        var word = String.UnicodeScalarView()
        var length = 0
        var previous: Unicode.Scalar?
        func endWord() {
            if !word.isEmpty { body(String(word)) }
            word = String.UnicodeScalarView()
            length = 0
        }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                // ASCII without Unicode property lookups.
                previous = nil
                let v = scalar.value
                if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) {
                    if length < 40 { word.append(scalar); length += 1 }
                } else { endWord() }
            } else if isCJK(scalar) {
                endWord()
                body(String(scalar))
                if let previous { body(String(previous) + String(scalar)) }
                previous = scalar
            } else {
                previous = nil
                if isWordCharacter(scalar) {
                    if length < 40 { word.append(scalar); length += 1 }
                } else { endWord() }
            }
        }
        endWord()
    }

    /// `forEachTerm(folded:)` on the UTF-8 of folded text: each term is a
    /// slice of `text` (a word's first 40 characters, a kana or kanji, or two
    /// neighbouring ones), handed over without making a `String`.
    static func forEachTerm(foldedUTF8 text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var wordStart = -1, wordEnd = 0, length = 0
        var previous = -1  // where the kana or kanji just before starts
        func endWord() {
            if wordStart >= 0 { body(UnsafeBufferPointer(rebasing: text[wordStart..<wordEnd])) }
            wordStart = -1
            length = 0
        }
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte < 0x80 {
                // ASCII without Unicode property lookups.
                previous = -1
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) {
                    if wordStart < 0 { wordStart = index }
                    if length < 40 { wordEnd = index + 1; length += 1 }
                } else { endWord() }
                index += 1
                continue
            }
            let (scalar, size) = CompatibilityFolding.decode(text, at: index)
            if isCJK(scalar) {
                endWord()
                body(UnsafeBufferPointer(rebasing: text[index..<index + size]))
                if previous >= 0 { body(UnsafeBufferPointer(rebasing: text[previous..<index + size])) }
                previous = index
            } else {
                previous = -1
                if ScalarFlags.of(scalar).contains(.wordCharacter) {
                    if wordStart < 0 { wordStart = index }
                    if length < 40 { wordEnd = index + size; length += 1 }
                } else { endWord() }
            }
            index += size
        }
        endWord()
    }

    /// The shard of a term given as UTF-8: the same as `shard(of:count:)`.
    static func shard(ofUTF8 term: UnsafeBufferPointer<UInt8>, count: Int) -> Int {
        var hash: UInt32 = 2_166_136_261
        var scalars = 0
        for byte in term {
            if byte & 0xC0 != 0x80 {  // a scalar's first byte
                if scalars == 3 { break }
                scalars += 1
            }
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % UInt32(count))
    }

    /// The shard a term lives in: FNV-1a of the UTF-8 of its first three
    /// characters (Unicode scalars), so every word a prefix of three or more
    /// characters begins is in one shard.
    static func shard(of term: String, count: Int) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in String(term.unicodeScalars.prefix(3)).utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % UInt32(count))
    }
}
