import Foundation
import Markdown

/// How alike two postmortems' stories are, by TF-IDF cosine over what says
/// what went wrong: the title, the cause summaries, the trigger and the
/// root-cause section. Japanese is cut into character pairs, English into
/// words without stop words and with a light stemmer, so `接続プールが枯渇`
/// matches `接続プールの枯渇` and `exhausted pools` matches `pool exhaustion`.
///
/// Neighbours come from an inverted index (each postmortem meets only those
/// sharing a term, and terms in more than half of all postmortems are left
/// out), never from a scan of every pair over whole bodies.
public enum TextSimilarity {
    /// Cosines below this are noise.
    public static let threshold = 0.2

    /// The text that describes the failure.
    static func story(_ p: Postmortem) -> String {
        var parts = [p.title]
        parts += p.causes.compactMap(\.summary)
        if let trigger = p.trigger { parts.append(trigger) }
        parts += p.body.sections.filter { $0.kind == .rootCause }.map(\.text)
        return parts.joined(separator: "\n")
    }

    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "had", "has", "have", "in", "into", "is", "it",
        "its", "of", "on", "or", "that", "the", "their", "then", "there", "this", "to", "was", "were", "when", "which",
        "while", "with", "we", "our", "not", "no", "but", "after", "before", "all", "so", "than", "did", "do",
    ]

    /// A light English stemmer: plural and verb endings off, so `pools`,
    /// `exhausted` and `exhausting` meet `pool` and `exhaust`.
    static func stem(_ word: String) -> String {
        for suffix in ["ing", "ion", "ed", "es", "s"] where word.count > suffix.count + 3 && word.hasSuffix(suffix) {
            if suffix == "s", word.hasSuffix("ss") { return word }
            return String(word.dropLast(suffix.count))
        }
        return word
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x31F0...0x31FF: true
        default: false
        }
    }

    static func isHiragana(_ scalar: Unicode.Scalar) -> Bool { (0x3040...0x309F).contains(scalar.value) }

    /// Terms with their counts.
    static func terms(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var word = ""
        var cjk: [Unicode.Scalar] = []
        func flushWord() {
            if word.count >= 2, !stopWords.contains(word) { counts[stem(word), default: 0] += 1 }
            word = ""
        }
        func flushCJK() {
            if cjk.count == 1 {
                counts[String(cjk[0]), default: 0] += 1
            } else if cjk.count > 1 {
                for index in 0..<(cjk.count - 1) {
                    // Pairs of hiragana are mostly grammar (した, ている): they say nothing of the story.
                    if isHiragana(cjk[index]), isHiragana(cjk[index + 1]) { continue }
                    var pair = ""
                    pair.unicodeScalars.append(cjk[index])
                    pair.unicodeScalars.append(cjk[index + 1])
                    counts[pair, default: 0] += 1
                }
            }
            cjk = []
        }
        for scalar in text.compatibilityFolded.lowercased().unicodeScalars {
            if isCJK(scalar) {
                flushWord()
                cjk.append(scalar)
            } else if scalar.isLetterOrDigit {
                flushCJK()
                word.unicodeScalars.append(scalar)
            } else {
                flushWord()
                flushCJK()
            }
        }
        flushWord()
        flushCJK()
        return counts
    }

    /// For each postmortem (by position), the others whose cosine reaches the
    /// threshold, best first, ties by position.
    public static func neighbours(_ postmortems: [Postmortem]) -> [[(index: Int, cosine: Double)]] {
        let documents = Parallel.map(postmortems) { terms(story($0)) }
        var counted: [String: Int] = [:]
        for document in documents { for term in document.keys { counted[term, default: 0] += 1 } }
        let frequency = counted
        // Each term becomes a number in the order of the terms themselves, so
        // vectors sorted by number add up in term order: every run gives the
        // same bits, and comparing two terms is comparing two integers.
        let vocabulary = frequency.keys.sorted()
        let number = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
        let count = Double(max(1, documents.count))
        let common = max(2, documents.count / 2)
        let vectors: [[Weighted]] = Parallel.map(documents) { document in
            var vector: [Weighted] = []
            vector.reserveCapacity(document.count)
            for (term, tf) in document {
                guard let df = frequency[term], df <= common, let id = number[term] else { continue }
                vector.append(Weighted(term: id, weight: (1 + log(Double(tf))) * log(count / Double(df))))
            }
            vector.sort { $0.term < $1.term }
            let norm = vector.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
            return norm > 0 ? vector.map { Weighted(term: $0.term, weight: $0.weight / norm) } : []
        }
        var postings = [[Int32]](repeating: [], count: vocabulary.count)
        for (index, vector) in vectors.enumerated() {
            for entry in vector { postings[Int(entry.term)].append(Int32(index)) }
        }
        let lists = postings
        let count32 = vectors.count
        // Stories in runs, each run with its own scratch: the story's weights spread over the
        // vocabulary (so a candidate's cosine is one pass over its terms, in term order: the same
        // sum, bit for bit, as merging the two lists) and a mark per story (so each candidate is scored once).
        let runs = stride(from: 0, to: count32, by: 64).map { $0..<min($0 + 64, count32) }
        let vocabularySize = vocabulary.count
        let scored = Parallel.map(runs, minimumChunk: 1) { run -> [[(index: Int, cosine: Double)]] in
            var weights = [Double](repeating: 0, count: vocabularySize)
            var marked = [Int32](repeating: -1, count: count32)
            var result: [[(index: Int, cosine: Double)]] = []
            result.reserveCapacity(run.count)
            for index in run {
                let vector = vectors[index]
                // Candidates: the postmortems sharing one of this story's most telling terms (its highest
                // weights, leaving out terms in more than `postingLimit` stories); each scored exactly.
                // Stories alike enough to pass the threshold share a rare term, and the work per story is bounded.
                let mark = Int32(index)
                marked[index] = mark
                var candidates: [Int32] = []
                for entry in vector.sorted(by: { ($0.weight, $1.term) > ($1.weight, $0.term) }).prefix(candidateTerms) {
                    let list = lists[Int(entry.term)]
                    guard list.count <= postingLimit else { continue }
                    for other in list where marked[Int(other)] != mark {
                        marked[Int(other)] = mark
                        candidates.append(other)
                    }
                }
                for entry in vector { weights[Int(entry.term)] = entry.weight }
                var found: [(index: Int, cosine: Double)] = []
                for other in candidates {
                    var cosine = 0.0
                    for entry in vectors[Int(other)] { cosine += weights[Int(entry.term)] * entry.weight }
                    if cosine >= threshold { found.append((Int(other), cosine)) }
                }
                for entry in vector { weights[Int(entry.term)] = 0 }
                result.append(found.sorted { ($0.cosine, -$0.index) > ($1.cosine, -$1.index) })
            }
            return result
        }
        return scored.flatMap { $0 }
    }

    /// A term (by its number in the sorted vocabulary) and its weight in one story.
    struct Weighted {
        var term: Int32
        var weight: Double
    }

    /// How many of a story's terms (the highest weights) find its candidates, and the longest posting list they use.
    static let candidateTerms = 16, postingLimit = 100

    /// A proposal to merge two cause keys whose incidents tell one story.
    public struct Merge: Sendable, Hashable {
        /// The key used first (by date), to keep.
        public var key: String
        public var alias: String
        public var incidents: (String, String)
        public var cosine: Double

        public static func == (a: Merge, b: Merge) -> Bool {
            a.key == b.key && a.alias == b.alias && a.incidents == b.incidents && a.cosine == b.cosine
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(alias)
        }

        /// The line `check --suggest-causes` prints.
        public var description: String {
            "'\(alias)' (\(incidents.1)) may be the same cause as '\(key)' (\(incidents.0)): their stories are "
                + "\(Int((cosine * 100).rounded())) % alike; if so, add to postmortem.yml: cause_aliases: {\(key): [\(alias)]}"
        }
    }

    /// Pairs of written cause keys whose incidents' stories reach `minimum`
    /// cosine, the most alike first; each pair of keys once.
    public static func suggestedMerges(_ postmortems: [Postmortem], minimum: Double = 0.3) -> [Merge] {
        let neighbours = neighbours(postmortems)
        func written(_ p: Postmortem) -> [String] { p.causes.filter { !$0.keyIsDerived }.map(\.key) }
        var best: [String: Merge] = [:]
        for (index, list) in neighbours.enumerated() {
            let p = postmortems[index]
            for (other, cosine) in list where cosine >= minimum {
                let q = postmortems[other]
                let mine = written(p), theirs = written(q)
                guard let a = mine.first, let b = theirs.first, Set(mine).isDisjoint(with: theirs) else { continue }
                // The older incident's key stays.
                let pFirst = (p.date.map { "\($0)" } ?? "9999", p.id) < (q.date.map { "\($0)" } ?? "9999", q.id)
                let merge = pFirst ? Merge(key: a, alias: b, incidents: (p.id, q.id), cosine: cosine)
                                   : Merge(key: b, alias: a, incidents: (q.id, p.id), cosine: cosine)
                let pair = merge.key + "\u{0}" + merge.alias
                if (best[pair]?.cosine ?? -1) < cosine { best[pair] = merge }
            }
        }
        return best.values.sorted { ($0.cosine, $1.key, $1.alias) > ($1.cosine, $0.key, $0.alias) }
    }
}
