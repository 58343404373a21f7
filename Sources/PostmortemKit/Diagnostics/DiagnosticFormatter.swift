/// Renders diagnostics as text, the way compilers print them:
///
///     postmortems/2024-03-02-db.md:7:14: error: 'resolved_at' (…) is before 'started_at' (…)
///         resolved_at: 2024-03-02T21:00+09:00
///                      ^
///         note: …
public enum DiagnosticFormatter {
    public static func text(_ diagnostic: Diagnostic) -> String {
        var out = "\(diagnostic.location): \(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        if let line = diagnostic.sourceLine {
            let shown = String(line.unicodeScalars.prefix(maxShownScalars))
            out += "    \(shown)\n"
            out += "    \(caretPadding(for: shown, column: diagnostic.location.column))^\n"
        }
        for note in diagnostic.notes {
            out += "    note: \(note)\n"
        }
        return out
    }

    /// One line: `N errors, N warnings`, in words that read well for 0 and 1.
    public static func counts(errors: Int, warnings: Int) -> String {
        "\(plural(errors, "error")), \(plural(warnings, "warning"))"
    }

    static func plural(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }

    static let maxShownScalars = 200

    /// Spaces (and the line's own tabs) that put a caret under `column`,
    /// counting East Asian wide characters as two cells.
    static func caretPadding(for line: String, column: Int) -> String {
        var padding = ""
        for scalar in line.unicodeScalars.prefix(max(0, column - 1)) {
            if scalar == "\t" {
                padding.append("\t")
            } else {
                padding += String(repeating: " ", count: DisplayWidth.cells(scalar))
            }
        }
        return padding
    }
}

/// Terminal cell widths, enough to place a caret under Japanese text.
enum DisplayWidth {
    static func cells(_ scalar: Unicode.Scalar) -> Int {
        let properties = scalar.properties
        if properties.generalCategory == .nonspacingMark
            || properties.generalCategory == .enclosingMark
            || properties.generalCategory == .format {
            return 0
        }
        return isWide(scalar.value) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth ranges (UAX #11), the common blocks.
    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
