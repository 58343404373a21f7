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
        // ASCII needs no normalisation; other text is composed first (NFC).
        let source = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        var slug = String.UnicodeScalarView()
        var pendingDash = false
        for scalar in source.unicodeScalars {
            let properties = scalar.properties
            let kept: Bool
            if scalar.isASCII {
                kept = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            } else {
                kept = properties.isAlphabetic || properties.numericType != nil
                    || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
            }
            if kept {
                if pendingDash, !slug.isEmpty { slug.append("-") }
                pendingDash = false
                if scalar.isASCII {
                    slug.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
                } else if properties.changesWhenLowercased {
                    for lower in properties.lowercaseMapping.unicodeScalars { slug.append(lower) }
                } else {
                    slug.append(scalar)
                }
            } else if scalar == "-" || properties.isWhitespace {
                pendingDash = true
            }
        }
        return slug.isEmpty ? "section" : String(slug)
    }
}
