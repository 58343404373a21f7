/// The UTF-8 bytes of a Markdown text with the offset of every line, so
/// cmark's source positions (1-based lines, 1-based byte columns) lead back
/// to the text a block was made from.
struct SourceLines {
    let bytes: [UInt8]
    /// Offsets of the first byte of every line.
    let starts: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        if starts.count > 1, starts.last == bytes.count { starts.removeLast() }
        self.starts = starts
    }

    var count: Int { starts.count }

    /// Line `number` (1-based) without its line ending.
    func line(_ number: Int) -> ArraySlice<UInt8> {
        guard number >= 1, number <= starts.count else { return [] }
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return bytes[start..<end]
    }
}

extension ArraySlice where Element == UInt8 {
    var string: String { String(decoding: self, as: UTF8.self) }
}
