/// Renders diagnostics as text, the way compilers print them:
///
///     postmortems/2024-03-02-db.md:7:14: error: 'resolved_at' (…) is before 'started_at' (…)
///         resolved_at: 2024-03-02T21:00+09:00
///                      ^
///         note: …
public enum DiagnosticFormatter {
    public static func text(_ diagnostic: Diagnostic) -> String {
        text(diagnostic, colors: false)
    }

    /// With `colors`, the way clang paints a terminal: the place in bold,
    /// `error:` red, `warning:` yellow, the caret green and `note:` cyan.
    public static func text(_ diagnostic: Diagnostic, colors: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let severity = paint("\(diagnostic.severity.rawValue):", diagnostic.severity == .error ? "1;31" : "1;33")
        var out = "\(paint("\(diagnostic.location):", "1")) \(severity) \(paint(diagnostic.message, "1"))\n"
        if let line = diagnostic.sourceLine {
            let shown = String(line.unicodeScalars.prefix(maxShownScalars))
            out += "    \(shown)\n"
            out += "    \(caretPadding(for: shown, column: diagnostic.location.column))\(paint("^", "1;32"))\n"
        }
        for note in diagnostic.notes {
            out += "    \(paint("note:", "1;36")) \(note)\n"
        }
        return out
    }

    /// Colours only on a terminal, never with `NO_COLOR` set to a non-empty
    /// value (no-color.org), nor on a `dumb` terminal.
    public static func usesColors(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    /// One line: `N errors, N warnings`, in words that read well for 0 and 1.
    public static func counts(errors: Int, warnings: Int) -> String {
        "\(plural(errors, "error")), \(plural(warnings, "warning"))"
    }

    public static func plural(_ count: Int, _ noun: String, plural: String? = nil) -> String {
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
