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

    /// `areClose` with the keys' characters already made.
    static func areClose(_ a: String, _ b: String, characters ca: [Character], _ cb: [Character],
                         tokens ta: Set<String>, _ tb: Set<String>) -> Bool {
        guard a != b else { return false }
        // Counted without making the intersection and union sets: this runs for many pairs of keys.
        let shared = ta.count <= tb.count ? ta.count { tb.contains($0) } : tb.count { ta.contains($0) }
        if shared >= 2, Double(shared) / Double(ta.count + tb.count - shared) >= 0.6 { return true }
        let length = min(ca.count, cb.count)
        let allowed = length >= 8 ? 2 : (length >= 4 ? 1 : 0)
        // Keys further apart in length than the distance allowed are never that close.
        return allowed > 0 && abs(ca.count - cb.count) <= allowed && Suggestion.editDistance(ca, cb, limit: allowed) <= allowed
    }

    /// For each key after the first use of a close one: the earlier key.
    /// `keys` are in order of first use.
    static func closeToEarlier(_ keys: [String]) -> [String: String] {
        var result: [String: String] = [:]
        var byToken: [String: [Int]] = [:]
        // Earlier keys by their length in characters, each key's characters made once:
        // counting them for every pair of keys was most of the check at 10,000 postmortems.
        var byLength: [Int: [Int]] = [:]
        var tokenSets: [Set<String>] = []
        var characterArrays: [[Character]] = []
        for (index, key) in keys.enumerated() {
            let own = tokens(key)
            let characters = Array(key)
            tokenSets.append(own)
            characterArrays.append(characters)
            // Candidates share a word, or are typo-close: compare with all
            // earlier keys of a similar length (at most 2 characters apart).
            var candidates = Set(own.flatMap { byToken[$0] ?? [] })
            for length in max(0, characters.count - 2)...(characters.count + 2) {
                candidates.formUnion(byLength[length] ?? [])
            }
            if let match = candidates.sorted().first(where: {
                areClose(keys[$0], key, characters: characterArrays[$0], characters, tokens: tokenSets[$0], own)
            }) {
                result[key] = keys[match]
            }
            for token in own { byToken[token, default: []].append(index) }
            byLength[characters.count, default: []].append(index)
        }
        return result
    }
}
