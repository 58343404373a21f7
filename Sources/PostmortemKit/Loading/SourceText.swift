import Glibc

/// The decoded text of one file with an index of its lines, so that byte
/// offsets and YAML marks become `line:column` and source lines for carets.
public struct SourceText: Sendable {
    /// The path shown in diagnostics.
    public let path: String
    /// The file's text without a leading byte-order mark.
    public let text: String
    /// UTF-8 offsets of the start of every line.
    let lineStarts: [Int]

    init(path: String, text: String) {
        self.path = path
        self.text = text
        lineStarts = Self.lineStarts(of: text)
    }

    /// UTF-8 offsets of the start of every line: 0, and each offset after a `\n` (found by `memchr`).
    static func lineStarts(of text: String) -> [Int] {
        var text = text
        return text.withUTF8 { bytes -> [Int] in
            var starts = [0]
            guard let base = bytes.baseAddress else { return starts }
            var offset = 0
            while offset < bytes.count, let found = memchr(base + offset, 0x0A, bytes.count - offset) {
                offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found)) + 1
                starts.append(offset)
            }
            return starts
        }
    }

    public var lineCount: Int { lineStarts.count }

    /// The text of 1-based `line` without its line ending.
    public func line(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: lineStarts[line - 1])
        var end = line < lineStarts.count
            ? utf8.index(utf8.startIndex, offsetBy: lineStarts[line] - 1)
            : utf8.endIndex
        if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") {
            end = utf8.index(before: end)
        }
        return String(Substring(utf8[start..<end]))
    }

    /// The column in Unicode scalars of a 1-based byte column (cmark's) on `line`.
    public func scalarColumn(line: Int, byteColumn: Int) -> Int {
        let bytes = self.line(line).utf8.prefix(max(0, byteColumn - 1))
        return bytes.count { $0 & 0xC0 != 0x80 } + 1
    }

    public func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: path, line: line, column: column)
    }

    /// A diagnostic at `line:column` that shows the source line with a caret.
    func diagnostic(
        _ severity: Diagnostic.Severity, _ code: DiagnosticCode, line: Int, column: Int,
        _ message: String, notes: [String] = []
    ) -> Diagnostic {
        let lineText = self.line(line)
        return Diagnostic(
            severity, code, at: location(line: line, column: column), message,
            notes: notes, sourceLine: lineText.isEmpty ? nil : lineText)
    }
}
