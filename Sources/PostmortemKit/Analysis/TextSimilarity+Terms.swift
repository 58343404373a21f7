import Markdown

extension TextSimilarity {
    /// The text that describes the failure.
    static func story(_ p: Postmortem) -> String {
        var parts = [p.title]
        parts += p.causes.compactMap(\.summary)
        if let trigger = p.trigger { parts.append(trigger) }
        parts += p.body.sections.filter { $0.kind == .rootCause }.map(\.text)
        return parts.joined(separator: "\n")
    }

    /// What `story` is made from, as a digest (`storyDigest`): the one the
    /// load stage made, else made now.
    static func storyKey(_ p: Postmortem) -> UInt64 {
        let kept = p.analysisDigests.story
        return kept != 0 ? kept : storyDigest(p)
    }

    /// What `story` is made from, as a digest, without reading the sections'
    /// texts: they may be in the load cache (`BodyText`), and a rebuild finds
    /// the terms of an unchanged story in its memo by this key.
    static func storyDigest(_ p: Postmortem) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(p.title)
            // As `combine` of the summaries' and the sections' lists, without making the lists (a build keys every postmortem).
            let causes = p.causes
            hasher.combine(causes.count { $0.summary != nil })
            for cause in causes { if let summary = cause.summary { hasher.combine(summary) } }
            hasher.combine(p.trigger)
            let sections = p.body.sections
            hasher.combine(sections.count { $0.kind == .rootCause })
            for section in sections where section.kind == .rootCause { section.combine(textInto: &hasher) }
        }
    }

    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "had", "has", "have", "in", "into", "is", "it",
        "its", "of", "on", "or", "that", "the", "their", "then", "there", "this", "to", "was", "were", "when", "which",
        "while", "with", "we", "our", "not", "no", "but", "after", "before", "all", "so", "than", "did", "do",
    ]

    /// The longest stop word, in bytes: a longer word is not looked up.
    static let longestStopWord = stopWords.map(\.utf8.count).max() ?? 0

    /// The stemmer's endings, tried in this order.
    static let suffixes = ["ing", "ion", "ed", "es", "s"]

    /// A light English stemmer: plural and verb endings off, so `pools`,
    /// `exhausted` and `exhausting` meet `pool` and `exhaust`.
    static func stem(_ word: String) -> String {
        for suffix in suffixes where word.count > suffix.count + 3 && word.hasSuffix(suffix) {
            if suffix == "s", word.hasSuffix("ss") { return word }
            return String(word.dropLast(suffix.count))
        }
        return word
    }

    /// `suffixes` as bytes.
    static let suffixBytes = suffixes.map { Array($0.utf8) }

    /// `stem` of a word of ASCII letters and digits, given as its bytes (a
    /// byte is a character): how many of its leading bytes the stem keeps.
    static func stemmedLength(_ word: [UInt8]) -> Int {
        let count = word.count
        func ends(with suffix: [UInt8]) -> Bool {
            count >= suffix.count && word[(count - suffix.count)...].elementsEqual(suffix)
        }
        for suffix in suffixBytes where count > suffix.count + 3 && ends(with: suffix) {
            if suffix.count == 1, count >= 2, word[count - 2] == suffix[0] { return count }
            return count - suffix.count
        }
        return count
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x31F0...0x31FF: true
        default: false
        }
    }

    static func isHiragana(_ scalar: Unicode.Scalar) -> Bool { (0x3040...0x309F).contains(scalar.value) }

    /// Terms with their counts: words of two characters or more, stop words
    /// left out, stemmed; runs of CJK cut into overlapping pairs (pairs of
    /// hiragana left out), a lone CJK character a term of its own.
    static func terms(_ text: String) -> [String: Int] {
        var reader = TermReader()
        for scalar in text.compatibilityFolded.lowercased().unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                // ASCII, the common case, a byte at a time, without Unicode's properties.
                if (value >= 0x30 && value <= 0x39) || ((value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A) {
                    reader.flushCJK()
                    reader.word.append(UInt8(truncatingIfNeeded: value))
                } else {
                    reader.flushWord()
                    reader.flushCJK()
                }
            } else if isCJK(scalar) {
                reader.flushWord()
                reader.addCJK(scalar)
            } else if scalar.isLetterOrDigit {
                reader.flushCJK()
                reader.word.append(contentsOf: scalar.utf8)
                reader.wordIsASCII = false
            } else {
                reader.flushWord()
                reader.flushCJK()
            }
        }
        reader.flushWord()
        reader.flushCJK()
        return reader.counts
    }

    /// The state of `terms` as it reads: the word so far (its UTF-8 bytes)
    /// and the CJK run so far (its last character and length).
    struct TermReader {
        var counts: [String: Int] = [:]
        var word: [UInt8] = []
        /// Whether `word` is all ASCII: then a byte is a character, and the stemmer works on bytes.
        var wordIsASCII = true
        var lastCJK: Unicode.Scalar?
        var cjkRun = 0
        /// The UTF-8 of a pair of CJK characters.
        var pair: [UInt8] = []

        init() {
            word.reserveCapacity(32)
            pair.reserveCapacity(8)
        }

        mutating func flushWord() {
            guard !word.isEmpty else { return }
            defer {
                word.removeAll(keepingCapacity: true)
                wordIsASCII = true
            }
            if wordIsASCII {
                guard word.count >= 2 else { return }
                if word.count <= TextSimilarity.longestStopWord,
                   TextSimilarity.stopWords.contains(String(decoding: word, as: UTF8.self)) { return }
                let kept = TextSimilarity.stemmedLength(word)
                counts[String(decoding: word[..<kept], as: UTF8.self), default: 0] += 1
            } else {
                // Other scripts: characters are counted as Swift counts them (a letter and its marks are one).
                let text = String(decoding: word, as: UTF8.self)
                if text.count >= 2, !TextSimilarity.stopWords.contains(text) { counts[TextSimilarity.stem(text), default: 0] += 1 }
            }
        }

        mutating func addCJK(_ scalar: Unicode.Scalar) {
            if let last = lastCJK, !(TextSimilarity.isHiragana(last) && TextSimilarity.isHiragana(scalar)) {
                // Pairs of hiragana are mostly grammar (した, ている): they say nothing of the story.
                pair.removeAll(keepingCapacity: true)
                pair.append(contentsOf: last.utf8)
                pair.append(contentsOf: scalar.utf8)
                counts[String(decoding: pair, as: UTF8.self), default: 0] += 1
            }
            lastCJK = scalar
            cjkRun += 1
        }

        mutating func flushCJK() {
            if cjkRun == 1, let single = lastCJK { counts[String(single), default: 0] += 1 }
            lastCJK = nil
            cjkRun = 0
        }
    }
}
