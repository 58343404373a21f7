import Foundation

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
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, 0x0A, buffer.count - offset) {
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(offset)
            }
        }
        if starts.count > 1, starts.last == bytes.count { starts.removeLast() }
        self.starts = starts
    }

    var count: Int { starts.count }

    /// Whether the text holds `byte` (memchr, not a loop of Swift calls).
    func contains(_ byte: UInt8) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, Int32(byte), buffer.count) != nil
        }
    }

    /// Whether a line of `numbers` (1-based) may be a table's delimiter
    /// row: after block quote markers and spaces, only `|`, `:`, `-`, spaces
    /// and tabs, with a `-`. One cheap pass, on the bytes in place, tells
    /// the table layer which blocks to look at.
    func hasDelimiterRow(in numbers: ClosedRange<Int>) -> Bool {
        let starts = starts
        return bytes.withUnsafeBufferPointer { buffer in
            for number in numbers where number >= 1 && number <= starts.count {
                let start = starts[number - 1]
                var end = number < starts.count ? starts[number] : buffer.count
                if end > start, buffer[end - 1] == UInt8(ascii: "\n") { end -= 1 }
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                var index = start
                while index < end, buffer[index] == 0x20 || buffer[index] == 0x09 || buffer[index] == UInt8(ascii: ">") {
                    index += 1
                }
                var dash = false
                var other = false
                while index < end {
                    switch buffer[index] {
                    case UInt8(ascii: "-"): dash = true
                    case UInt8(ascii: "|"), UInt8(ascii: ":"), 0x20, 0x09: break
                    default: other = true
                    }
                    if other { break }
                    index += 1
                }
                if dash, !other { return true }
            }
            return false
        }
    }

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
