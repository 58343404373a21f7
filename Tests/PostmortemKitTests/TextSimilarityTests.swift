import Foundation
import Testing
@testable import PostmortemKit

/// Stories told in other words still meet; unrelated ones do not.
@Suite struct TextSimilarityTests {
    func incidents(_ files: [(String, String)]) -> [Postmortem] {
        LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: .default).postmortems
    }

    @Test func termsCutJapaneseIntoPairsAndEnglishIntoStemmedWords() {
        let terms = TextSimilarity.terms("DB接続プールが枯渇した. The pools were exhausted")
        #expect(terms["接続"] == 1 && terms["プー"] == 1 && terms["枯渇"] == 1)
        #expect(terms["した"] == nil, "pairs of hiragana are grammar")
        #expect(terms["db"] == 1 && terms["pool"] == 1 && terms["exhaust"] == 1)
        #expect(terms["the"] == nil && terms["were"] == nil, "stop words")
        #expect(TextSimilarity.stem("exhausting") == "exhaust" && TextSimilarity.stem("class") == "class")
    }

    static let rephrased: [(String, String)] = [
        ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: n-plus-one, summary: 予約一覧APIのN+1クエリでDB接続プールが枯渇した}")),
        ("b.md", frontMatter("id: B\ndate: 2024-06-01\ncause: {key: slow-list-query, summary: 一覧画面のN+1クエリによりデータベースの接続プールが枯渇}")),
        ("c.md", frontMatter("id: C\ndate: 2024-08-15\ncause: {key: typhoon, summary: 台風による停電でデータセンターが停止した}")),
        ("d.md", frontMatter("id: D\ndate: 2024-09-01\ncause: {key: cert, summary: TLS certificate expired on the API gateway}")),
    ]

    /// A story's key (what the memos find its terms and the neighbours by) changes with its root cause,
    /// not with the body's other sections, read or not.
    @Test func aStorysKeyChangesWithItsRootCauseOnly() {
        func body(_ rootCause: String, _ timeline: String) -> String {
            frontMatter("id: A\ndate: 2024-01-01") + "\n## Timeline\n\n\(timeline)\n\n## Root cause\n\n\(rootCause)\n\n## Lessons learned\n\nMore tests.\n"
        }
        let keys = incidents([("a.md", body("The pool ran dry.", "10:00 alert")), ("b.md", body("The pool ran dry.", "10:05 alert, paged")),
                              ("c.md", body("The pool ran dry again.", "10:00 alert"))]).map(TextSimilarity.storyKey)
        #expect(keys[0] == keys[1], "another section edited")
        #expect(keys[0] != keys[2], "the root cause edited")
    }

    @Test func aRephrasedJapaneseCauseIsFoundAndAnUnrelatedOneIsNot() {
        let all = incidents(Self.rephrased)
        let neighbours = TextSimilarity.neighbours(all)
        let ids = { (index: Int) in neighbours[index].map { all[$0.index].id } }
        #expect(ids(0) == ["B"])
        #expect(ids(1) == ["A"])
        #expect(ids(2).isEmpty && ids(3).isEmpty)
        #expect(neighbours[0].first?.cosine == neighbours[1].first?.cosine, "cosine is symmetric")
    }

    @Test func textLikenessMakesTheOtherStorySimilarOnItsPage() throws {
        let all = incidents(Self.rephrased)
        let related = RelatedIncidents.index(all)
        let similar = try #require(related["A"]?.similar.first)
        #expect(similar.id == "B" && similar.shared.causeKeys.isEmpty && similar.shared.text >= TextSimilarity.threshold)
    }

    @Test func theSameInputGivesTheSameBits() {
        let first = TextSimilarity.neighbours(incidents(Self.rephrased))
        let second = TextSimilarity.neighbours(incidents(Self.rephrased.reversed()).reversed())
        #expect(first.map { $0.map(\.cosine) } == second.map { $0.map(\.cosine) })
    }

    @Test func checkSuggestsMergingTheKeysOfOneStory() throws {
        let merges = TextSimilarity.suggestedMerges(incidents(Self.rephrased), minimum: 0.2)
        let merge = try #require(merges.first)
        #expect(merges.count == 1)
        #expect(merge.key == "n-plus-one" && merge.alias == "slow-list-query" && merge.incidents == ("A", "B"))
        #expect(merge.description.hasSuffix("if so, add to postmortem.yml: cause_aliases: {n-plus-one: [slow-list-query]}"))
        // Once merged, they are one cause, and nothing is left to suggest.
        var configuration = SiteConfiguration.default
        configuration.causeAliases = ["slow-list-query": "n-plus-one"]
        let merged = LoadStage.load(Self.rephrased.map { SourceFile(path: $0.0, text: $0.1) }, configuration: configuration)
        #expect(TextSimilarity.suggestedMerges(merged.postmortems, minimum: 0.2).isEmpty)
    }
}
