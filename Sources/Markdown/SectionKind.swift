import Foundation

/// The usual sections of a postmortem, recognised by their heading in
/// English or Japanese with the common variants.
public enum SectionKind: String, Sendable, Hashable, CaseIterable {
    case summary, impact, timeline, rootCause = "root-cause", resolution
    case actionItems = "action-items", lessonsLearned = "lessons-learned"

    /// Heading texts, normalised (lower case, no numbering, no parenthesised
    /// part, no trailing colon), each naming its kind.
    static let names: [String: SectionKind] = {
        var names: [String: SectionKind] = [:]
        let table: [(SectionKind, [String])] = [
            (.summary, ["summary", "executive summary", "incident summary", "overview", "tl;dr", "tldr",
                        "概要", "サマリー", "サマリ", "要約", "障害概要", "事象概要"]),
            (.impact, ["impact", "customer impact", "user impact", "incident impact", "impact summary",
                       "影響", "影響範囲", "影響内容", "お客様への影響", "ユーザーへの影響"]),
            (.timeline, ["timeline", "time line", "detailed timeline", "incident timeline", "chronology",
                         "タイムライン", "経緯", "経過", "時系列", "詳細タイムライン"]),
            (.rootCause, ["root cause", "root causes", "root cause analysis", "contributing factors",
                          "cause", "causes", "causes and contributing factors", "what happened and why",
                          "why did it happen", "how did it happen", "trigger and root cause",
                          "原因", "根本原因", "真因", "根本原因分析", "発生原因", "原因分析", "要因"]),
            (.resolution, ["resolution", "remediation", "mitigation", "recovery", "resolution and recovery",
                           "fix", "response", "対応", "復旧", "対応内容", "復旧対応", "暫定対応", "対処"]),
            (.actionItems, ["action items", "actions", "follow-up actions", "follow-ups", "follow ups",
                            "next steps", "corrective actions", "preventive measures", "remediation items",
                            "moving forward", "preventing recurrence", "how are we preventing it from happening again",
                            "how we are preventing this from happening again", "prevention",
                            "再発防止策", "対策", "アクションアイテム", "今後の対応", "恒久対応", "再発防止"]),
            (.lessonsLearned, ["lessons learned", "lessons", "learnings", "what we learned", "takeaways", "insights",
                               "what went well", "what went wrong",
                               "教訓", "学び", "振り返り", "得られた教訓"]),
        ]
        for (kind, variants) in table {
            for variant in variants { names[variant] = kind }
        }
        return names
    }()

    /// The names as UTF-8 by their first byte, longest first: a heading's
    /// normalised bytes are matched against these, with no `String` made.
    static let namesByFirstByte: [[(name: [UInt8], kind: SectionKind)]] = {
        var buckets = Array(repeating: [(name: [UInt8], kind: SectionKind)](), count: 256)
        for (name, kind) in names {
            let bytes = Array(name.utf8)
            buckets[Int(bytes[0])].append((bytes, kind))
        }
        // Longest first; equal lengths by bytes, so the order is the same on every run.
        return buckets.map { $0.sorted { $0.name.count != $1.name.count ? $0.name.count > $1.name.count : $0.name.lexicographicallyPrecedes($1.name) } }
    }()

    /// The kind a heading names, if any: `## 3. Root Cause(s):` is `.rootCause`.
    public static func of(heading: String) -> SectionKind? {
        let key = normalizedBytes(heading)
        guard let first = key.first else { return nil }
        // A known name, or one followed by more words ("Root cause analysis of
        // the outage", "根本原因分析と対策"): longest first, so the whole
        // heading wins over a name it starts with, and a longer name over a shorter.
        for (name, kind) in namesByFirstByte[Int(first)] where name.count <= key.count && key.starts(with: name) {
            guard name.count < key.count else { return kind }
            // Japanese runs on without spaces; English needs a word break.
            let next = key[name.count]
            if !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next) { return kind }
        }
        return nil
    }

    /// Lower case, full-width folded, leading numbering and symbols, a
    /// parenthesised part and a trailing colon dropped, white space collapsed.
    static func normalize(_ heading: String) -> String {
        String(decoding: normalizedBytes(heading), as: UTF8.self)
    }

    /// `normalize` as UTF-8. ASCII, most of an English heading, is read as
    /// bytes; other scalars through their Unicode properties, lower-cased
    /// one by one as `String.lowercased()` does.
    static func normalizedBytes(_ heading: String) -> [UInt8] {
        // Full-width letters and digits (ＡＰＩ, ３.), U+FF00-FFEF (lead byte
        // 0xEF in UTF-8), fold to ASCII; other text needs no folding.
        let folded = heading.utf8.contains(0xEF) && heading.unicodeScalars.contains { (0xFF00...0xFFEF).contains($0.value) }
            ? heading.precomposedStringWithCompatibilityMapping : heading
        var normalizer = HeadingNormalizer(capacity: folded.utf8.count)
        for scalar in folded.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                normalizer.add(ascii: (0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
            } else if scalar.properties.changesWhenLowercased {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { normalizer.add(lower) }
            } else {
                normalizer.add(scalar)
            }
        }
        return normalizer.finish()
    }
}

/// The state of `SectionKind.normalizedBytes` over a heading's lower-cased scalars.
private struct HeadingNormalizer {
    var result: [UInt8] = []
    /// How many brackets are open: their text is dropped.
    var depth = 0
    /// Whether the words began (numbering and symbols before them are dropped).
    var started = false
    var pendingSpace = false

    init(capacity: Int) { result.reserveCapacity(capacity) }

    mutating func add(ascii byte: UInt8) {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: ")"), UInt8(ascii: "]"): depth = max(0, depth - 1)
        case _ where depth > 0: break
        case 0x20, 0x09...0x0D: pendingSpace = started
        default:
            // Numbering and punctuation before the words: "3. ", "## ".
            guard started || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) else { return }
            started = true
            if pendingSpace { result.append(0x20) }
            pendingSpace = false
            result.append(byte)
        }
    }

    mutating func add(_ scalar: Unicode.Scalar) {
        if scalar.isASCII { return add(ascii: UInt8(scalar.value)) }
        switch scalar {
        case "【": depth += 1; return
        case "】": depth = max(0, depth - 1); return
        default: break
        }
        guard depth == 0 else { return }
        let properties = scalar.properties
        if properties.isWhitespace {
            pendingSpace = started
            return
        }
        // Numbering, emoji and symbols before the words: "３. ", "🔥 ".
        guard started || (properties.numericType == nil && properties.isAlphabetic) else { return }
        started = true
        if pendingSpace { result.append(0x20) }
        pendingSpace = false
        UTF8.encode(scalar) { result.append($0) }
    }

    /// The bytes without a trailing ":", "：" (U+FF1A, EF BC 9A) or space.
    mutating func finish() -> [UInt8] {
        while let last = result.last {
            if last == UInt8(ascii: ":") || last == 0x20 { result.removeLast() }
            else if result.count >= 3, last == 0x9A, result[result.count - 2] == 0xBC, result[result.count - 3] == 0xEF { result.removeLast(3) }
            else { break }
        }
        return result
    }
}
