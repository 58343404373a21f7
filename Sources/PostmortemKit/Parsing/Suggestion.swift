/// "Did you mean" suggestions for misspelt keys and values.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, when it is close
    /// enough to be a typo (a third of the word's length, at least 1, at most 3).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let target = Array(word.lowercased())
        let allowed = min(3, max(1, target.count / 3))
        var best: (String, Int)? = nil
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()), limit: allowed)
            if distance <= allowed, distance < (best?.1 ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    /// Levenshtein distance with transpositions counted as one edit
    /// (`recurence` → `recurrence` is 1, `sevirity` → `severity` is 1);
    /// stops early once every path exceeds `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    /// Many candidates, prepared once for many look-ups (the files of a
    /// folder, for every broken link): lowered once, and grouped by length so
    /// a look-up compares only names whose length is within the allowed
    /// distance. Ties go to the name that sorts first, so the suggestion never
    /// depends on the order names were found in.
    public struct Candidates: Sendable {
        private var byLength: [Int: [(name: String, lowered: [Character])]] = [:]

        public init(_ names: some Sequence<String>) {
            for name in Set(names).sorted() {
                let lowered = Array(name.lowercased())
                byLength[lowered.count, default: []].append((name, lowered))
            }
        }

        public func closest(to word: String) -> String? {
            let target = Array(word.lowercased())
            let allowed = min(3, max(1, target.count / 3))
            var best: (name: String, distance: Int)? = nil
            for length in max(0, target.count - allowed)...(target.count + allowed) {
                for candidate in byLength[length] ?? [] {
                    let distance = editDistance(target, candidate.lowered, limit: allowed)
                    guard distance <= allowed else { continue }
                    if best.map({ (distance, candidate.name) < ($0.distance, $0.name) }) ?? true {
                        best = (candidate.name, distance)
                    }
                }
            }
            return best?.name
        }

        func note(for word: String) -> String? {
            closest(to: word).map { "did you mean '\($0)'?" }
        }
    }

    /// `did you mean 'x'?` or nil.
    static func note(for word: String, among candidates: [String]) -> String? {
        closest(to: word, among: candidates).map { "did you mean '\($0)'?" }
    }
}
