import Foundation

extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when
    /// neither end can be trimmed (most values the loader reads).
    func trimmingSpaces() -> String {
        Self.mayStartOrEndWithSpace(self) ? trimmingCharacters(in: .whitespaces) : String(self)
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, likewise.
    func trimmingSpacesAndNewlines() -> String {
        Self.mayStartOrEndWithSpace(self) ? trimmingCharacters(in: .whitespacesAndNewlines) : String(self)
    }

    /// False only when the first and the last scalar are surely neither white
    /// space nor a line break: Foundation's bridging, per value, was the
    /// largest cost of reading a front matter.
    static func mayStartOrEndWithSpace(_ text: Self) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        return first.mayBeSpace || last.mayBeSpace
    }
}

extension Unicode.Scalar {
    /// True for every scalar of `.whitespacesAndNewlines` (Zs, tab, line
    /// breaks) and a few more that Foundation is left to decide: controls,
    /// U+007F–U+00A0, U+1680, U+180E, U+2000–U+206F, U+3000 and U+FEFF.
    var mayBeSpace: Bool {
        switch value {
        case 0...0x20, 0x7F...0xA0, 0x1680, 0x180E, 0x2000...0x206F, 0x3000, 0xFEFF: true
        default: false
        }
    }
}
