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
        // Earlier keys by their segments (see `Segments`): a key meets only
        // those with a segment where a typo could have moved it in this key
        // (comparing it with every earlier key of a similar length was
        // quadratic, 17.7 s of a build of 100,000; indexing every string
        // left after deleting up to two characters made ~n²/2 entries a key,
        // 7 s).
        var bySegment: [UInt64: [Int]] = [:]
        let tokenSets = keys.map(tokens)
        let rarest = rarestTokens(tokenSets)
        var characterArrays: [[Character]] = []
        var bucketArrays: [[UInt8]] = []
        for (index, key) in keys.enumerated() {
            let own = tokenSets[index]
            let characters = Array(key)
            let buckets = bucketCounts(characters)
            characterArrays.append(characters)
            bucketArrays.append(buckets)
            let hashes = PrefixHashes(characters)
            // Candidates share one of their rarest words, or may be a typo apart.
            let sharing = Set(rarest[index].flatMap { byToken[$0] ?? [] })
            var candidates = sharing
            for probe in Segments.probes(length: characters.count, hashes: hashes) {
                candidates.formUnion(bySegment[probe] ?? [])
            }
            if let match = candidates.sorted().first(where: {
                areClose(keys[$0], key, characters: characterArrays[$0], characters, tokens: tokenSets[$0], own,
                         mayShareTokens: sharing.contains($0), buckets: (bucketArrays[$0], buckets))
            }) {
                result[key] = keys[match]
            }
            for token in rarest[index] { byToken[token, default: []].append(index) }
            for segment in Segments.own(length: characters.count, hashes: hashes) {
                bySegment[segment, default: []].append(index)
            }
        }
        return result
    }

    /// Each key's words that a key sharing 60 % of their words with it (`areClose`)
    /// must share one of: its rarest words across `tokenSets`, as many as its
    /// word count less 60 % of it, plus one (a prefix filter: with the words
    /// of every key in one order, rarest first, two sets with an overlap of at
    /// least α share a word among their first |set| − α + 1, and a Jaccard
    /// index of 0.6 means an overlap of at least 60 % of each set). Indexing
    /// keys by every word made each key meet every earlier key with a common
    /// word ("db", "timeout"): 1.6 s of a build of 100,000, 33 times what
    /// 10,000 took.
    static func rarestTokens(_ tokenSets: [Set<String>]) -> [[String]] {
        var frequency: [String: Int] = [:]
        for set in tokenSets { for token in set { frequency[token, default: 0] += 1 } }
        return tokenSets.map { set in
            let needed = (3 * set.count + 4) / 5  // ⌈0.6 × count⌉
            let ordered = set.map { (frequency[$0] ?? 0, $0) }.sorted { $0 < $1 }.map(\.1)
            return Array(ordered.prefix(set.count - needed + 1))
        }
    }

    /// The edit distance up to which a key of `length` characters may be a typo of another (`areClose`).
    static func allowedEdits(_ length: Int) -> Int { length >= 8 ? 2 : (length >= 4 ? 1 : 0) }

    /// Polynomial hashes of a key's prefixes, so that the hash of any run of
    /// its characters is found in constant time and equal runs (in any key,
    /// at any place) hash equal.
    struct PrefixHashes {
        static let base: UInt64 = 0x100_0000_01B3
        var prefix: [UInt64]
        var power: [UInt64]

        init(_ characters: [Character]) {
            let n = characters.count
            prefix = [UInt64](repeating: 0, count: n + 1)
            power = [UInt64](repeating: 1, count: n + 1)
            for (index, character) in characters.enumerated() {
                var value: UInt64 = 0xCBF2_9CE4_8422_2325
                for scalar in character.unicodeScalars { value = (value ^ UInt64(scalar.value)) &* 0x100_0000_01B3 }
                prefix[index + 1] = prefix[index] &* Self.base &+ (value | 1)
                power[index + 1] = power[index] &* Self.base
            }
        }

        /// The hash of `characters[start..<end]`.
        func part(_ start: Int, _ end: Int) -> UInt64 { prefix[end] &- prefix[start] &* power[end - start] }
    }

    /// The pigeonhole filter of edit distance (as in PassJoin): a key of `n`
    /// characters is cut into `2 × allowedEdits(n) + 1` runs, its segments.
    /// An edit touches one segment, a swap of two neighbours across a cut
    /// two; so two keys at most `d` edits apart (`d` ≤ the allowed edits of
    /// either key) leave one segment of the earlier key untouched, and that
    /// segment stands in the other key at most `d` characters from its
    /// place. So a key looks, for each length an earlier key may have, for
    /// the runs of its own characters within `d` of each segment's place: at
    /// most 5 lengths × 5 segments × 5 places, against the earlier keys' 5
    /// segments each. A segment is named by its key's length, its number and
    /// the hash of its characters; a hash collision only adds a candidate,
    /// which `areClose` then rejects.
    enum Segments {
        /// Where the segments of a key of `length` characters start, and their lengths.
        static func layout(_ length: Int) -> [(start: Int, count: Int)] {
            let parts = 2 * allowedEdits(length) + 1
            return (0..<parts).map { part in
                let start = part * length / parts
                return (start, (part + 1) * length / parts - start)
            }
        }

        static func name(length: Int, part: Int, hash: UInt64) -> UInt64 {
            (hash ^ (UInt64(length) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(part) &* 0xC2B2_AE3D_27D4_EB4F)) &* 0xFF51_AFD7_ED55_8CCD
        }

        /// The names of a key's own segments; none for a key that is a typo of nothing.
        static func own(length: Int, hashes: PrefixHashes) -> [UInt64] {
            guard allowedEdits(length) > 0 else { return [] }
            return layout(length).enumerated().map { part, segment in
                name(length: length, part: part, hash: hashes.part(segment.start, segment.start + segment.count))
            }
        }

        /// The names an earlier key's segment has when it is close to this key.
        static func probes(length: Int, hashes: PrefixHashes) -> Set<UInt64> {
            var probes: Set<UInt64> = []
            guard allowedEdits(length) > 0 else { return probes }
            for other in max(1, length - 2)...(length + 2) {
                let allowed = allowedEdits(min(length, other))
                guard allowed > 0, abs(other - length) <= allowed else { continue }
                for (part, segment) in layout(other).enumerated() {
                    for start in max(0, segment.start - allowed)...(segment.start + allowed)
                    where start + segment.count <= length {
                        probes.insert(name(length: other, part: part, hash: hashes.part(start, start + segment.count)))
                    }
                }
            }
            return probes
        }
    }
}
