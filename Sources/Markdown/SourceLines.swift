import Foundation

/// The UTF-8 bytes of a Markdown text with the offset of every line, so
/// cmark's source positions (1-based lines, 1-based byte columns) lead back
/// to the text a block was made from.
struct SourceLines {
    let bytes: [UInt8]
    /// Offsets of the first byte of every line.
    let starts: [Int]

    /// The lines the extension layer may look at, when asked for: found in
    /// the pass that finds the lines, while their bytes are in the cache.
    let marks: LineMarks?

    init(_ text: String, marks scan: Bool = false) {
        self.init(utf8: Array(text.utf8), marks: scan)
    }

    init(utf8 bytes: [UInt8], marks scan: Bool = false) {
        self.bytes = bytes
        var starts = [0]
        // Not an optional mutated in the loop: that copies the lists a line.
        var marks = LineMarks()
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, 0x0A, buffer.count - offset) {
                let next = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                if scan { marks.classify(buffer, start: offset, end: next, number: starts.count) }
                offset = next
                starts.append(offset)
            }
            if scan, offset < buffer.count { marks.classify(buffer, start: offset, end: buffer.count, number: starts.count) }
        }
        if starts.count > 1, starts.last == bytes.count { starts.removeLast() }
        self.starts = starts
        self.marks = scan ? marks : nil
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
    /// row (see `LineMarks.isDelimiterShaped`): a look in the marks when
    /// the lines were classified, else a pass over those lines.
    func hasDelimiterRow(in numbers: ClosedRange<Int>) -> Bool {
        if let marks { return LineMarks.containsLine(in: numbers, marks.delimiterLines) }
        let starts = starts
        return bytes.withUnsafeBufferPointer { buffer in
            for number in numbers where number >= 1 && number <= starts.count {
                let start = starts[number - 1]
                let end = number < starts.count ? starts[number] : buffer.count
                if LineMarks.isDelimiterShaped(buffer, start: start, end: end) { return true }
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

/// The lines of a text that the extension layer may change, found in one
/// pass over its bytes, each list sorted: the layer then visits only the
/// blocks that hold one of them, not every block of the tree.
struct LineMarks {
    /// Lines that may be a table's delimiter row.
    var delimiterLines: [Int] = []
    /// Lines whose first byte after block quote markers and white space is
    /// `[`: those that may define a link reference.
    var labelLines: [Int] = []
    /// Lines whose first byte after container markers of any kind (block
    /// quotes, list bullets and numbers) and white space is `[`: every line
    /// where a task list item's `[ ]` may stand is one.
    var bracketLines: [Int] = []

    init() {}

    /// The marks of the lines of `source`, in a pass of their own.
    init(of source: SourceLines) {
        source.bytes.withUnsafeBufferPointer { buffer in
            for (index, start) in source.starts.enumerated() {
                let end = index + 1 < source.starts.count ? source.starts[index + 1] : buffer.count
                classify(buffer, start: start, end: end, number: index + 1)
            }
        }
    }

    /// Files line `number` (1-based), the bytes `start..<end` (its line ending
    /// included), under the lists it belongs to.
    @inline(__always)
    mutating func classify(_ buffer: UnsafeBufferPointer<UInt8>, start: Int, end: Int, number: Int) {
        var index = start
        while index < end, buffer[index] == 0x20 || buffer[index] == 0x09 || buffer[index] == UInt8(ascii: ">") {
            index += 1
        }
        guard index < end else { return }
        switch buffer[index] {
        case UInt8(ascii: "["):
            labelLines.append(number)
            bracketLines.append(number)
        case UInt8(ascii: "-"), UInt8(ascii: "|"), UInt8(ascii: ":"):
            if Self.isDelimiterShaped(buffer, start: index, end: end) { delimiterLines.append(number) }
            fallthrough
        case UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // A list item's marker (or what may be one) before a `[`.
            while index < end, Self.isContainerByte(buffer[index]) { index += 1 }
            if index < end, buffer[index] == UInt8(ascii: "[") { bracketLines.append(number) }
        default:
            break
        }
    }

    /// Bytes that may stand before a block's text on its first line: white
    /// space, block quote markers, list bullets and numbers.
    static func isContainerByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, UInt8(ascii: ">"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "*"),
             UInt8(ascii: "."), UInt8(ascii: ")"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    /// Whether the line `start..<end` may be a table's delimiter row: after
    /// block quote markers and spaces, only `|`, `:`, `-`, spaces and tabs,
    /// with a `-`. The line ending is not part of it.
    static func isDelimiterShaped(_ buffer: UnsafeBufferPointer<UInt8>, start: Int, end lineEnd: Int) -> Bool {
        var end = lineEnd
        if end > start, buffer[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        var index = start
        while index < end, buffer[index] == 0x20 || buffer[index] == 0x09 || buffer[index] == UInt8(ascii: ">") {
            index += 1
        }
        var dash = false
        while index < end {
            switch buffer[index] {
            case UInt8(ascii: "-"): dash = true
            case UInt8(ascii: "|"), UInt8(ascii: ":"), 0x20, 0x09: break
            default: return false
            }
            index += 1
        }
        return dash
    }

    /// Whether sorted `lines` hold a line of `range` (a binary search).
    static func containsLine(in range: ClosedRange<Int>, _ lines: [Int]) -> Bool {
        var low = 0, high = lines.count
        while low < high {
            let middle = (low + high) / 2
            if lines[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        return low < lines.count && lines[low] <= range.upperBound
    }
}

extension ArraySlice where Element == UInt8 {
    var string: String { String(decoding: self, as: UTF8.self) }
}
