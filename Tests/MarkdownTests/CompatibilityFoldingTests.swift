import Foundation
import Testing
@testable import Markdown

/// The folding that skips NFKC where it changes nothing gives what NFKC of
/// the whole text gives (Foundation's path, the reference).
@Suite struct CompatibilityFoldingTests {
    func reference(_ text: String, lowercase: Bool) -> String {
        let normalised = text.precomposedStringWithCompatibilityMapping
        return lowercase ? normalised.lowercased() : normalised
    }

    func expectSameAsNFKC(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for lowercase in [false, true] {
            let folded = CompatibilityFolding.folded(text, lowercase: lowercase)
            let expected = reference(text, lowercase: lowercase)
            // Compared as bytes: String's == would call canonically equivalent texts equal.
            #expect(Array(folded.utf8) == Array(expected.utf8), "\(text.debugDescription) lower-cased: \(lowercase)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func asciiIsOnlyLowerCased() {
        expectSameAsNFKC("Connection Pool EXHAUSTED at 21:05, p99 = 3.2 s (see INC-2024-00042).")
        #expect(CompatibilityFolding.folded("ABC-def 09", lowercase: true) == "abc-def 09")
        #expect(CompatibilityFolding.folded("ABC-def 09", lowercase: false) == "ABC-def 09")
        expectSameAsNFKC("")
    }

    @Test func japaneseNeedsNothingAndStaysAsItIs() {
        let text = "金曜夜のピークにデータベースの接続プールが枯渇した。「予約一覧」が遅い、ロールバックで復旧 — 𠮷野家"
        #expect(text.unicodeScalars.allSatisfy(CompatibilityFolding.isInert))
        #expect(CompatibilityFolding.folded(text, lowercase: true) == text)
        expectSameAsNFKC(text)
    }

    @Test func fullWidthLatinAndDigitsBecomeASCII() {
        #expect(CompatibilityFolding.folded("ＤＢ接続ｐｏｏｌ　１２３", lowercase: true) == "db接続pool 123")
        expectSameAsNFKC("ＤＢ接続プール（Ｐｏｏｌ）が１２３回 ＡＢＣdef")
    }

    @Test func compatibilityCharactersAndHalfWidthKana() {
        #expect(CompatibilityFolding.folded("㍿", lowercase: false) == "株式会社")
        // Half-width katakana with a separate voiced mark compose into one full-width letter.
        #expect(CompatibilityFolding.folded("ｶﾞｲﾄﾞ", lowercase: false) == "ガイド")
        for text in ["㍿ｶﾀｶﾅ", "ﾃﾞｰﾀﾍﾞｰｽ障害", "ﬁle ﬂow", "Ⅻ章 ①②", "x² ½ ㎞", "№5 ℡", "…", "株式会社㍿ABC", "ﾊﾟﾌﾞﾘｯｸ",
                     "\u{00A0}nbsp", "ﾞ alone", "か\u{3099}", "ｶ\u{3099}"] {
            expectSameAsNFKC(text)
        }
    }

    @Test func combiningMarksJoinTheLetterBeforeThem() {
        // An inert letter followed by a mark is normalised with it; reordering and composition across marks.
        for text in ["Cafe\u{0301} e\u{0301}", "A\u{0323}\u{0300}", "À\u{0323}", "x\u{0301}\u{0323}y", "\u{0301}start",
                     "Å Ω ǅ İstanbul ΣΑΣ", "\u{1100}\u{1161}\u{11A8} 가\u{11A8}", "க\u{0BCA} க\u{0BC6}\u{0BBE}",
                     "Ａ\u{0301}", "ᄀ ᅡ"] {
            expectSameAsNFKC(text)
        }
    }

    @Test func mixedTextAtRandomEqualsNFKC() {
        // Pieces of every kind above, glued in random order (a fixed seed).
        let pieces = ["a", "Z", " ", "ü", "e", "\u{0301}", "\u{0323}", "接", "プ", "ｶ", "ﾞ", "ﾟ", "Ｑ", "１", "㍿", "ﬁ", "Σ",
                      "İ", "\u{1100}", "\u{1161}", "\u{11A8}", "가", "—", "…", "\u{3099}", "か", "\u{0BC6}", "\u{0BBE}", "க",
                      "Ⅻ", "𠮷", "\u{2F800}", "\u{FA10}", "ẞ", "Ꭰ"]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<400 {
            expectSameAsNFKC((0..<(1 + next(12))).map { _ in pieces[next(pieces.count)] }.joined())
        }
    }

    /// What makes the pieces independent, checked against Foundation for
    /// every scalar up to the end of the CJK planes: an inert scalar is its
    /// own NFKC, a starter, and no part after the first of any canonical
    /// decomposition (so nothing composes with the text before it).
    @Test func theInertTableAgreesWithFoundation() {
        var secondParts = Set<UInt32>()
        var wrong: [String] = []
        for value in UInt32(0)..<0x40000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            let decomposed = text.decomposedStringWithCanonicalMapping.unicodeScalars
            for part in decomposed.dropFirst() { secondParts.insert(part.value) }
            if CompatibilityFolding.isInert(scalar) {
                if scalar.properties.canonicalCombiningClass != .notReordered
                    || !text.precomposedStringWithCompatibilityMapping.unicodeScalars.elementsEqual(text.unicodeScalars) {
                    wrong.append(String(value, radix: 16))
                }
            }
        }
        for value in secondParts where Unicode.Scalar(value).map(CompatibilityFolding.isInert) == true {
            wrong.append(String(value, radix: 16) + " composes")
        }
        #expect(wrong == [])
        // The table does say yes to most text: ASCII, kana, kanji, punctuation.
        let inert: [Unicode.Scalar] = ["a", "か", "カ", "ー", "漢", "。", "—", "é", "ж"]
        let notInert: [Unicode.Scalar] = ["Ａ", "ｶ", "㍿", "ﬁ", "\u{0301}", "\u{1161}", "\u{00A0}"]
        #expect(inert.allSatisfy(CompatibilityFolding.isInert))
        #expect(!notInert.contains(where: CompatibilityFolding.isInert))
    }

    @Test func compatibilityFoldedUsesIt() {
        #expect("ｐｏｏｌ：１２".compatibilityFolded == "pool:12")
        #expect("plain".compatibilityFolded == "plain")
    }
}
