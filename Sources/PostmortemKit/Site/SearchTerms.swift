import Foundation

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
        text.precomposedStringWithCompatibilityMapping.lowercased()
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
        var word = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        func endWord() {
            if !word.isEmpty { terms.append(String(String(word).unicodeScalars.prefix(40))) }
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                endWord()
                terms.append(String(scalar))
                if let previous { terms.append(String(previous) + String(scalar)) }
                previous = scalar
            } else {
                previous = nil
                if isWordCharacter(scalar) { word.append(scalar) } else { endWord() }
            }
        }
        endWord()
        return terms
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
