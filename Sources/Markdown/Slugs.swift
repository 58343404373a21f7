import Foundation

/// Heading ids: readable in any script (`## 根本原因` → `根本原因`,
/// `## Root Cause(s)` → `root-causes`), unique within a page.
public struct SlugSet: Sendable {
    private var used: Set<String>
    /// The next counter to try for each base slug, so a page with thousands
    /// of equal headings takes linear time, not quadratic.
    private var nextCounter: [String: Int] = [:]

    /// `reserved` are ids the page already uses (the theme's own).
    public init(reserved: Set<String> = []) {
        used = reserved
    }

    /// The slug of `text`, made unique with `-1`, `-2`… when taken.
    public mutating func unique(for text: String) -> String {
        let base = Self.slug(text)
        var candidate = base
        var counter = nextCounter[base] ?? 1
        while used.contains(candidate) {
            candidate = "\(base)-\(counter)"
            counter += 1
        }
        if candidate != base { nextCounter[base] = counter }
        used.insert(candidate)
        return candidate
    }

    /// Lower-cased, letters and digits of every script kept, white space as
    /// `-`, other punctuation dropped (GitHub's way), `section` when nothing is left.
    public static func slug(_ text: String) -> String {
        var slug: [UInt8] = []
        slug.reserveCapacity(text.utf8.count)
        var pendingDash = false
        func keep(_ append: () -> Void) {
            if pendingDash, !slug.isEmpty { slug.append(UInt8(ascii: "-")) }
            pendingDash = false
            append()
        }
        /// ASCII letters, digits and `_` kept, `-` and white space a dash.
        func add(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                keep { slug.append(byte) }
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                keep { slug.append(byte + 0x20) }
            case UInt8(ascii: "-"), 0x20, 0x09...0x0D:
                pendingDash = true
            default:
                break
            }
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII, most headings: a pass over the bytes.
            for byte in text.utf8 { add(byte) }
        } else {
            // Other text is composed first (NFC), then read scalar by scalar.
            for scalar in (Self.isComposed(text) ? text : text.precomposedStringWithCanonicalMapping).unicodeScalars {
                if scalar.isASCII {
                    add(UInt8(scalar.value))
                    continue
                }
                let properties = scalar.properties
                if properties.isAlphabetic || properties.numericType != nil
                    || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark {
                    keep {
                        if properties.changesWhenLowercased {
                            for lower in properties.lowercaseMapping.unicodeScalars { UTF8.encode(lower) { slug.append($0) } }
                        } else {
                            UTF8.encode(scalar) { slug.append($0) }
                        }
                    }
                } else if properties.isWhitespace {
                    pendingDash = true
                }
            }
        }
        return slug.isEmpty ? "section" : String(decoding: slug, as: UTF8.self)
    }

    /// Whether composing `text` (NFC) leaves it as it is, told without
    /// Foundation: every scalar is a starter that is its own composition and
    /// composes with nothing after it, from the blocks headings are written
    /// in (ASCII, Latin-1, punctuation, kana, CJK ideographs, Hangul
    /// syllables, full-width ASCII). Japanese headings, most of the non-ASCII
    /// ones, are then not normalised again. Combining marks, the combining
    /// kana voicing marks (U+3099, U+309A) and anything else say no.
    static func isComposed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x00...0xFF, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029, 0x3030...0x303F,
                 0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFF01...0xFF5E:
                true
            default:
                false
            }
        }
    }
}
