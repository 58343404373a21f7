import Foundation

/// The search index, built at generation time and read by `search.html`
/// with plain `<script>` tags, so search works from `file://` and without a
/// server. It is split so that a search loads only what it needs:
///
/// - `data/search-index.js`: how many documents and shards there are;
/// - `data/search/terms-K.js`: shard K of the inverted index, term →
///   documents with a score (a hit's field weight, 10 for the title down to
///   1 for the body, times 1 + ln(occurrences), summed over fields);
/// - `data/search/docs-N.js`: what a result shows (title, date, summary…)
///   for documents N × chunk ..< (N + 1) × chunk, newest first.
///
/// Terms are cut by `SearchTerms`; a query term must be found in every
/// result. The number of shards grows with the index (a power of two,
/// about 48 KB each), so each stays small at any size.
enum SearchIndex {
    struct Document: Sendable {
        /// Page, relative to the site root.
        let url: String
        let id: String
        let title: String
        let date: String?
        let severity: String?
        let status: String
        /// The one-line summary shown under the title.
        let summary: String
        /// Cause categories, keys and summaries; the trigger.
        let causes: String
        /// Services, tags, authors.
        let facets: String
        /// The postmortem's body, whose plain text is read only when its terms
        /// are not in the memo (a list of results needs none of it: `Body.Rest`).
        let source: Body
        var body: BodyText { source.readingText }
    }

    /// Documents per `docs-N.js` file.
    static let chunk = 500
    static let shardBytes = 48_000

    static func documents(_ ordered: [Postmortem], context: PageContext) -> [Document] {
        Parallel.map(ordered, minimumChunk: 256) { p in
            let causes = p.causes.flatMap { cause in
                [context.categoryLabel(cause.category), cause.key, cause.summary].compactMap { $0 }
            } + [p.trigger].compactMap { $0 }
            return Document(
                url: SitePaths.urlPath(SitePaths.incidentPage(id: p.id)), id: p.id, title: p.title,
                date: p.date.map { "\($0)" }, severity: p.severity, status: context.statusLabel(p.status.rawValue),
                summary: p.description ?? p.impact?.summary ?? p.body.summary,
                causes: causes.joined(separator: " · "),
                facets: (p.services + p.tags + p.authors).joined(separator: " "),
                source: p.body)
        }
    }

    /// The fields a document's terms are scored in, with their weights, the body last.
    static func weightedFields(_ document: Document) -> [(String, Double)] {
        shortFields(document) + [(document.body.string, bodyWeight)]
    }

    /// The fields before the body.
    static func shortFields(_ document: Document) -> [(String, Double)] {
        [(document.title, 10), (document.id, 8), (document.causes, 5), (document.summary, 4), (document.facets, 3)]
    }

    static let bodyWeight = 1.0

    /// Every file of the index: site path → bytes; deterministic.
    static func files(_ ordered: [Postmortem], context: PageContext) throws -> [String: [UInt8]] {
        let plan = OutputPlan()
        try write(ordered, context: context, into: MemoizedSink(sink: plan, memo: nil))
        return plan.files
    }

    /// Puts every file of the index into `sink`. After a few edits that
    /// left the documents' order as it was, the last build's shards are
    /// patched (`SearchIndexPatch`: only the shards whose terms changed are
    /// written, the others kept); else every shard is made from every
    /// document's terms (`writeTerms`), which `memo` keeps a document at a
    /// time. `state` keeps what the next build needs to patch this one's.
    static func write<Sink: SiteSink>(_ ordered: [Postmortem], context: PageContext, memo: DigestMemo? = nil,
                                      state: DigestMemo? = nil, global: UInt64 = 0, into sink: MemoizedSink<Sink>) throws {
        let last = state?.value(for: 0, read: SearchIndexState.init(from:))
        let revisions = ordered.map(\.revision)
        // The documents whose postmortems are the last build's (by revision, under the same global key) have
        // the digests they had: those are not made, unless the whole index is (`writeTerms`).
        let known: [Bool] = {
            guard let last, global != 0, last.global == global, last.revisions.count == ordered.count,
                  last.documents.count == ordered.count else { return [Bool](repeating: false, count: ordered.count) }
            return zip(revisions, last.revisions).map { $0 != 0 && $0 == $1 }
        }()
        let unknown = known.indices.filter { !known[$0] }
        let made = Profile.measure("search index: documents") {
            Dictionary(uniqueKeysWithValues: zip(unknown, Self.documents(unknown.map { ordered[$0] }, context: context)))
        }
        var digests = last.map { last in known.indices.map { known[$0] ? last.documents[$0] : 0 } }
            ?? [UInt64](repeating: 0, count: ordered.count)
        Profile.measure("search index: digests") {
            for (position, digest) in zip(unknown, Parallel.map(unknown.map { made[$0]! }, minimumChunk: 256, SearchPostings.digest)) {
                digests[position] = digest
            }
        }
        /// The documents at `positions`: those made above, and the others made now, together.
        func documents(at positions: [Int]) -> [Document] {
            let missing = positions.filter { made[$0] == nil }
            let extra = Dictionary(uniqueKeysWithValues: zip(missing, Self.documents(missing.map { ordered[$0] }, context: context)))
            return positions.map { made[$0] ?? extra[$0]! }
        }
        func document(_ position: Int) -> Document { documents(at: [position])[0] }
        let patched = try last.flatMap { last in
            try Profile.measure("search index: patch") {
                try SearchIndexPatch.apply(to: last, document: document, digests: digests, terms: memo, into: sink)
            }
        }
        // After a patch the memo stays as the last full index left it: the edited documents' terms came from their fields.
        if patched != nil { memo?.leave() }
        var index = try patched ?? writeTerms(documents(at: Array(ordered.indices)), digests: digests, memo: memo, into: sink)
        index.revisions = revisions
        index.global = global
        state?.keep(0) { index.write(to: &$0) }
        state?.finish()
        let started = Profile.start()
        defer { Profile.add("search index: document lists", since: started) }
        // [[url, id, title, date, severity, status, summary]…], script-safe (see `JSONWriter.scriptSafe`). A list
        // whose postmortems are all the last build's (by revision) is that build's file, kept without being made.
        for start in stride(from: 0, to: ordered.count, by: chunk) {
            let range = start..<min(start + chunk, ordered.count)
            let key = StableHasher.digest { hasher in
                hasher.combine(global)
                hasher.combine(ordered.count)
                hasher.combine(start)
                for position in range { hasher.combine(revisions[position]) }
            }
            let path = "data/search/docs-\(start / chunk).js"
            let list = { () -> [UInt8] in
                var json = JSONWriter(scriptSafe: true, capacity: 300 * range.count + 64)
                json.bytes += "POSTMORTEM_SEARCH_DOCS(\(start / chunk),".utf8
                json.beginArray()
                for d in documents(at: Array(range)) {
                    json.beginArray()
                    for field in [d.url, d.id, d.title, d.date ?? "", d.severity ?? "", d.status, d.summary] { json.string(field) }
                    json.endArray()
                }
                json.endArray()
                json.raw(");\n")
                return json.bytes
            }
            // Without a global key (tests), or with a revision unknown, every list is made.
            if global != 0, !range.contains(where: { revisions[$0] == 0 }) {
                try sink.put(path, key: key, page: false, make: list)
            } else {
                try sink.sink.put(path, list())
            }
        }
        let manifest = #"{"chunk":\#(chunk),"documents":\#(ordered.count),"shards":\#(index.shardKeys.count),"version":2}"#
        try sink.sink.put("data/search-index.js", Array("window.POSTMORTEM_SEARCH = \(manifest);\n".utf8))
    }

    /// How many shards an index of these sizes is cut into: a power of two,
    /// about `shardBytes` each, at most 4,096.
    static func shardCount(termBytes: Int, terms: Int, postings: Int) -> Int {
        let estimate = termBytes + 4 * terms + 7 * postings
        var count = 1
        while count < 4096 && estimate / count > shardBytes { count *= 2 }
        return count
    }

    /// Every shard made from every document's terms. Terms are found on
    /// every core, a run of documents each, and numbered; the runs are
    /// merged in document order, and each shard is put as soon as it is
    /// laid out (a shard whose bytes are the last build's is kept as it is).
    static func writeTerms<Sink: SiteSink>(_ documents: [Document], digests: [UInt64], memo: DigestMemo?,
                                           into sink: MemoizedSink<Sink>) throws -> SearchIndexState {
        let runCount = min(Parallel.workers * 4, max(1, documents.count / 64))
        let runs = Parallel.map(Array(0..<runCount), minimumChunk: 1) { run in
            let range = documents.count * run / runCount..<documents.count * (run + 1) / runCount
            return SearchPostings.make(documents[range], digests: digests[range], memo: memo)
        }
        memo?.finish()
        let index = InvertedIndex(consume runs)
        let shardCount = shardCount(termBytes: index.terms.bytes.count, terms: index.count, postings: index.postingCount)
        let shardOf = (0..<index.count).map { term in
            index.terms.withTerm(term) { SearchTerms.shard(ofUTF8: $0, count: shardCount) }
        }
        var grouped = [[Int]](repeating: [], count: shardCount)
        for (term, shard) in shardOf.enumerated() { grouped[shard].append(term) }
        let shards = grouped

        // The shards in `partCount` groups, each laid out term by term on its
        // own (a sixteenth of the postings at a time beside the runs); each
        // shard of a group on every core.
        var keys = [UInt64](repeating: 0, count: shardCount)
        var sizes = [UInt64](repeating: 0, count: 3 * shardCount)
        let partCount = min(shardCount, 16)
        for part in 0..<partCount {
            let numbers = shardCount * part / partCount..<shardCount * (part + 1) / partCount
            let postings = index.part(including: shardOf.map(numbers.contains))
            let made = Parallel.map(Array(numbers), minimumChunk: 1) { number -> Result<(UInt64, [UInt64]), any Error> in
                let sorted = shards[number].map { term in (index.terms.withTerm(term) { String(decoding: $0, as: UTF8.self) }, term) }
                    .sorted { SearchShard.precedes($0.0, $1.0) }
                var out = SearchShard.begin(number)
                var size: [UInt64] = [UInt64(sorted.count), 0, 0]
                for (position, (_, term)) in sorted.enumerated() {
                    let start = postings.starts[term]
                    index.terms.withTerm(term) { bytes in
                        SearchShard.appendTerm(bytes, first: position == 0, count: postings.starts[term + 1] - start, to: &out,
                                               document: { postings.documents[start + $0] }, score: { postings.scores[start + $0] })
                        size[1] += UInt64(bytes.count)
                    }
                    size[2] += UInt64(postings.starts[term + 1] - start)
                }
                out += SearchShard.end
                let key = out.withUnsafeBytes(BodyText.digest)
                return Result { try sink.put(SearchShard.path(number), key: key, page: false) { out }; return (key, size) }
            }
            for (number, result) in zip(numbers, made) {
                let (key, size) = try result.get()
                keys[number] = key
                sizes.replaceSubrange(3 * number..<3 * number + 3, with: size)
            }
        }
        return SearchIndexState(documents: digests, shardKeys: keys, shardSizes: sizes)
    }

    /// `String(value)`'s digits, appended as bytes.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var count = 1, rest = magnitude
        while rest >= 10 { rest /= 10; count += 1 }
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var index = out.count - 1
        repeat {
            out[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }
}

extension PageContext {
    /// `search.html`: the form and the place for results; the script and the
    /// index do the rest in the browser.
    func searchPage(documentCount: Int) -> [String: Any] {
        var page = base(pageTitle: labels["search"] ?? "Search", root: "", nav: "search")
        page["documentCount"] = documentCount
        return page
    }
}
