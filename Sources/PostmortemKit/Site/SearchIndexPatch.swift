import Foundation

/// What a build keeps of its search index for the next build to patch
/// (`DigestMemos.searchIndex`, one value): each document's digest
/// (`SearchPostings.digest`, what its terms are scored from) in the
/// index's order, and each shard's key, the digest of the bytes written.
struct SearchIndexState: ByteCodable, Equatable {
    var documents: [UInt64]
    var shardKeys: [UInt64]

    func write(to writer: inout ByteWriter) {
        writer.write(documents)
        writer.write(shardKeys)
    }

    init(documents: [UInt64], shardKeys: [UInt64]) {
        self.documents = documents
        self.shardKeys = shardKeys
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        documents = try reader.read()
        shardKeys = try reader.read()
    }
}

/// The search index after a few edits, made from the last build's: a
/// document's number is its place in the order, so while the order holds
/// the same documents (by count, and each one's place) only the postings
/// of the edited documents change. The last build's shards are read back
/// from its site (each still the file that build wrote, its bytes' digest
/// the key it kept), the edited documents' postings taken out of them and
/// their new ones put in; the shards whose bytes change are written, the
/// others kept as they are. The result is byte for byte the full index
/// (a test compares them after edits of every kind); whenever it could
/// not be (the order moved, too many edits, a shard missing or changed by
/// hand, the shard count would change), `apply` gives nil and the build
/// makes the full index.
enum SearchIndexPatch {
    /// The most documents a patch takes: beyond, making the index is about as quick.
    static func limit(_ documentCount: Int) -> Int { max(16, documentCount / 16) }

    /// A document of a term's, with its score.
    private struct Posting: Equatable {
        var document: Int32
        var score: UInt16
    }

    /// A shard's postings: term → postings, documents ascending.
    private typealias Postings = [[UInt8]: [Posting]]

    /// What a shard of the last build held, read back.
    private struct OldShard: Sendable {
        var terms = 0, termBytes = 0, postings = 0
        /// When an edited document has a posting in the shard: the shard,
        /// and the edited documents' postings (the few compared with what
        /// the edits add; the others are gathered only for a shard that changes).
        var touched: (bytes: [UInt8], parsed: SearchShard.Parsed, edited: Postings)?
    }

    /// Puts the patched index's shards into `sink` and gives its state, or
    /// gives nil having put nothing when the patch cannot be made.
    static func apply<Sink: SiteSink>(to last: SearchIndexState, documents: [SearchIndex.Document], digests: [UInt64],
                                      into sink: MemoizedSink<Sink>) throws -> SearchIndexState? {
        let count = digests.count
        let shardCount = last.shardKeys.count
        guard last.documents.count == count, shardCount > 0, sink.memo != nil else { return nil }
        let changed = digests.indices.filter { digests[$0] != last.documents[$0] }
        guard changed.count <= limit(count) else { return nil }
        var isChanged = [Bool](repeating: false, count: count)
        for position in changed { isChanged[position] = true }
        let edited = isChanged

        // The edited documents' new postings, by shard.
        var additions = [Postings](repeating: [:], count: shardCount)
        for position in changed {
            let run = SearchPostings.make(documents[position...position])
            for posting in run.termIDs.indices {
                let term = run.terms.withTerm(Int(run.termIDs[posting])) { Array($0) }
                let shard = term.withUnsafeBufferPointer { SearchTerms.shard(ofUTF8: $0, count: shardCount) }
                additions[shard][term, default: []].append(Posting(document: Int32(position), score: run.scores[posting]))
            }
        }

        // The last build's shards: their sizes, and the postings of those an edited document was in.
        let read = Parallel.map(Array(0..<shardCount), minimumChunk: 16) { number -> OldShard? in
            let key = last.shardKeys[number]
            guard let bytes = sink.previous(SearchShard.path(number), key: key), bytes.withUnsafeBytes(BodyText.digest) == key,
                  let parsed = SearchShard.parse(bytes, number: number, documentCount: count) else { return nil }
            var shard = OldShard(terms: parsed.terms.count, termBytes: parsed.terms.reduce(0) { $0 + $1.count },
                                 postings: parsed.documents.count)
            guard parsed.documents.contains(where: { edited[Int($0)] }) else { return shard }
            shard.touched = (bytes, parsed, postings(of: bytes, parsed, where: { edited[Int($0)] }))
            return shard
        }
        let old = read.compactMap { $0 }
        guard old.count == shardCount else { return nil }

        // The shards whose edited postings change, laid out again; the sizes of the whole index.
        var sizes = (terms: 0, termBytes: 0, postings: 0)
        var remade: [(number: Int, bytes: [UInt8], key: UInt64)] = []
        for (number, shard) in old.enumerated() {
            guard (shard.touched?.edited ?? [:]) != additions[number] else {
                sizes = (sizes.terms + shard.terms, sizes.termBytes + shard.termBytes, sizes.postings + shard.postings)
                continue
            }
            let kept = shard.touched.map { postings(of: $0.bytes, $0.parsed, where: { !edited[Int($0)] }) } ?? [:]
            let (bytes, size) = patched(kept, number: number, additions: additions[number])
            sizes = (sizes.terms + size.terms, sizes.termBytes + size.termBytes, sizes.postings + size.postings)
            let key = bytes.withUnsafeBytes(BodyText.digest)
            if key != last.shardKeys[number] { remade.append((number, bytes, key)) }
        }
        guard SearchIndex.shardCount(termBytes: sizes.termBytes, terms: sizes.terms, postings: sizes.postings) == shardCount
        else { return nil }

        var newKeys = last.shardKeys
        for shard in remade { newKeys[shard.number] = shard.key }
        let keys = newKeys
        let made = Dictionary(uniqueKeysWithValues: remade.map { ($0.number, $0.bytes) })
        try Parallel.forEach(Array(0..<shardCount), minimumChunk: 16) { number in
            let path = SearchShard.path(number)
            try sink.put(path, key: keys[number], page: false) {
                if let bytes = made[number] { return bytes }
                // Kept unless the file changed since it was read above.
                guard let bytes = sink.previous(path, key: keys[number]), bytes.withUnsafeBytes(BodyText.digest) == keys[number] else {
                    throw SiteWriter.Failure.io("the file '\(path)' of the last site changed while this build read it; build again")
                }
                return bytes
            }
        }
        return SearchIndexState(documents: digests, shardKeys: keys)
    }

    /// The postings of the documents `included` holds true for in a parsed shard.
    private static func postings(of bytes: [UInt8], _ parsed: SearchShard.Parsed, where included: (Int32) -> Bool) -> Postings {
        var postings: Postings = [:]
        for (term, range) in parsed.terms.enumerated() {
            for index in parsed.starts[term]..<parsed.starts[term + 1] where included(parsed.documents[index]) {
                postings[Array(bytes[range]), default: []].append(Posting(document: parsed.documents[index], score: parsed.scores[index]))
            }
        }
        return postings
    }

    /// The shard `number` made of the postings `kept` and `additions`, and its sizes.
    private static func patched(_ kept: Postings, number: Int, additions: Postings)
        -> (bytes: [UInt8], size: (terms: Int, termBytes: Int, postings: Int)) {
        var terms = kept
        for (term, added) in additions {
            // Both ascending: merged in document order.
            let old = terms[term] ?? []
            var merged: [Posting] = []
            merged.reserveCapacity(old.count + added.count)
            var (next, new) = (0, 0)
            while next < old.count || new < added.count {
                if new == added.count || (next < old.count && old[next].document < added[new].document) {
                    merged.append(old[next])
                    next += 1
                } else {
                    merged.append(added[new])
                    new += 1
                }
            }
            terms[term] = merged
        }
        let sorted = terms.map { (String(decoding: $0.key, as: UTF8.self), $0.key, $0.value) }
            .sorted { SearchShard.precedes($0.0, $1.0) }
        var out = SearchShard.begin(number)
        var size = (terms: 0, termBytes: 0, postings: 0)
        for (position, (_, term, postings)) in sorted.enumerated() {
            term.withUnsafeBufferPointer { term in
                SearchShard.appendTerm(term, first: position == 0, count: postings.count, to: &out,
                                       document: { postings[$0].document }, score: { postings[$0].score })
            }
            size = (size.terms + 1, size.termBytes + term.count, size.postings + postings.count)
        }
        out += SearchShard.end
        return (out, size)
    }
}
