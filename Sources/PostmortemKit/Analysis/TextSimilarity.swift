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

    /// For each postmortem (by position), the others whose cosine reaches the
    /// threshold, best first, ties by position. A story's terms are read
    /// from `memo` when the last build counted them; the whole result from
    /// `kept` when the last build had the same stories in the same order
    /// (an edit that leaves every story as it was: a story's weights depend
    /// on every other story's, so one changed story computes them all again).
    static func neighbours(_ postmortems: [Postmortem], memo: DigestMemo? = nil,
                           kept: DigestMemo?) -> [[(index: Int, cosine: Double)]] {
        lazyNeighbours(postmortems, memo: memo, kept: kept).lists.value
    }

    /// The digest of every story (`storyKey`) in order: what the neighbours
    /// of every story are a pure function of.
    static func storiesKey(_ postmortems: [Postmortem]) -> UInt64 {
        let keys = Parallel.map(postmortems, minimumChunk: 512, storyKey)
        return StableHasher.digest { hasher in
            hasher.combine(keys.count)
            for key in keys { hasher.combine(key) }
        }
    }

    /// `neighbours(_:memo:kept:)`, with the stories' key: the lists kept by
    /// the last build are decoded when first asked for (a rebuild that
    /// reads the related choices back describes a page or two, and reads
    /// none), the others computed now.
    static func lazyNeighbours(_ postmortems: [Postmortem], memo: DigestMemo? = nil, kept: DigestMemo?)
        -> (key: UInt64, lists: Once<[[(index: Int, cosine: Double)]]>) {
        let key = storiesKey(postmortems)
        guard let kept else {
            let lists = neighbours(postmortems, memo: memo)
            return (key, Once { lists })
        }
        defer { kept.finish() }
        if let bytes = kept.bytes(for: key) {
            memo?.leave()
            // Checked by the memo (its bytes are those written); should they still not read, computed.
            return (key, Once {
                ByteReader.whole(bytes) { (reader: inout ByteReader) throws(ByteReader.Malformed) in
                    try Self.read(&reader, count: postmortems.count)
                } ?? neighbours(postmortems)
            })
        }
        let lists = neighbours(postmortems, memo: memo)
        kept.keep(key) { writer in
            for list in lists {
                writer.append(UInt32(list.count))
                for (index, cosine) in list {
                    writer.append(UInt32(index))
                    writer.append(cosine.bitPattern)
                }
            }
        }
        return (key, Once { lists })
    }

    /// Neighbour lists as `neighbours(_:memo:kept:)` keeps them: for each of
    /// `count` stories, how many, then each one's position and cosine (its bits).
    static func read(_ reader: inout ByteReader, count: Int) throws(ByteReader.Malformed) -> [[(index: Int, cosine: Double)]] {
        var lists: [[(index: Int, cosine: Double)]] = []
        lists.reserveCapacity(count)
        for _ in 0..<count {
            let length = Int(try ByteReader.need(reader.uint32()))
            guard length < count, length * 12 <= reader.remaining else { throw ByteReader.Malformed() }
            var list: [(index: Int, cosine: Double)] = []
            list.reserveCapacity(length)
            for _ in 0..<length {
                let index = Int(try ByteReader.need(reader.uint32()))
                let cosine = Double(bitPattern: try ByteReader.need(reader.uint64()))
                guard index < count, cosine.isFinite else { throw ByteReader.Malformed() }
                list.append((index, cosine))
            }
            lists.append(list)
        }
        return lists
    }

    /// The neighbours of every story, computed (the stories' terms from `memo` when it has them).
    static func neighbours(_ postmortems: [Postmortem], memo: DigestMemo? = nil) -> [[(index: Int, cosine: Double)]] {
        let vectors: Vectors = {
            let counts = counts(postmortems, memo: memo)
            memo?.finish()
            return weigh(counts)
        }()
        let postings = Postings(vectors)
        // Stories in runs, each run with its own scratch: the story's weights spread over the
        // vocabulary (so a candidate's cosine is one pass over its terms, in term order: the same
        // sum, bit for bit, as merging the two lists) and a mark per story (so each candidate is
        // scored once). At most `runCount` runs, so the scratch costs time in proportion to the stories.
        let count = vectors.count
        let length = max(64, (count + runCount - 1) / runCount)
        let runs = stride(from: 0, to: count, by: length).map { $0..<min($0 + length, count) }
        let scored = Parallel.map(runs, minimumChunk: 1) { run -> [[(index: Int, cosine: Double)]] in
            var weights = [Double](repeating: 0, count: vectors.vocabularySize)
            var marked = [Int32](repeating: -1, count: count)
            var result: [[(index: Int, cosine: Double)]] = []
            result.reserveCapacity(run.count)
            var candidates: [Int32] = []
            for index in run {
                // Candidates: the postmortems sharing one of this story's most telling terms (its highest
                // weights, leaving out terms in more than `postingLimit` stories); each scored exactly.
                // Stories alike enough to pass the threshold share a rare term, and the work per story is bounded.
                let terms = vectors.terms(index), own = vectors.weights(index)
                let mark = Int32(index)
                marked[index] = mark
                candidates.removeAll(keepingCapacity: true)
                for term in mostTelling(terms: terms, weights: own) {
                    let list = postings.list(term)
                    guard list.count <= postingLimit else { continue }
                    for other in list where marked[Int(other)] != mark {
                        marked[Int(other)] = mark
                        candidates.append(other)
                    }
                }
                for (term, weight) in zip(terms, own) { weights[Int(term)] = weight }
                var found: [(index: Int, cosine: Double)] = []
                weights.withUnsafeBufferPointer { weights in
                    for other in candidates {
                        let cosine = vectors.dot(Int(other), weights)
                        if cosine >= threshold { found.append((Int(other), cosine)) }
                    }
                }
                for term in terms { weights[Int(term)] = 0 }
                found.sort { ($0.cosine, -$0.index) > ($1.cosine, -$1.index) }
                result.append(found)
            }
            return result
        }
        return scored.flatMap { $0 }
    }

    /// How many runs `neighbours` cuts the stories into (each run allocates its scratch once).
    static let runCount = 64

    /// The weighted vectors of every story, unit length, each sorted by term number, in one flat
    /// store: story `i`'s terms and weights are at `offsets[i]..<offsets[i + 1]`.
    struct Vectors: Sendable {
        var terms: [Int32] = []
        var weights: [Double] = []
        var offsets: [Int] = [0]
        var vocabularySize = 0

        var count: Int { offsets.count - 1 }
        func terms(_ index: Int) -> ArraySlice<Int32> { terms[offsets[index]..<offsets[index + 1]] }
        func weights(_ index: Int) -> ArraySlice<Double> { weights[offsets[index]..<offsets[index + 1]] }

        /// The cosine of story `index` with the story spread over `spread` (weights by term number),
        /// summed in term order.
        func dot(_ index: Int, _ spread: UnsafeBufferPointer<Double>) -> Double {
            terms.withUnsafeBufferPointer { terms in
                weights.withUnsafeBufferPointer { weights in
                    var sum = 0.0
                    for entry in offsets[index]..<offsets[index + 1] { sum += spread[Int(terms[entry])] * weights[entry] }
                    return sum
                }
            }
        }
    }

    /// Every story's terms, numbered in order of first sight, with their
    /// counts, in one flat store: story `i` has `ids[offsets[i]..<offsets[i + 1]]`,
    /// counted `tfs` alike. Stories are cut a batch at a time (on every core)
    /// and numbered at once, so no more than a batch of them is ever held
    /// as dictionaries of strings (at 100,000 stories, all of them were
    /// half of the build's peak memory).
    struct Counts {
        var vocabulary: [String] = []
        /// Stories per term.
        var frequency: [Int32] = []
        var ids: [Int32] = []
        var tfs: [Int32] = []
        var offsets: [Int] = [0]

        var count: Int { offsets.count - 1 }

        /// Adds a story's terms and counts.
        mutating func add(_ document: [String: Int], numbering number: inout [String: Int32]) {
            for (term, tf) in document {
                let id: Int32
                if let known = number[term] {
                    id = known
                    frequency[Int(known)] += 1
                } else {
                    id = Int32(vocabulary.count)
                    number[term] = id
                    vocabulary.append(term)
                    frequency.append(1)
                }
                ids.append(id)
                tfs.append(Int32(clamping: tf))
            }
            offsets.append(ids.count)
        }
    }

    /// Stories cut into terms at a time.
    static let batch = 2_048

    /// The terms of every story (`terms(story(_:))`), read from `memo` when the last build counted them.
    static func counts(_ postmortems: [Postmortem], memo: DigestMemo?) -> Counts {
        var counts = Counts(), number: [String: Int32] = [:]
        for start in stride(from: 0, to: postmortems.count, by: batch) {
            let documents = Parallel.map(Array(postmortems[start..<min(start + batch, postmortems.count)])) { postmortem -> [String: Int] in
                guard let memo else { return terms(story(postmortem)) }
                return memo.value(for: storyKey(postmortem)) { terms(story(postmortem)) }
            }
            for document in documents { counts.add(document, numbering: &number) }
        }
        return counts
    }

    /// TF-IDF vectors of the stories' term counts. Each term becomes a number in
    /// the order of the terms themselves, so vectors sorted by number add up in
    /// term order: every run gives the same bits, and comparing two terms is
    /// comparing two integers. Terms in more than half of the stories are left out.
    static func weigh(_ counts: Counts) -> Vectors {
        // The number of each term in the sorted vocabulary.
        let vocabulary = counts.vocabulary
        var rank = [Int32](repeating: 0, count: vocabulary.count)
        for (position, id) in vocabulary.indices.sorted(by: { vocabulary[$0] < vocabulary[$1] }).enumerated() {
            rank[id] = Int32(position)
        }
        let count = Double(max(1, counts.count))
        let common = max(2, counts.count / 2)
        // Runs of stories on every core, each weighed into flat arrays of its own, joined in order.
        let length = max(64, (counts.count + runCount - 1) / runCount)
        let runs = stride(from: 0, to: counts.count, by: length).map { $0..<min($0 + length, counts.count) }
        let weighted = Parallel.map(runs, minimumChunk: 1) { [rank] run -> (terms: [Int32], weights: [Double], ends: [Int]) in
            var terms: [Int32] = [], weights: [Double] = [], ends: [Int] = []
            ends.reserveCapacity(run.count)
            var vector: [Weighted] = []
            for index in run {
                vector.removeAll(keepingCapacity: true)
                for entry in counts.offsets[index]..<counts.offsets[index + 1] {
                    let id = Int(counts.ids[entry])
                    let df = Int(counts.frequency[id])
                    guard df <= common else { continue }
                    vector.append(Weighted(term: rank[id], weight: (1 + log(Double(counts.tfs[entry]))) * log(count / Double(df))))
                }
                vector.sort { $0.term < $1.term }
                let norm = vector.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
                if norm > 0 {
                    for entry in vector {
                        terms.append(entry.term)
                        weights.append(entry.weight / norm)
                    }
                }
                ends.append(terms.count)
            }
            return (terms, weights, ends)
        }
        var vectors = Vectors()
        vectors.vocabularySize = vocabulary.count
        let total = weighted.reduce(0) { $0 + $1.terms.count }
        vectors.terms.reserveCapacity(total)
        vectors.weights.reserveCapacity(total)
        vectors.offsets.reserveCapacity(counts.count + 1)
        for run in weighted {
            let base = vectors.terms.count
            vectors.terms += run.terms
            vectors.weights += run.weights
            vectors.offsets += run.ends.map { base + $0 }
        }
        return vectors
    }

    /// For each term number, the stories that have it, in ascending order, in one flat store.
    struct Postings: Sendable {
        var stories: [Int32]
        var offsets: [Int]

        init(_ vectors: Vectors) {
            var offsets = [Int](repeating: 0, count: vectors.vocabularySize + 1)
            for term in vectors.terms { offsets[Int(term) + 1] += 1 }
            for term in 0..<vectors.vocabularySize { offsets[term + 1] += offsets[term] }
            var next = offsets
            var stories = [Int32](repeating: 0, count: vectors.terms.count)
            for index in 0..<vectors.count {
                for term in vectors.terms(index) {
                    stories[next[Int(term)]] = Int32(index)
                    next[Int(term)] += 1
                }
            }
            self.stories = stories
            self.offsets = offsets
        }

        func list(_ term: Int32) -> ArraySlice<Int32> { stories[offsets[Int(term)]..<offsets[Int(term) + 1]] }
    }

    /// The `candidateTerms` terms of highest weight (ties to the lower number).
    static func mostTelling(terms: ArraySlice<Int32>, weights: ArraySlice<Double>) -> [Int32] {
        zip(terms, weights).sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(candidateTerms).map(\.0)
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
