import Foundation
import Testing
@testable import Markdown

@Suite struct OutlineTests {
    @Test(arguments: [
        ("根本原因", "根本原因"), ("Root Cause(s)", "root-causes"), ("Time line (times in UTC)", "time-line-times-in-utc"),
        ("What went wrong?", "what-went-wrong"), ("  Impact — customers  ", "impact-customers"), ("1. 概要", "1-概要"),
        ("C++ & Swift", "c-swift"), ("!!!", "section"), ("ＡＰＩ 障害", "ａｐｉ-障害"),
    ])
    func slugs(heading: String, slug: String) {
        #expect(SlugSet.slug(heading) == slug)
    }

    @Test func decomposedTextIsComposedBeforeItsSlug() {
        // か + the combining voicing mark is が; Å as A + ring is Å; the Ohm sign is Ω.
        #expect(SlugSet.slug("か\u{3099}いよう") == "がいよう")
        #expect(SlugSet.slug("A\u{30A}rsrapport") == "årsrapport")
        #expect(SlugSet.slug("\u{2126}") == SlugSet.slug("\u{3A9}"))
        #expect(!SlugSet.isComposed("か\u{3099}") && !SlugSet.isComposed("\u{2126}") && !SlugSet.isComposed("\u{F900}"))
        #expect(SlugSet.isComposed("障害の概要とタイムライン（UTC）") && SlugSet.isComposed("Café — 한국어"))
    }

    /// Every scalar `isComposed` passes is its own composition and a starter
    /// (combining class 0), alone and between others it passes: text made
    /// of them is left as it is by NFC, which the slug then need not run.
    @Test func textIsComposedSaysYesOnlyForScalarsNFCLeavesAlone() {
        let passed = (0...0xFFFF).compactMap(Unicode.Scalar.init).filter { SlugSet.isComposed(String($0)) }
        #expect(passed.count > 30_000)
        for scalar in passed {
            #expect(String(scalar).precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual([scalar]))
            #expect(scalar.properties.canonicalCombiningClass == .notReordered)
        }
        // Pairs, a deterministic sample: nothing composes with what follows it.
        var generator = DifferentialTests.Generator(state: 42)
        for _ in 0..<20_000 {
            let text = String(String.UnicodeScalarView([passed[generator.below(passed.count)],
                                                         passed[generator.below(passed.count)]]))
            #expect(text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars))
        }
    }

    @Test func slugsAreUniqueAndAvoidReservedIDs() {
        var slugs = SlugSet(reserved: ["main", "toc"])
        #expect(slugs.unique(for: "Main") == "main-1")
        #expect(slugs.unique(for: "Summary") == "summary")
        #expect(slugs.unique(for: "summary") == "summary-1")
        #expect(slugs.unique(for: "Summary 1") == "summary-1-1")
    }

    @Test(arguments: [
        ("Summary", SectionKind.summary), ("概要", .summary), ("サマリー", .summary), ("Executive Summary:", .summary),
        ("Impact", .impact), ("影響", .impact), ("影響範囲", .impact),
        ("Timeline", .timeline), ("Time line (times in UTC)", .timeline), ("タイムライン", .timeline), ("経緯", .timeline),
        ("経過", .timeline), ("時系列", .timeline), ("1. 経過", .timeline), ("経過 (JST)", .timeline),
        ("Root cause(s)", .rootCause), ("Contributing Factors", .rootCause), ("原因", .rootCause), ("根本原因", .rootCause),
        ("真因", .rootCause), ("根本原因分析", .rootCause), ("3. Root Cause Analysis", .rootCause),
        ("Resolution", .resolution), ("対応", .resolution), ("復旧", .resolution),
        ("Action items", .actionItems), ("再発防止策", .actionItems), ("対策", .actionItems), ("アクションアイテム", .actionItems),
        ("Lessons learned", .lessonsLearned), ("教訓", .lessonsLearned), ("学び", .lessonsLearned),
    ])
    func sectionNames(heading: String, kind: SectionKind) {
        #expect(SectionKind.of(heading: heading) == kind)
    }

    @Test(arguments: ["Attendees", "Stats", "Rootless containers", "Impactful work", "メタデータ"])
    func otherHeadingsAreNoKnownSection(heading: String) {
        #expect(SectionKind.of(heading: heading) == nil)
    }

    @Test func sectionsHoldTheirTextUpToTheNextHeadingOfTheSameLevel() {
        let body = MarkdownDocument("## Root cause\n\nThe pool.\n\n### Why\n\nA query.\n\n## Resolution\n\nRolled back.\n").render()
        #expect(body.section(.rootCause)?.text == "The pool.\nWhy\nA query.")
        #expect(body.section(.resolution)?.firstParagraph == "Rolled back.")
    }

    @Test func summaryPrefersTheSummarySectionAndSkipsLinkLines() {
        let body = MarkdownDocument("Internal write-up: <https://example.com/pm/1>\n\n## Summary\n\nThe admin panel was down for 55 minutes because a release added an N+1 query to the reservation list.\n").render()
        #expect(body.summary() == "The admin panel was down for 55 minutes because a release added an N+1 query to the reservation list.")
        let noSection = MarkdownDocument("See <https://x>.\n\nThe admin panel was down for 55 minutes after the evening release on Friday.\n").render()
        #expect(noSection.summary() == "The admin panel was down for 55 minutes after the evening release on Friday.")
    }

    @Test func summaryIsCutAtASentenceOrWord() {
        let long = String(repeating: "The pool ran dry. ", count: 30)
        #expect(MarkdownDocument(long).render().summary(limit: 60) == "The pool ran dry. The pool ran dry. The pool ran dry.")
        #expect(MarkdownDocument("Released v2.36.1 to all shops and then the admin panel became slow for everyone in the afternoon").render().summary(limit: 40)
            == "Released v2.36.1 to all shops and then…")
    }

    @Test func readingTimeCountsJapaneseByCharacters() {
        #expect(MarkdownDocument(String(repeating: "word ", count: 460)).render().readingMinutes == 2)
        #expect(MarkdownDocument(String(repeating: "障害", count: 750)).render().readingMinutes == 3)
        #expect(MarkdownDocument("short").render().readingMinutes == 1)
    }

    @Test func softBreaksJoinJapaneseAndSpaceEnglish() {
        let body = MarkdownDocument("管理画面が\n表示できない\nand then\nit recovered\n").render()
        #expect(body.plainText == "管理画面が表示できない and then it recovered\n")
    }
}

