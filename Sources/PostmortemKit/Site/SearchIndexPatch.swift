import Foundation

/// What a build keeps of its search index for the next build to patch
/// (`DigestMemos.searchIndex`, one value): each document's digest
/// (`SearchPostings.digest`, what its terms are scored from) in the
/// index's order, each shard's key (the digest of the bytes written) and
/// sizes, and the terms of the documents patched in since the last full
/// index (the terms memo has every other document's, by its digest).
struct SearchIndexState: ByteCodable, Equatable {
    var documents: [UInt64]
    var shardKeys: [UInt64]
    /// Per shard, three numbers: its terms, the bytes of its terms, its postings.
    var shardSizes: [UInt64]
    /// Terms of documents the memo does not hold, as it would hold them (`SearchPostings.KeptTerms`).
    var patchedTerms: [KeptDocument]
    /// Each document's postmortem's revision, in the index's order, and the
    /// key of what every document is made from besides (`RenderMemo.global`):
    /// while both are the same, a document is too, and its digest is the one
    /// above, without making the document (0: unknown).
    var revisions: [UInt64] = []
    var global: UInt64 = 0

    struct KeptDocument: ByteCodable, Equatable {
        var digest: UInt64
        var terms: [UInt8]

        func write(to writer: inout ByteWriter) {
            writer.append(digest)
            writer.append(UInt64(terms.count))
            writer.bytes += terms
        }

        init(digest: UInt64, terms: [UInt8]) {
            self.digest = digest
            self.terms = terms
        }

        init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
            digest = try ByteReader.need(reader.uint64())
            let count = try ByteReader.need(reader.uint64())
            guard count <= UInt64(reader.remaining), let bytes = reader.take(Int(count)) else { throw ByteReader.Malformed() }
            terms = Array(bytes)
        }
    }

    func write(to writer: inout ByteWriter) {
        writer.write(documents)
        writer.write(shardKeys)
        writer.write(shardSizes)
        writer.write(patchedTerms)
        writer.write(revisions)
        writer.append(global)
    }

    init(documents: [UInt64], shardKeys: [UInt64], shardSizes: [UInt64], patchedTerms: [KeptDocument] = []) {
        self.documents = documents
        self.shardKeys = shardKeys
        self.shardSizes = shardSizes
        self.patchedTerms = patchedTerms
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        documents = try reader.read()
        shardKeys = try reader.read()
        shardSizes = try reader.read()
        patchedTerms = try reader.read()
        revisions = try reader.read()
        global = try ByteReader.need(reader.uint64())
        guard shardSizes.count == 3 * shardKeys.count else { throw ByteReader.Malformed() }
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
        /// The edited documents' postings in it are their new ones: the shard stays as it is.
        var unchanged = false
        /// When an edited document has a posting in the shard, or the edits
        /// add one: the shard, and the edited documents' postings in it (the
        /// few compared with what the edits add; the others are gathered only
        /// for a shard that changes).
        var touched: (bytes: [UInt8], parsed: SearchShard.Parsed, edited: Postings)?
    }

    /// Puts the patched index's shards into `sink` and gives its state, or
    /// gives nil having put nothing when the patch cannot be made. `terms`
    /// is the memo of the last full index's terms: with the state's, it
    /// holds the edited documents' old terms, so only the shards where
    /// those differ from the new ones are read back (else every shard is).
    /// `document(position)` makes the document at `position`: only the edited ones are asked for.
    static func apply<Sink: SiteSink>(to last: SearchIndexState, document: (Int) -> SearchIndex.Document, digests: [UInt64],
                                      terms memo: DigestMemo? = nil, into sink: MemoizedSink<Sink>) throws -> SearchIndexState? {
        let count = digests.count
        let shardCount = last.shardKeys.count
        guard last.documents.count == count, shardCount > 0, sink.memo != nil else { return nil }
        let changed = digests.indices.filter { digests[$0] != last.documents[$0] }
        guard changed.count <= limit(count) else { return nil }
        var isChanged = [Bool](repeating: false, count: count)
        for position in changed { isChanged[position] = true }
        let edited = isChanged

        func shard(of term: [UInt8]) -> Int { term.withUnsafeBufferPointer { SearchTerms.shard(ofUTF8: $0, count: shardCount) } }
        // The edited documents' new postings, by shard, and their terms as the memo would keep them.
        var additions = [Postings](repeating: [:], count: shardCount)
        var patchedTerms: [SearchIndexState.KeptDocument] = []
        for position in changed {
            let run = SearchPostings.make([document(position)][...])
            for posting in run.termIDs.indices {
                let term = run.terms.withTerm(Int(run.termIDs[posting])) { Array($0) }
                additions[shard(of: term)][term, default: []].append(Posting(document: Int32(position), score: run.scores[posting]))
            }
            var writer = ByteWriter()
            run.writeTerms(0..<run.termIDs.count, to: &writer)
            patchedTerms.append(SearchIndexState.KeptDocument(digest: digests[position], terms: writer.bytes))
        }
        // Documents patched in before and unchanged since keep their terms in the state; not too many of them.
        let present = Set(digests), patchedNow = Set(patchedTerms.map(\.digest))
        patchedTerms += last.patchedTerms.filter { present.contains($0.digest) && !patchedNow.contains($0.digest) }
        guard patchedTerms.count <= limit(count) else { return nil }

        // The edited documents' old postings, by shard, when the last build kept all their terms.
        let keptBefore = Dictionary(last.patchedTerms.map { ($0.digest, $0.terms) }, uniquingKeysWith: { first, _ in first })
        var removals: [Postings]? = [Postings](repeating: [:], count: shardCount)
        for position in changed {
            let digest = last.documents[position]
            let read = { (reader: inout ByteReader) throws(ByteReader.Malformed) in try SearchPostings.KeptTerms(from: &reader) }
            let old = keptBefore[digest].flatMap { ByteReader.whole($0, read) } ?? memo?.peek(for: digest, read: read)
            guard let old else {
                removals = nil
                break
            }
            for (index, end) in old.ends.enumerated() {
                let term = Array(old.bytes[(index == 0 ? 0 : old.ends[index - 1])..<end])
                removals?[shard(of: term)][term, default: []].append(Posting(document: Int32(position), score: old.scores[index]))
            }
        }

        // The last build's shards: their sizes, and the postings of those an edited document was in. A shard
        // whose old postings of the edited documents are their new ones is left unread: it stays as it is.
        let (sizesBefore, before, added) = (last.shardSizes, removals, additions)
        let read = Parallel.map(Array(0..<shardCount), minimumChunk: 16) { number -> OldShard? in
            let key = last.shardKeys[number], path = SearchShard.path(number)
            if let before, before[number] == added[number] {
                guard sink.hasPrevious(path, key: key) else { return nil }
                let size = sizesBefore[3 * number..<3 * number + 3].map { Int(clamping: $0) }
                return OldShard(terms: size[0], termBytes: size[1], postings: size[2], unchanged: true)
            }
            guard let bytes = sink.previous(path, key: key), bytes.withUnsafeBytes(BodyText.digest) == key,
                  let parsed = SearchShard.parse(bytes, number: number, documentCount: count) else { return nil }
            var shard = OldShard(terms: parsed.terms.count, termBytes: parsed.terms.reduce(0) { $0 + $1.count },
                                 postings: parsed.documents.count)
            guard parsed.documents.contains(where: { edited[Int($0)] }) else {
                // What the last build kept of the edited documents' terms must be what its shards hold.
                guard before.map({ $0[number].isEmpty }) ?? true else { return nil }
                // A shard that gets an edited document's postings, having held none of its
                // documents', is laid out again from all it held and those.
                if !added[number].isEmpty { shard.touched = (bytes, parsed, [:]) }
                return shard
            }
            let old = postings(of: bytes, parsed, where: { edited[Int($0)] })
            if let before, before[number] != old { return nil }
            shard.touched = (bytes, parsed, old)
            return shard
        }
        let old = read.compactMap { $0 }
        guard old.count == shardCount else { return nil }

        // The shards whose edited postings change, laid out again; the sizes of the whole index.
        var sizes = (terms: 0, termBytes: 0, postings: 0)
        var shardSizes = [UInt64](repeating: 0, count: 3 * shardCount)
        var remade: [(number: Int, bytes: [UInt8], key: UInt64)] = []
        for (number, shard) in old.enumerated() {
            var size = (terms: shard.terms, termBytes: shard.termBytes, postings: shard.postings)
            if !shard.unchanged, (shard.touched?.edited ?? [:]) != additions[number] {
                let kept = shard.touched.map { postings(of: $0.bytes, $0.parsed, where: { !edited[Int($0)] }) } ?? [:]
                let bytes: [UInt8]
                (bytes, size) = patched(kept, number: number, additions: additions[number])
                let key = bytes.withUnsafeBytes(BodyText.digest)
                if key != last.shardKeys[number] { remade.append((number, bytes, key)) }
            }
            sizes = (sizes.terms + size.terms, sizes.termBytes + size.termBytes, sizes.postings + size.postings)
            shardSizes.replaceSubrange(3 * number..<3 * number + 3, with: [size.terms, size.termBytes, size.postings].map(UInt64.init))
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
        return SearchIndexState(documents: digests, shardKeys: keys, shardSizes: shardSizes, patchedTerms: patchedTerms)
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
