import Foundation
import Ccmark

/// The text a reader sees in a node, markup dropped. Hot in rendering, so it
/// stays clear of Foundation's string bridging.
enum PlainText {
    /// Text and code literals below `node`; each line break is `\n`.
    static func lines(_ node: OpaquePointer) -> String {
        var bytes: [UInt8] = []
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch child.type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) {
                    literal.withMemoryRebound(to: UInt8.self, capacity: 1) { pointer in
                        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: strlen(literal)))
                    }
                }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                bytes.append(0x0A)
            default:
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text on one line: a line break between Japanese or Chinese
    /// characters joins them; elsewhere it is a space.
    static func of(_ node: OpaquePointer) -> String {
        join(lines(node))
    }

    static func join(_ text: String) -> String {
        var text = text
        return text.withUTF8 { input -> String? in
            // One line, most paragraphs: the text as it is, not a copy.
            guard let base = input.baseAddress, memchr(base, 0x0A, input.count) != nil else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(input.count)
            // Line by line (memchr), each copied whole; only the scalars on
            // either side of a break are decoded.
            var start = 0
            while start < input.count, let found = memchr(base + start, 0x0A, input.count - start) {
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<end]))
                start = end + 1
                let previous = UTF8Scalars.last(in: output)
                let next = UTF8Scalars.first(in: input, at: start)
                if let previous, let next, isCJKLike(previous) && isCJKLike(next) { continue }
                output.append(0x20)
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start...]))
            return String(decoding: output, as: UTF8.self)
        } ?? text
    }

    static func isCJKLike(_ scalar: Unicode.Scalar) -> Bool {
        TextMeasures.isCJK(scalar) || (0x3000...0x303F).contains(scalar.value) || (0xFF00...0xFF65).contains(scalar.value)
    }

    /// `text` without white space (ASCII white space and the ideographic
    /// space U+3000) at either end.
    static func trimmed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var start = 0, end = bytes.count
            while start < end {
                if bytes[start] == 0x20 || (0x09...0x0D).contains(bytes[start]) { start += 1 }
                else if end - start >= 3, bytes[start] == 0xE3, bytes[start + 1] == 0x80, bytes[start + 2] == 0x80 { start += 3 }
                else { break }
            }
            while end > start {
                if bytes[end - 1] == 0x20 || (0x09...0x0D).contains(bytes[end - 1]) { end -= 1 }
                else if end - start >= 3, bytes[end - 3] == 0xE3, bytes[end - 2] == 0x80, bytes[end - 1] == 0x80 { end -= 3 }
                else { break }
            }
            // Nothing to trim: the text as it is, not a copy.
            guard start > 0 || end < bytes.count else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        } ?? text
    }
}

/// Decoding a single scalar at either end of UTF-8 bytes.
enum UTF8Scalars {
    /// How many bytes the scalar that `lead` begins takes.
    static func length(lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    static func first(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Unicode.Scalar? {
        guard index < bytes.count else { return nil }
        let lead = bytes[index]
        let length = length(lead: lead)
        guard index + length <= bytes.count else { return nil }
        var value = UInt32(lead) & [0x7F, 0x1F, 0x0F, 0x07][length - 1]
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return Unicode.Scalar(value)
    }

    static func last(in bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard !bytes.isEmpty else { return nil }
        var start = bytes.count - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return first(in: bytes, at: start)
    }

    static func last(in bytes: [UInt8]) -> Unicode.Scalar? {
        var start = bytes.count - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0 else { return nil }
        return bytes.withUnsafeBufferPointer { first(in: $0, at: start) }
    }
}
