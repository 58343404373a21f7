import Foundation
import Markdown

/// Terms as numbers: each distinct term's UTF-8 kept once in one buffer,
/// found again by an open-addressing hash table (no `String` per term).
struct TermTable {
    /// Every term's bytes, one after the other; term `i` ends at `ends[i]`.
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    private var hashes: [UInt32] = []

    var count: Int { ends.count }

    func range(of term: Int) -> Range<Int> { (term == 0 ? 0 : ends[term - 1])..<ends[term] }

    /// The number of `term`, given to it now if it is new.
    mutating func id(of term: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in term { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let found = slots[slot]
            if found < 0 { break }
            let id = Int(found)
            if hashes[id] == hash, equals(id, term) { return id }
            slot = (slot + 1) & mask
        }
        let id = ends.count
        bytes.append(contentsOf: term)
        ends.append(bytes.count)
        hashes.append(hash)
        slots[slot] = Int32(id)
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    private func equals(_ id: Int, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = range(of: id)
        guard range.count == term.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            memcmp(all.baseAddress! + range.lowerBound, term.baseAddress!, term.count) == 0
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// The term's bytes, handed to `body`.
    func withTerm<T>(_ term: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let range = range(of: term)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

/// The terms and scores of a run of documents, numbered by the run's own
/// `TermTable`: what one core makes, merged in document order afterwards.
struct SearchPostings: Sendable {
    var terms = TermTable()
    /// Document `d` of the run has the postings `termIDs[docEnds[d - 1] ..< docEnds[d]]`, scored alike.
    var termIDs: [Int32] = []
    /// A score is at most 31 weights × (1 + ln 20) × 10, about 1,240: two bytes a posting, not four.
    var scores: [UInt16] = []
    var docEnds: [Int] = []

    /// 1 + ln(n) for n = 0 … 20 (the 0 is never read): the same doubles `log` gives, computed once.
    static let occurrenceFactor: [Double] = (0...20).map { 1 + log(Double($0)) }

    /// Scores of every term of `documents`: each field folded once on its
    /// UTF-8 bytes, cut into terms by `SearchTerms.forEachTerm(foldedUTF8:)`,
    /// counted per field, weighted (a field's weight × (1 + ln(occurrences,
    /// at most 20))), summed over the fields in the order given and rounded
    /// to a tenth (the score is that ×10). A document's terms and scores are
    /// read from `memo` when the last build scored the same fields
    /// (`digests`: each document's `digest`, when known).
    static func make(_ documents: ArraySlice<SearchIndex.Document>, digests: ArraySlice<UInt64>? = nil,
                     memo: DigestMemo? = nil) -> SearchPostings {
        var run = SearchPostings()
        run.docEnds.reserveCapacity(documents.count)
        var fieldCounts: [Int32] = []
        var fieldTerms: [Int] = []
        var totals: [Double] = []
        var seen: [Bool] = []
        var documentTerms: [Int] = []
        var folded: [UInt8] = []
        for (offset, document) in zip(documents.indices, documents) {
            let digest = memo.map { _ in digests?[offset] ?? Self.digest(document) }
            if let memo, let digest, let kept = memo.value(for: digest, read: KeptTerms.init(from:)) {
                kept.bytes.withUnsafeBufferPointer { bytes in
                    var start = 0
                    for (end, score) in zip(kept.ends, kept.scores) {
                        run.termIDs.append(Int32(run.terms.id(of: UnsafeBufferPointer(rebasing: bytes[start..<end]))))
                        run.scores.append(score)
                        start = end
                    }
                }
                run.docEnds.append(run.termIDs.count)
                continue
            }
            for (text, weight) in SearchIndex.weightedFields(document) {
                folded.removeAll(keepingCapacity: true)
                var text = text
                text.withUTF8 { CompatibilityFolding.append($0, lowercase: true, to: &folded) }
                folded.withUnsafeBufferPointer { bytes in
                    SearchTerms.forEachTerm(foldedUTF8: bytes) { term in
                        let id = run.terms.id(of: term)
                        // Terms of documents read from the memo have numbers too.
                        while id >= fieldCounts.count {
                            fieldCounts.append(0); totals.append(0); seen.append(false)
                        }
                        if fieldCounts[id] == 0 { fieldTerms.append(id) }
                        fieldCounts[id] += 1
                    }
                }
                for id in fieldTerms {
                    totals[id] += weight * Self.occurrenceFactor[Int(min(fieldCounts[id], 20))]
                    fieldCounts[id] = 0
                    if !seen[id] { seen[id] = true; documentTerms.append(id) }
                }
                fieldTerms.removeAll(keepingCapacity: true)
            }
            let first = run.termIDs.count
            for id in documentTerms {
                run.termIDs.append(Int32(id))
                run.scores.append(UInt16((totals[id] * 10).rounded()))
                totals[id] = 0
                seen[id] = false
            }
            documentTerms.removeAll(keepingCapacity: true)
            run.docEnds.append(run.termIDs.count)
            if let memo, let digest {
                memo.keep(digest) { run.writeTerms(first..<run.termIDs.count, to: &$0) }
            }
        }
        // The runs are held until the last part of the index is laid out:
        // without the room their arrays grew into (up to as much again).
        run.termIDs = run.termIDs.withoutSpareCapacity()
        run.scores = run.scores.withoutSpareCapacity()
        return run
    }

    /// The postings `positions` (a document's) as the memo keeps them (`KeptTerms`).
    func writeTerms(_ positions: Range<Int>, to writer: inout ByteWriter) {
        writer.append(UInt32(positions.count))
        for position in positions {
            terms.withTerm(Int(termIDs[position])) { term in
                if term.count < 255 {
                    writer.bytes.append(UInt8(term.count))
                } else {
                    writer.bytes.append(255)
                    writer.append(UInt32(term.count))
                }
                writer.bytes += term
            }
            writer.append(UInt32(scores[position]))
        }
    }

    /// What a document's terms are scored from: each field's text and
    /// weight, the body by its digest (it may be in the load cache, `BodyText`).
    static func digest(_ document: SearchIndex.Document) -> UInt64 {
        StableHasher.digest { hasher in
            for (text, weight) in SearchIndex.shortFields(document) {
                hasher.combine(text)
                hasher.combine(weight)
            }
            hasher.combine(document.body.digest)
            hasher.combine(document.body.utf8Count)
            hasher.combine(SearchIndex.bodyWeight)
        }
    }

    /// A document's terms and scores as the memo keeps them: a count, then
    /// each term as its length (a byte; 255 and a `UInt32` from 255 bytes on)
    /// and its UTF-8, and its score.
    struct KeptTerms {
        var bytes: [UInt8] = []
        /// Term `i` is `bytes[ends[i - 1] ..< ends[i]]`.
        var ends: [Int] = []
        var scores: [UInt16] = []

        init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
            let count = Int(try ByteReader.need(reader.uint32()))
            guard count <= reader.remaining else { throw ByteReader.Malformed() }
            ends.reserveCapacity(count)
            scores.reserveCapacity(count)
            for _ in 0..<count {
                var length = Int(try ByteReader.need(reader.byte()))
                if length == 255 { length = Int(try ByteReader.need(reader.uint32())) }
                // An empty term is never cut (`SearchTerms`): such bytes are no memo's.
                guard length > 0, let term = reader.take(length), let score = reader.uint32().flatMap(UInt16.init(exactly:))
                else { throw ByteReader.Malformed() }
                bytes += term
                ends.append(bytes.count)
                scores.append(score)
            }
        }
    }
}

/// Every document's postings under one numbering of the terms, from runs
/// merged in order; laid out term by term (documents ascending within a
/// term) one part at a time (`part(including:)`), so the whole index is
/// never held twice (as runs and as terms) at once.
struct InvertedIndex {
    var terms = TermTable()
    /// Postings per term.
    private(set) var counts: [Int] = []
    /// Postings of every term.
    private(set) var postingCount = 0
    /// The runs' postings, without their own terms (each run's numbers are mapped by `maps`).
    private let runs: [SearchPostings]
    /// Per run: its term number → the index's.
    private var maps: [[Int32]] = []

    /// The runs, taken whole: each run's own table of terms is let go as soon
    /// as its numbers are mapped to the index's (at 100,000 documents, the
    /// runs' tables held most of the vocabulary once per run).
    init(_ runs: consuming [SearchPostings]) {
        var runs = runs
        var terms = TermTable(), counts: [Int] = [], postingCount = 0, maps: [[Int32]] = []
        for position in runs.indices {
            let run = runs[position]
            var map = [Int32](repeating: 0, count: run.terms.count)
            for local in 0..<run.terms.count {
                let id = run.terms.withTerm(local) { terms.id(of: $0) }
                if id == counts.count { counts.append(0) }
                map[local] = Int32(id)
            }
            for local in run.termIDs { counts[Int(map[Int(local)])] += 1 }
            postingCount += run.termIDs.count
            maps.append(map)
            runs[position].terms = TermTable()
        }
        (self.runs, self.terms, self.counts, self.postingCount, self.maps) = (runs, terms, counts, postingCount, maps)
    }

    var count: Int { terms.count }

    /// The postings of the terms `included` holds true for: term `t`'s
    /// are `documents[starts[t] ..< starts[t + 1]]`, scored alike (none
    /// for a term left out).
    struct Part {
        var starts: [Int]
        var documents: [Int32]
        var scores: [UInt16]
    }

    func part(including included: [Bool]) -> Part {
        var starts = [0]
        starts.reserveCapacity(count + 1)
        for term in 0..<count { starts.append(starts[term] + (included[term] ? counts[term] : 0)) }
        var next = Array(starts.dropLast())
        var documents = [Int32](repeating: 0, count: starts[count])
        var scores = [UInt16](repeating: 0, count: documents.count)
        var document: Int32 = 0
        for (run, map) in zip(runs, maps) {
            var position = 0
            for end in run.docEnds {
                while position < end {
                    let term = Int(map[Int(run.termIDs[position])])
                    if included[term] {
                        documents[next[term]] = document
                        scores[next[term]] = run.scores[position]
                        next[term] += 1
                    }
                    position += 1
                }
                document += 1
            }
        }
        return Part(starts: starts, documents: documents, scores: scores)
    }
}
