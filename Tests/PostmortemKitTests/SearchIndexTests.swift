import Foundation
import Testing
@testable import PostmortemKit

/// The split search index (data/search-index.js, data/search/*.js) and the terms it is cut into.
@Suite struct SearchIndexTests {
    @Test func japaneseGivesCharactersAndPairsOtherTextWords() {
        #expect(SearchTerms.terms(folded: SearchTerms.fold("DB接続プール, ｐｏｏｌ-Size")) ==
                ["db", "接", "続", "接続", "プ", "続プ", "ー", "プー", "ル", "ール", "pool", "size"])
        #expect(SearchTerms.terms(folded: "") == [])
        #expect(SearchTerms.terms(folded: String(repeating: "a", count: 60)) == [String(repeating: "a", count: 40)])
    }

    @Test func aWordsShardDependsOnItsFirstThreeCharactersOnly() {
        #expect(SearchTerms.shard(of: "connection", count: 64) == SearchTerms.shard(of: "con", count: 64))
        // Kana and kanji terms are one or two characters: a query looks each one up whole.
        #expect(SearchTerms.terms(folded: "接続プールが枯渇").allSatisfy { $0.unicodeScalars.count <= 2 })
        // FNV-1a, the same in search.js: "a" → 0xE40C292C.
        #expect(SearchTerms.shard(of: "a", count: 1 << 30) == Int(UInt32(0xE40C_292C) % UInt32(1 << 30)))
    }

    /// The index cuts terms out of folded UTF-8 bytes; the same terms, in the same order, and the same shards as
    /// cutting the `String` that `search.js` mirrors.
    @Test func termsCutFromBytesAreTheTermsCutFromTheString() {
        let texts = ["DB接続プール, ｐｏｏｌ-Size", "Café au lait — naïve coöperation", String(repeating: "é", count: 50) + " x",
                     "ｶﾞｲﾄﾞ㍿の手順書①②", "Σίσυφος ΑΘΗΝΑ 𠮷野家 p99 = 3.2s", "αβγ ab 1", "", "   ", "ー", "İstanbul"]
        for text in texts {
            let folded = SearchTerms.fold(text)
            var fromBytes: [String] = []
            var copy = folded
            copy.withUTF8 { bytes in
                SearchTerms.forEachTerm(foldedUTF8: bytes) { fromBytes.append(String(decoding: $0, as: UTF8.self)) }
            }
            let fromString = SearchTerms.terms(folded: text.precomposedStringWithCompatibilityMapping.lowercased())
            #expect(fromBytes.map { Array($0.utf8) } == fromString.map { Array($0.utf8) }, "\(text)")
            for term in fromBytes {
                var term = term
                let shard = term.withUTF8 { SearchTerms.shard(ofUTF8: $0, count: 1024) }
                #expect(shard == SearchTerms.shard(of: term, count: 1024), "\(term)")
            }
        }
    }

    /// The shard files, decoded: term → [(document, score)].
    func postings(_ files: [String: [UInt8]]) throws -> [String: [(Int, Int)]] {
        var all: [String: [(Int, Int)]] = [:]
        for (path, bytes) in files where path.hasPrefix("data/search/terms-") {
            let text = String(decoding: bytes, as: UTF8.self)
            let json = try #require(text.firstIndex(of: "{").map { String(text[$0...].dropLast(3)) })
            let table = try JSONDecoder().decode([String: [Int]].self, from: Data(json.utf8))
            let number = Int(path.dropFirst("data/search/terms-".count).dropLast(3))
            for (term, flat) in table {
                #expect(SearchTerms.shard(of: term, count: files.keys.count { $0.hasPrefix("data/search/terms-") }) == number,
                        "\(term) is in its shard")
                var document = 0
                all[term] = stride(from: 0, to: flat.count, by: 2).map { i in
                    document += flat[i]
                    return (document, flat[i + 1])
                }
            }
        }
        return all
    }

    @Test func everyTermPointsToTheDocumentsThatHoldItWithTitleHitsFirst() throws {
        let a = try #require(postmortem(frontMatter("id: INC-1\ndate: 2025-02-01\ntitle: Connection pool exhausted",
                                                    body: "# T\n\nThe pool ran dry.\n")))
        let b = try #require(postmortem(frontMatter("id: INC-2\ndate: 2025-01-01\ntitle: 予約一覧が遅い",
                                                    body: "# T\n\nDB接続プールが枯渇した。connection は再利用。\n")))
        let context = PageContext(configuration: .default, now: Date(timeIntervalSince1970: 0))
        let files = try SearchIndex.files([a, b], context: context)
        let manifest = String(decoding: try #require(files["data/search-index.js"]), as: UTF8.self)
        #expect(manifest == "window.POSTMORTEM_SEARCH = {\"chunk\":500,\"documents\":2,\"shards\":1,\"version\":2};\n")
        let docs = String(decoding: try #require(files["data/search/docs-0.js"]), as: UTF8.self)
        #expect(docs.hasPrefix(#"POSTMORTEM_SEARCH_DOCS(0,[["incidents/INC-1.html","INC-1","Connection pool exhausted","2025-02-01""#))
        let index = try postings(files)
        #expect(index["pool"]?.map(\.0) == [0])
        #expect(index["接続"]?.map(\.0) == [1])
        #expect(index["プー"]?.map(\.0) == [1])
        // Scores ×10, summed over fields: the title (10) against the summary (4, the body's first
        // paragraph here) and the body (1).
        let connection = try #require(index["connection"])
        #expect(connection.map(\.0) == [0, 1])
        #expect(connection[0].1 == 100 && connection[1].1 == 50)
        #expect(index["pool"]?.first?.1 == 150)
    }

    @Test func theIndexSplitsIntoMoreShardsAsItGrows() throws {
        // Words of four letters from a small alphabet: many different first three letters.
        let letters = Array("abcdefghij")
        func word(_ k: Int) -> String { String([letters[k % 10], letters[k / 10 % 10], letters[k / 100 % 10], letters[k / 1000 % 10]]) }
        let many = try (0..<300).map { n in
            try #require(postmortem(frontMatter("id: INC-\(n)\ndate: 2025-01-01\ntitle: Outage number \(n)",
                                                body: "# T\n\n" + (0..<50).map { word(($0 * 31 + n * 17) % 10_000) }.joined(separator: " ") + "\n")))
        }
        let files = try SearchIndex.files(many, context: PageContext(configuration: .default, now: Date()))
        let shards = files.keys.count { $0.hasPrefix("data/search/terms-") }
        #expect(shards > 1 && shards & (shards - 1) == 0, "a power of two: \(shards)")
        #expect(files.keys.count { $0.hasPrefix("data/search/docs-") } == 1)
        #expect(files.filter { $0.key.hasPrefix("data/search/terms-") }.values.allSatisfy { $0.count < 2 * SearchIndex.shardBytes },
                "\(files.mapValues(\.count).sorted { $0.key < $1.key })")
        let index = try postings(files)
        #expect(index["outage"]?.count == 300)
    }
}
