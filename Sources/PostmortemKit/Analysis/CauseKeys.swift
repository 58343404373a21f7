/// Cause keys that look like one cause written two ways: the check that
/// makes `check` say "did you mean the key you used before?" across files.
enum CauseKeyProximity {
    /// The words of a key (`db-connection-pool` → db, connection, pool); a
    /// word in a script without spaces (Japanese) gives its character pairs.
    static func tokens(_ key: String) -> Set<String> {
        var tokens: Set<String> = []
        for word in key.split(separator: "-") {
            let characters = Array(word)
            if characters.count >= 3, characters.contains(where: { !$0.isASCII }) {
                for index in 0..<(characters.count - 1) { tokens.insert(String(characters[index...index + 1])) }
            } else {
                tokens.insert(String(word))
            }
        }
        return tokens
    }

    /// Whether `a` and `b` are suspiciously close: a typo apart (edit
    /// distance 1 for short keys, 2 from 8 characters), or most of their
    /// words shared (at least two, and 60 % of all).
    static func areClose(_ a: String, _ b: String, tokens ta: Set<String>, _ tb: Set<String>) -> Bool {
        areClose(a, b, characters: Array(a), Array(b), tokens: ta, tb)
    }

    /// `areClose` with the keys' characters already made; `mayShareTokens`
    /// false when the caller knows they share no word, and `buckets` (see
    /// `bucketCounts`) when it has them.
    static func areClose(_ a: String, _ b: String, characters ca: [Character], _ cb: [Character],
                         tokens ta: Set<String>, _ tb: Set<String>, mayShareTokens: Bool = true,
                         buckets: ([UInt8], [UInt8])? = nil) -> Bool {
        guard a != b else { return false }
        // Counted without making the intersection and union sets: this runs for many pairs of keys.
        let shared = !mayShareTokens ? 0 : ta.count <= tb.count ? ta.count { tb.contains($0) } : tb.count { ta.contains($0) }
        if shared >= 2, Double(shared) / Double(ta.count + tb.count - shared) >= 0.6 { return true }
        let length = min(ca.count, cb.count)
        let allowed = allowedEdits(length)
        // Keys further apart in length, or in what characters they hold, than the distance allowed are never that close.
        guard allowed > 0, abs(ca.count - cb.count) <= allowed else { return false }
        if let (x, y) = buckets, bucketDistance(x, y) > allowed { return false }
        return Suggestion.editDistance(ca, cb, limit: allowed) <= allowed
    }

    /// How many characters of a key fall into each of 64 buckets (by their first scalar).
    static func bucketCounts(_ characters: [Character]) -> [UInt8] {
        var counts = [UInt8](repeating: 0, count: 64)
        for character in characters {
            let bucket = Int((character.unicodeScalars.first?.value ?? 0) & 63)
            if counts[bucket] < .max { counts[bucket] += 1 }
        }
        return counts
    }

    /// A lower bound of the edit distance of two keys from their bucket
    /// counts: one edit changes the counts by 2 at most (a character out of
    /// one bucket, one into another), so it is half their difference, up.
    /// (A count stops at 255: the bound is then lower than it could be, never higher.)
    static func bucketDistance(_ x: [UInt8], _ y: [UInt8]) -> Int {
        var difference = 0
        for index in 0..<64 { difference += abs(Int(x[index]) - Int(y[index])) }
        return (difference + 1) / 2
    }

    /// For each key after the first use of a close one: the earlier key.
    /// `keys` are in order of first use.
    static func closeToEarlier(_ keys: [String]) -> [String: String] {
        var result: [String: String] = [:]
        var byToken: [String: [Int]] = [:]
        // Earlier keys by the strings left after deleting up to as many
        // characters as a typo may differ by: two keys within that edit
        // distance share one (the same deletions undo each's edits), so a
        // key meets only those (comparing it with every earlier key of a
        // similar length was quadratic: 17.7 s of a build of 100,000).
        var byVariant: [UInt64: [Int]] = [:]
        var tokenSets: [Set<String>] = []
        var characterArrays: [[Character]] = []
        var bucketArrays: [[UInt8]] = []
        for (index, key) in keys.enumerated() {
            let own = tokens(key)
            let characters = Array(key)
            let buckets = bucketCounts(characters)
            tokenSets.append(own)
            characterArrays.append(characters)
            bucketArrays.append(buckets)
            // Candidates share a word, or may be a typo apart.
            let sharing = Set(own.flatMap { byToken[$0] ?? [] })
            let variants = deletionVariants(characters, upTo: allowedEdits(characters.count))
            var candidates = sharing
            for variant in variants { candidates.formUnion(byVariant[variant] ?? []) }
            if let match = candidates.sorted().first(where: {
                areClose(keys[$0], key, characters: characterArrays[$0], characters, tokens: tokenSets[$0], own,
                         mayShareTokens: sharing.contains($0), buckets: (bucketArrays[$0], buckets))
            }) {
                result[key] = keys[match]
            }
            for token in own { byToken[token, default: []].append(index) }
            for variant in variants { byVariant[variant, default: []].append(index) }
        }
        return result
    }

    /// The edit distance up to which a key of `length` characters may be a typo of another (`areClose`).
    static func allowedEdits(_ length: Int) -> Int { length >= 8 ? 2 : (length >= 4 ? 1 : 0) }

    /// The strings made from `characters` by deleting at most `count` (0, 1 or 2) of them, itself
    /// included, as 64-bit polynomial hashes (each from the prefix and suffix hashes in constant time,
    /// no string made); none when `count` is 0 (such a key is a typo of nothing). Two equal strings
    /// have equal hashes, so no close pair is missed; a collision only adds a candidate, which
    /// `areClose` then rejects.
    static func deletionVariants(_ characters: [Character], upTo count: Int) -> Set<UInt64> {
        guard count > 0 else { return [] }
        let base: UInt64 = 0x100_0000_01B3
        let n = characters.count
        var prefix = [UInt64](repeating: 0, count: n + 1)
        var power = [UInt64](repeating: 1, count: n + 1)
        for (index, character) in characters.enumerated() {
            var value: UInt64 = 0xCBF2_9CE4_8422_2325
            for scalar in character.unicodeScalars { value = (value ^ UInt64(scalar.value)) &* 0x100_0000_01B3 }
            prefix[index + 1] = prefix[index] &* base &+ (value | 1)
            power[index + 1] = power[index] &* base
        }
        /// The hash of `characters[start..<end]`.
        func part(_ start: Int, _ end: Int) -> UInt64 { prefix[end] &- prefix[start] &* power[end - start] }
        func joined(_ left: UInt64, _ right: UInt64, rightLength: Int) -> UInt64 { left &* power[rightLength] &+ right }
        var variants: Set<UInt64> = [prefix[n]]
        variants.reserveCapacity(count > 1 ? 1 + n + n * (n - 1) / 2 : 1 + n)
        for first in 0..<n {
            let before = part(0, first)
            variants.insert(joined(before, part(first + 1, n), rightLength: n - first - 1))
            guard count > 1 else { continue }
            for second in (first + 1)..<n {
                let middle = joined(before, part(first + 1, second), rightLength: second - first - 1)
                variants.insert(joined(middle, part(second + 1, n), rightLength: n - second - 1))
            }
        }
        return variants
    }
}
