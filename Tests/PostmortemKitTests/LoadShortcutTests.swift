import Foundation
import Testing
@testable import PostmortemKit

/// The load stage's quick paths (bytes instead of characters, no Foundation
/// where an answer is sure) give what the slow paths they stand for give.
@Suite struct LoadShortcutTests {
    /// Texts at the edges of each shortcut: white space of every kind at
    /// either end, CR LF, combining marks after a colon or a slash, full-width
    /// colons, Japanese, controls.
    static let texts = [
        "", " ", "\t", "\n", "\r\n", "plain", " lead", "trail ", "\u{3000}全角\u{3000}", "\u{A0}nbsp\u{A0}",
        "\u{2028}sep\u{2029}", "\u{85}nel\u{85}", "\u{FEFF}bom", "\u{200B}zero-width", "é\u{301}", "\u{301}mark",
        "障害", "INC-2024-007", "a/b", "a\\b", "a/\u{338}b", "tab\there", "bell\u{7}", "del\u{7F}", "x\r\ny",
        "Time to recovery: 95 minutes", "Duration:\u{338} 2h", "影響時間：2 時間", "検知までの時間 (TTD): 6 時間 31 分",
        "a:b\r:c", "\r\nTTR: 5 minutes\r\n", "TTR : 5m\n\nTTD: 1m\n", String(repeating: "x", count: 48) + ": 5m",
        String(repeating: "x", count: 49) + ": 5m", "PgBouncer の接続プールが v4.2.0 のリリース後に枯渇した",
        "ｶﾀｶﾅ", "𠮷野家 outage", "12:00 — 13:30 / 90 %",
    ]

    @Test func trimmingMatchesFoundation() {
        for text in Self.texts {
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(text.trimmingSpacesAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                    "\(text.debugDescription)")
            let sub = text.dropFirst(0)
            #expect(sub.trimmingSpaces() == sub.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func everyWhiteSpaceScalarMayBeSpace() {
        // No scalar that Foundation trims is taken for one it cannot trim.
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if CharacterSet.whitespacesAndNewlines.contains(scalar) { #expect(scalar.mayBeSpace, "U+\(String(value, radix: 16))") }
        }
    }

    @Test func idCheckMatchesTheCharacterCheck() {
        for text in Self.texts {
            let slow = text.contains("/") || text.contains("\\")
                || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            #expect(FrontMatterDecoder.holdsSeparatorOrControl(text) == slow, "\(text.debugDescription)")
        }
    }

    @Test func lettersAreCountedAsScalarsCountThem() {
        for text in Self.texts + [String(repeating: "障害 outage ", count: 900)] {
            var japanese = 0, latin = 0
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9D: japanese += 1
                case 0x41...0x5A, 0x61...0x7A: latin += 1
                default: continue
                }
                if japanese + latin >= 4_000 { break }
            }
            var copy = text
            let counts = copy.withUTF8(Language.letterCounts)
            #expect(counts.japanese == japanese && counts.latin == latin, "\(text.debugDescription)")
        }
    }

    @Test func labelledLinesMatchTheCharacterReading() {
        let block = Self.texts.joined(separator: "\n")
        for text in Self.texts + [block, block.replacingOccurrences(of: "\r", with: "")] {
            let slow = text.split(separator: "\n").map(String.init)
            #expect(BodyFacts.lines(of: text) == slow, "\(text.debugDescription)")
            for line in slow {
                let expected: (String, String)? = line.firstIndex(where: { $0 == ":" || $0 == "：" }).flatMap { colon in
                    String(line[..<colon]).count <= 48 ? (String(line[..<colon]), String(line[line.index(after: colon)...])) : nil
                }
                let found = BodyFacts.labelled(line)
                #expect(found?.label == expected?.0 && found?.value == expected?.1, "\(line.debugDescription)")
            }
        }
    }

    @Test func sourceLinesAndFencesOnBytes() throws {
        let source = SourceText(path: "pm.md", text: "---\r\ntitle: 障害\n...\n# Body\n\nlast")
        #expect(source.lineStarts == [0, 5, 19, 23, 30, 31])
        #expect(source.line(2) == "title: 障害")
        #expect(source.line(6) == "last")
        guard case let .split(split) = FrontMatterSplitter.split(source) else {
            Issue.record("the front matter closed by '...' was not found")
            return
        }
        #expect(split.yaml == "title: 障害\n")
        #expect(split.body == "# Body\n\nlast")
        #expect(split.bodyFirstLine == 4)
        #expect(SourceText(path: "pm.md", text: "").lineStarts == [0])
        #expect(SourceText(path: "pm.md", text: "\n\n").lineStarts == [0, 1, 2])
    }

    @Test func closeCauseKeysAreFoundAsComparingEveryPairFindsThem() {
        let words = ["db", "pool", "cache", "dns", "cert", "expiry", "queue", "lag", "接続", "証明書", "期限切れ"]
        var keys: [String] = []
        for index in 0..<600 {
            var key = (0..<(1 + index % 4)).map { words[(index * 7 + $0 * 5 + index / 13) % words.count] }.joined(separator: "-")
            if index % 7 == 0 { key += "x" }
            if index % 11 == 0, key.count > 3 { key.removeLast() }
            // Typos inside a key: a character changed, or two swapped (the bucket filter must keep these).
            if index % 5 == 0, key.count > 4 {
                var characters = Array(key)
                characters[characters.count / 2] = index % 10 == 0 ? "q" : "証"
                if index % 3 == 0 { characters.swapAt(1, 2) }
                key = String(characters)
            }
            // An insertion and a deletion anywhere, and swaps at every place, so typos land on every cut.
            if index % 3 == 1, key.count > 2 {
                var characters = Array(key)
                characters.insert(index % 2 == 0 ? "z" : "接", at: index % characters.count)
                if index % 4 == 1 { characters.remove(at: (index / 3) % characters.count) }
                if index % 6 == 4 { characters.swapAt(index % (characters.count - 1), index % (characters.count - 1) + 1) }
                key = String(characters)
            }
            if !keys.contains(key) { keys.append(key) }
        }
        // Every earlier key of a similar length or sharing a word, the first close one.
        var expected: [String: String] = [:]
        for (index, key) in keys.enumerated() {
            let own = CauseKeyProximity.tokens(key)
            let match = (0..<index).first { earlier in
                let theirs = CauseKeyProximity.tokens(keys[earlier])
                return (abs(keys[earlier].count - key.count) <= 2 || !theirs.isDisjoint(with: own))
                    && CauseKeyProximity.areClose(keys[earlier], key, tokens: theirs, own)
            }
            if let match { expected[key] = keys[match] }
        }
        #expect(CauseKeyProximity.closeToEarlier(keys) == expected)
        #expect(!expected.isEmpty)
    }

    /// The segment filter never loses a pair within the allowed edits: keys
    /// from a small alphabet (so typos are common) with up to two random
    /// insertions, deletions, changes and swaps of neighbours, at every place.
    @Test func everyPairWithinTheAllowedEditsSharesASegmentProbe() {
        var random = RecurrenceTests.SeededGenerator(state: 99)
        let alphabet = Array("abcd-接続")
        var checked = 0
        for _ in 0..<6_000 {
            let length = Int.random(in: 3...16, using: &random)
            let original = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            var edited = original
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let place = Int.random(in: 0..<max(1, edited.count), using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: edited.insert(alphabet.randomElement(using: &random)!, at: min(place, edited.count))
                case 1 where edited.count > 1: edited.remove(at: place)
                case 2 where place + 1 < edited.count: edited.swapAt(place, place + 1)
                default: if !edited.isEmpty { edited[place] = alphabet.randomElement(using: &random)! }
                }
            }
            let allowed = CauseKeyProximity.allowedEdits(min(original.count, edited.count))
            guard allowed > 0, Suggestion.editDistance(original, edited, limit: allowed) <= allowed else { continue }
            checked += 1
            for (earlier, later) in [(original, edited), (edited, original)] {
                let own = Set(CauseKeyProximity.Segments.own(length: earlier.count, hashes: .init(earlier)))
                let probes = CauseKeyProximity.Segments.probes(length: later.count, hashes: .init(later))
                #expect(!own.isDisjoint(with: probes), "\(String(earlier)) → \(String(later))")
            }
        }
        #expect(checked > 3_000)
    }

    @Test func nulAndInvalidBytesAreFoundWhereTheyAre() {
        #expect(TextDecoding.firstNUL(in: Array("abc".utf8)[...]) == nil)
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x61, 0x0A, 0x62, 0x00, 0x63]
        #expect(TextDecoding.firstNUL(in: bytes.dropFirst(3)) == 6)
        let file = SourceFile(path: "pm.md", relativePath: "pm.md", contents: .bytes([0x61, 0x0A, 0xC3, 0x28]))
        guard case let .refused(diagnostic) = TextDecoding.decode(file) else {
            Issue.record("invalid UTF-8 was decoded")
            return
        }
        #expect(diagnostic.location == SourceLocation(file: "pm.md", line: 2, column: 1))
        #expect(diagnostic.message == "file is not valid UTF-8 (byte 0xC3 at offset 2)")
    }
}
