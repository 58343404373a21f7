import Foundation

/// Heading ids: readable in any script (`## 根本原因` → `根本原因`,
/// `## Root Cause(s)` → `root-causes`), unique within a page.
public struct SlugSet: Sendable {
    private var used: Set<String>

    /// `reserved` are ids the page already uses (the theme's own).
    public init(reserved: Set<String> = []) {
        used = reserved
    }

    /// The slug of `text`, made unique with `-1`, `-2`… when taken.
    public mutating func unique(for text: String) -> String {
        let base = Self.slug(text)
        var candidate = base
        var counter = 1
        while used.contains(candidate) {
            candidate = "\(base)-\(counter)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// Lower-cased, letters and digits of every script kept, white space as
    /// `-`, other punctuation dropped (GitHub's way), `section` when nothing is left.
    public static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.precomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || scalar == "_"
                || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark {
                slug.unicodeScalars.append(scalar)
            } else if scalar == "-" || properties.isWhitespace {
                slug.unicodeScalars.append("-")
            }
        }
        // Runs of `-` from "a - b" become one; none at either end.
        while slug.contains("--") { slug = slug.replacingOccurrences(of: "--", with: "-") }
        slug = String(slug.drop { $0 == "-" }.reversed().drop { $0 == "-" }.reversed())
        return slug.isEmpty ? "section" : slug
    }
}
