import Foundation
import Testing
@testable import PostmortemKit

/// The analysis stage's related and similar incidents, and its text
/// similarity, against straightforward reference computations (every pair
/// compared, strings throughout) on a generated knowledge base: the indexes,
/// term numbers and heaps change the cost, never the answer, bit for bit.
@Suite struct AnalysisReferenceTests {
    // MARK: A generated knowledge base

    /// A small deterministic generator (a linear congruential one): the same set on every run.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func pick<T>(_ values: [T]) -> T { values[next(values.count)] }
    }

    static let english = ["pool", "pools", "exhausted", "exhausting", "connection", "database", "timeout", "timeouts",
                          "certificate", "expired", "deploy", "deployed", "cache", "classes", "queue", "retries",
                          "retrying", "dns", "disk", "full", "memory", "leak", "the", "was", "when", "after", "a"]
    static let japanese = ["接続プールが枯渇した", "証明書の期限切れ", "デプロイ後にキャッシュが壊れた", "ディスクが満杯",
                           "メモリリークが発生", "台風による停電", "ｄｂ接続", "再試行が集中した"]
    static let categories = ["release-bug", "config-change", "capacity", "dependency-failure", "hardware", "attack",
                             "human-error", "traffic-overload", "provider-outage", "power-or-disaster"]
    static let services = ["api", "web", "database", "queue", "auth", "search", "billing", "mail"]
    static let tags = ["db", "network", "release", "security", "cache", "dns", "storage", "latency", "tls", "infra"]

    /// `count` postmortem files: causes (some keys shared, some categories), services, tags, dates (some
    /// equal, some missing), `related` lists and body links, and stories in English and Japanese.
    static func files(count: Int, seed: UInt64) -> [(String, String)] {
        var random = Generator(state: seed)
        func sentence() -> String {
            (0..<(3 + random.next(8))).map { _ in random.next(4) == 0 ? random.pick(japanese) : random.pick(english) }
                .joined(separator: " ")
        }
        func list(_ values: [String], most: Int) -> String {
            var chosen: [String] = []
            for _ in 0..<random.next(most + 1) { chosen.append(random.pick(values)) }  // repeats on purpose
            return "[" + chosen.joined(separator: ", ") + "]"
        }
        return (0..<count).map { number in
            // Every tenth id repeats an earlier one: the first of an id is the one indexed.
            let id = number % 10 == 9 ? "P\(number - 5)" : "P\(number)"
            var lines = ["id: \(id)", "title: \(sentence())"]
            if random.next(6) != 0 { lines.append("date: 2024-0\(1 + random.next(3))-1\(random.next(3))") }
            let causes = (0..<(1 + random.next(2))).map { _ in
                "{key: cause-\(random.next(count / 4)), category: \(random.pick(categories)), summary: \(sentence())}"
            }
            lines.append("cause: [\(causes.joined(separator: ", "))]")
            lines.append("services: \(list(services, most: 2))")
            lines.append("tags: \(list(tags, most: 3))")
            if random.next(3) == 0 { lines.append("trigger: \(sentence())") }
            if random.next(8) == 0 { lines.append("related: [P\(random.next(count)), NOWHERE]") }
            var body = "# \(id)\n\n## Root cause\n\n\(sentence()) \(sentence())\n"
            if random.next(10) == 0 { body += "\nSee [the other one](p\(random.next(count)).md).\n" }
            return ("p\(number)-\(id.lowercased()).md", frontMatter(lines.joined(separator: "\n"), body: body))
        }
    }

    static let postmortems: [Postmortem] = {
        let sources = files(count: 120, seed: 8).map { SourceFile(path: $0.0, text: $0.1) }
        return LoadStage.load(sources, configuration: .default).postmortems
    }()

    // MARK: References

    /// `TextSimilarity.terms` as first written: a `String` per word, characters counted as Swift counts them.
    static func referenceTerms(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var word = ""
        var cjk: [Unicode.Scalar] = []
        func flushWord() {
            if word.count >= 2, !TextSimilarity.stopWords.contains(word) { counts[TextSimilarity.stem(word), default: 0] += 1 }
            word = ""
        }
        func flushCJK() {
            if cjk.count == 1 {
                counts[String(cjk[0]), default: 0] += 1
            } else if cjk.count > 1 {
                for index in 0..<(cjk.count - 1) {
                    if TextSimilarity.isHiragana(cjk[index]), TextSimilarity.isHiragana(cjk[index + 1]) { continue }
                    var pair = ""
                    pair.unicodeScalars.append(cjk[index])
                    pair.unicodeScalars.append(cjk[index + 1])
                    counts[pair, default: 0] += 1
                }
            }
            cjk = []
        }
        for scalar in text.compatibilityFolded.lowercased().unicodeScalars {
            if TextSimilarity.isCJK(scalar) {
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

    /// Every pair's cosine by merging the two vectors in term order, kept when the pair shares one
    /// of the first story's `candidateTerms` most telling terms (held by at most `postingLimit` stories).
    static func referenceNeighbours(_ postmortems: [Postmortem]) -> [[(index: Int, cosine: Double)]] {
        let documents = postmortems.map { referenceTerms(TextSimilarity.story($0)) }
        var frequency: [String: Int] = [:]
        for document in documents { for term in document.keys { frequency[term, default: 0] += 1 } }
        let count = Double(max(1, documents.count)), common = max(2, documents.count / 2)
        let vectors: [[(term: String, weight: Double)]] = documents.map { document in
            var raw: [(term: String, weight: Double)] = []
            for (term, tf) in document {
                let df = frequency[term] ?? 0
                if df <= common { raw.append((term, (1 + log(Double(tf))) * log(count / Double(df)))) }
            }
            raw.sort { $0.term < $1.term }
            let norm = raw.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
            return norm > 0 ? raw.map { ($0.term, $0.weight / norm) } : []
        }
        return vectors.indices.map { index in
            let telling = vectors[index].sorted { ($0.weight, $1.term) > ($1.weight, $0.term) }.prefix(TextSimilarity.candidateTerms)
                .map(\.term).filter { term in vectors.count(where: { $0.contains { $0.term == term } }) <= TextSimilarity.postingLimit }
            var found: [(index: Int, cosine: Double)] = []
            for other in vectors.indices where other != index && vectors[other].contains(where: { telling.contains($0.term) }) {
                var cosine = 0.0, a = 0, b = 0
                let (x, y) = (vectors[index], vectors[other])
                while a < x.count, b < y.count {
                    if x[a].term == y[b].term {
                        cosine += x[a].weight * y[b].weight
                        a += 1
                        b += 1
                    } else if x[a].term < y[b].term { a += 1 } else { b += 1 }
                }
                if cosine >= TextSimilarity.threshold { found.append((other, cosine)) }
            }
            return found.sorted { ($0.cosine, -$0.index) > ($1.cosine, -$1.index) }
        }
    }

    /// Every page against every other postmortem: reasons, what is shared, scores, sorted in full.
    static func referenceIndex(_ postmortems: [Postmortem], limit: Int) -> [String: RelatedIncidents] {
        let members = postmortems.indices.filter { index in postmortems.firstIndex { $0.id == postmortems[index].id } == index }
        let text = referenceNeighbours(postmortems)
        func values(_ p: Postmortem) -> RelatedIncidents.Values { RelatedIncidents.Values(p) }
        var result: [String: RelatedIncidents] = [:]
        for member in members {
            let p = postmortems[member]
            func likeness(_ other: Int) -> Similarity {
                let mine = values(p), theirs = values(postmortems[other])
                return Similarity(causeKeys: mine.causes.filter(theirs.causes.contains),
                                  categories: mine.categories.filter(theirs.categories.contains),
                                  services: mine.services.filter(theirs.services.contains),
                                  tags: mine.tags.filter(theirs.tags.contains),
                                  text: text[member].first { $0.index == other }?.cosine ?? 0)
            }
            var related: [RelatedIncident] = []
            var similar: [SimilarIncident] = []
            for other in members where other != member {
                let q = postmortems[other]
                let reasons = RelatedIncident.Reason.allCases.filter { reason in
                    switch reason {
                    case .listed: p.related.contains(q.id)
                    case .linkedFromText: p.body.linkedPostmortems.contains(q.id)
                    case .linksHere: q.related.contains(p.id) || q.body.linkedPostmortems.contains(p.id)
                    }
                }
                if !reasons.isEmpty {
                    related.append(RelatedIncident(postmortem: q, reasons: reasons, shared: likeness(other)))
                } else if !likeness(other).isEmpty {
                    similar.append(SimilarIncident(postmortem: q, shared: likeness(other)))
                }
            }
            related.sort { newerFirst($0.postmortem, $1.postmortem) }
            similar.sort { $0.score != $1.score ? $0.score > $1.score : newerFirst($0.postmortem, $1.postmortem) }
            result[p.id] = RelatedIncidents(related: related, similar: Array(similar.prefix(limit)))
        }
        return result
    }

    /// The site's order, written plainly: newest first, undated last, then by id.
    static func newerFirst(_ a: Postmortem, _ b: Postmortem) -> Bool {
        switch (a.date, b.date) {
        case let (x?, y?) where x != y: return x > y
        case (nil, _?): return false
        case (_?, nil): return true
        default: return Array(a.id.utf8).lexicographicallyPrecedes(b.id.utf8)
        }
    }

    // MARK: Tests

    @Test func newestFirstIsTheSitesOrderWrittenPlainly() {
        // Equal dates, missing dates and repeated ids among them; a stable sort keeps repeats in their order.
        let all = Self.postmortems
        #expect(all.contains { $0.date == nil } && Set(all.compactMap(\.date)).count < all.count { $0.date != nil })
        let order = Postmortem.newestFirst(all)
        let expected = all.indices.sorted { Self.newerFirst(all[$0], all[$1]) }
        #expect(order == expected)
        let members = all.indices.filter { $0 % 3 != 1 }
        #expect(Postmortem.newestFirst(all, members: members) == expected.filter { $0 % 3 != 1 })
    }

    @Test func termsAreTheReferenceTermsOnEveryKindOfText() {
        let texts = Self.postmortems.map(TextSimilarity.story) + [
            "", "a", "ab", "Classes glasses pass passes reading ionization ion", "Café naïve ÉCOLE résumé über",
            "e\u{301}cole cafe\u{301}s", "ＤＢ接続プールが枯渇しました。ﾃｽﾄ", "한국어 텍스트와 ㄱㄴ", "Ωmega ΣΙΣΥΦΟΣ straße",
            "x1 42 abc123 ＡＢＣ１２３", "した ている 漢 字 漢字 ア", "emoji 🔥 fire\u{200D}works नमस्ते दुनिया",
        ]
        for text in texts {
            #expect(TextSimilarity.terms(text) == Self.referenceTerms(text), "\(text)")
        }
    }

    @Test func neighboursAreTheReferenceNeighboursBitForBit() {
        let all = Self.postmortems
        let neighbours = TextSimilarity.neighbours(all), reference = Self.referenceNeighbours(all)
        #expect(neighbours.count == reference.count)
        #expect(neighbours.contains { !$0.isEmpty }, "the generated stories meet")
        for (index, (list, expected)) in zip(neighbours, reference).enumerated() {
            #expect(list.map(\.index) == expected.map(\.index), "story \(index)")
            #expect(list.map(\.cosine.bitPattern) == expected.map(\.cosine.bitPattern), "story \(index)")
        }
    }

    @Test(arguments: [0, 1, 5, 1000])
    func relatedAndSimilarAreTheReferenceLists(limit: Int) throws {
        let all = Self.postmortems
        // The reference compares every pair; the index looks at the nearest `candidateWindow` holders of
        // each value: the same answer wherever no value has more holders than that, as here.
        var holders: [String: Int] = [:]
        for p in all {
            let values = RelatedIncidents.Values(p)
            let named = values.causes + values.categories.map { "category " + $0 } + values.services.map { "service " + $0 }
                + values.tags.map { "tag " + $0 }
            for value in named { holders[value, default: 0] += 1 }
        }
        try #require(holders.values.allSatisfy { $0 <= RelatedIncidents.candidateWindow })
        let index = RelatedIncidents.index(all, similarLimit: limit), reference = Self.referenceIndex(all, limit: limit)
        #expect(index.keys.sorted() == reference.keys.sorted())
        #expect(index.values.contains { !$0.related.isEmpty } && index.values.contains { $0.similar.count >= min(limit, 3) })
        for (id, expected) in reference {
            let page = try #require(index[id])
            #expect(page.related.map(\.id) == expected.related.map(\.id), "\(id)")
            #expect(page.related.map(\.reasons) == expected.related.map(\.reasons), "\(id)")
            #expect(page.related.map(\.shared) == expected.related.map(\.shared), "\(id)")
            #expect(page.similar.map(\.id) == expected.similar.map(\.id), "\(id)")
            #expect(page.similar.map(\.shared) == expected.similar.map(\.shared), "\(id)")
        }
    }

    @Test func theBestFewAreTheFirstOfAFullSort() {
        var random = Generator(state: 3)
        for limit in [0, 1, 2, 5, 40] {
            let entries = (0..<200).map { position in
                RelatedIncidents.Best.Entry(score: random.next(6), rank: random.next(1000) * 1000 + position, position: position)
            }
            var best = RelatedIncidents.Best(limit: limit)
            for entry in entries { best.offer(entry) }
            #expect(best.sorted().map(\.position) == entries.sorted { $0.precedes($1) }.prefix(limit).map(\.position))
        }
    }
}
