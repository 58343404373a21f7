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
        guard a != b else { return false }
        let shared = ta.intersection(tb).count
        if shared >= 2, Double(shared) / Double(ta.union(tb).count) >= 0.6 { return true }
        let length = min(a.count, b.count)
        let allowed = length >= 8 ? 2 : (length >= 4 ? 1 : 0)
        return allowed > 0 && Suggestion.editDistance(Array(a), Array(b), limit: allowed) <= allowed
    }

    /// For each key after the first use of a close one: the earlier key.
    /// `keys` are in order of first use.
    static func closeToEarlier(_ keys: [String]) -> [String: String] {
        var result: [String: String] = [:]
        var byToken: [String: [Int]] = [:]
        var tokenSets: [Set<String>] = []
        for (index, key) in keys.enumerated() {
            let own = tokens(key)
            tokenSets.append(own)
            // Candidates share a word, or are typo-close: compare with all
            // earlier keys of a similar length only when no word is shared.
            var candidates = Set(own.flatMap { byToken[$0] ?? [] })
            for earlier in 0..<index where abs(keys[earlier].count - key.count) <= 2 { candidates.insert(earlier) }
            if let match = candidates.sorted().first(where: { areClose(keys[$0], key, tokens: tokenSets[$0], own) }) {
                result[key] = keys[match]
            }
            for token in own { byToken[token, default: []].append(index) }
        }
        return result
    }
}
