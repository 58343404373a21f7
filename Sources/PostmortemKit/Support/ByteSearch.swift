import Glibc

/// Finding bytes in bytes: `memchr` for the needle's first byte, `memcmp`
/// for the rest. The one search of the loader's phrases, the packing of a
/// body's section texts and the site's placeholder replacement.
enum ByteSearch {
    /// The offset of the first `needle` in `haystack[start..<end]` (`end`:
    /// the haystack's end when nil); an empty needle is found at `start`, a
    /// range outside the haystack holds nothing.
    static func firstOffset(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>,
                            from start: Int = 0, to end: Int? = nil) -> Int? {
        let end = end ?? haystack.count
        guard !needle.isEmpty else { return start }
        guard start >= 0, end <= haystack.count, let base = haystack.baseAddress, let pin = needle.baseAddress else { return nil }
        var at = start
        while end - at >= needle.count {
            guard let hit = memchr(base + at, Int32(pin[0]), end - at - needle.count + 1) else { return nil }
            at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + at, pin, needle.count) == 0 { return at }
            at += 1
        }
        return nil
    }

    static func firstOffset(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0, to end: Int? = nil) -> Int? {
        needle.withUnsafeBufferPointer { pin in
            haystack.withUnsafeBufferPointer { firstOffset(of: pin, in: $0, from: start, to: end) }
        }
    }
}

extension String {
    /// The text with every occurrence of `target` replaced by `replacement`,
    /// matched byte by byte in UTF-8, left to right without overlaps. The
    /// theme's label placeholders (`{value}`, `{page}`…) and markup markers
    /// are ASCII, so this is what Foundation's
    /// `replacingOccurrences(of:with:)` gives them, without bridging the
    /// text to `NSString` on every page. A text without `target` is returned
    /// as it is, uncopied.
    func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var text = self, target = target
        return text.withUTF8 { bytes in
            target.withUTF8 { needle -> String? in
                var out: [UInt8] = []
                var start = 0
                while let offset = ByteSearch.firstOffset(of: needle, in: bytes, from: start) {
                    if out.isEmpty { out.reserveCapacity(bytes.count + replacement.utf8.count) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<offset]))
                    out.append(contentsOf: replacement.utf8)
                    start = offset + needle.count
                }
                guard start > 0 else { return nil }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
                return String(decoding: out, as: UTF8.self)
            }
        } ?? text
    }
}
