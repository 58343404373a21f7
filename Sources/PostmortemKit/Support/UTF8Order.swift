import Glibc

extension String {
    /// Whether this string sorts before `other` byte by byte in UTF-8, which
    /// is the order of code points: the same on every machine and locale and
    /// total (unlike `<`, which takes canonically equivalent strings as
    /// equal). Paths, ids and keys are sorted this way wherever the order
    /// reaches a file, so the site is byte-for-byte deterministic.
    func utf8Precedes(_ other: String) -> Bool {
        // Native strings are contiguous: one memcmp instead of a walk through two views.
        let fast = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right -> Bool in
                let common = Swift.min(left.count, right.count)
                if common > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
        if let fast, let result = fast { return result }
        return utf8.lexicographicallyPrecedes(other.utf8)
    }
}

extension Sequence<String> {
    /// The strings in UTF-8 byte order (`String.utf8Precedes`).
    func sortedByUTF8() -> [String] { sorted { $0.utf8Precedes($1) } }
}
