import Glibc

extension String {
    /// The text with every occurrence of `target` replaced by `replacement`,
    /// matched byte by byte in UTF-8 (`memchr`, `memcmp`), left to right without
    /// overlaps. The theme's label placeholders (`{value}`, `{page}`…) and
    /// markup markers are ASCII, so this is what Foundation's
    /// `replacingOccurrences(of:with:)` gives them, without bridging the
    /// text to `NSString` on every page. A text without `target` is returned
    /// as it is, uncopied.
    func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var text = self, target = target
        return text.withUTF8 { bytes in
            target.withUTF8 { needle -> String? in
                guard let base = bytes.baseAddress, let needleBase = needle.baseAddress else { return nil }
                var out: [UInt8] = []
                var start = 0
                while let offset = Self.find(needleBase, needle.count, in: base, bytes.count, from: start) {
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

    /// The offset of the first `needle` in `haystack` at or after `start`.
    private static func find(_ needle: UnsafePointer<UInt8>, _ needleCount: Int,
                             in haystack: UnsafePointer<UInt8>, _ count: Int, from start: Int) -> Int? {
        var start = start
        while count - start >= needleCount {
            guard let hit = memchr(haystack + start, Int32(needle[0]), count - start - needleCount + 1) else { return nil }
            let offset = haystack.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(haystack + offset, needle, needleCount) == 0 { return offset }
            start = offset + 1
        }
        return nil
    }
}
