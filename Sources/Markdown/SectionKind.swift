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

    /// The names by their first character, longest first, for prefix matches.
    static let namesByFirstCharacter: [Character: [String]] = {
        var grouped: [Character: [String]] = [:]
        for name in names.keys {
            if let first = name.first { grouped[first, default: []].append(name) }
        }
        return grouped.mapValues { $0.sorted { $0.utf8.count > $1.utf8.count } }
    }()

    /// The kind a heading names, if any: `## 3. Root Cause(s):` is `.rootCause`.
    public static func of(heading: String) -> SectionKind? {
        // Most headings are written plainly: try them as they are first.
        if let kind = names[heading.lowercased()] { return kind }
        let key = normalize(heading)
        if let kind = names[key] { return kind }
        // "Root cause analysis of the outage", "根本原因分析と対策": a known name
        // followed by more words; the longest such name wins.
        guard let first = key.first, let candidates = namesByFirstCharacter[first] else { return nil }
        for name in candidates where key.utf8.count > name.utf8.count && key.utf8.starts(with: name.utf8) {
            let next = key[key.utf8.index(key.startIndex, offsetBy: name.utf8.count)...].first
            // Japanese runs on without spaces; English needs a word break.
            if let next, next == " " || next == ":" || !(next.isASCII && next.isLetter) { return names[name] }
        }
        return nil
    }

    /// Lower case, full-width folded, leading numbering and symbols, a
    /// parenthesised part and a trailing colon dropped, white space collapsed.
    static func normalize(_ heading: String) -> String {
        // Full-width letters and digits (ＡＰＩ, ３.) fold to ASCII; other text needs no folding.
        let folded = heading.unicodeScalars.contains { (0xFF00...0xFFEF).contains($0.value) }
            ? heading.precomposedStringWithCompatibilityMapping : heading
        var result = String.UnicodeScalarView()
        var depth = 0
        var started = false
        var pendingSpace = false
        for scalar in folded.lowercased().unicodeScalars {
            switch scalar {
            case "(", "[", "【": depth += 1; continue
            case ")", "]", "】": depth = max(0, depth - 1); continue
            default: break
            }
            guard depth == 0 else { continue }
            let properties = scalar.properties
            if properties.isWhitespace {
                pendingSpace = started
                continue
            }
            if !started {
                // Numbering, emoji and punctuation before the words: "3. ", "🔥 ", "## ".
                if properties.numericType != nil || !(properties.isAlphabetic) { continue }
                started = true
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(scalar)
        }
        while let last = result.last, last == ":" || last == "：" || last == " " { result.removeLast() }
        return String(result)
    }
}
