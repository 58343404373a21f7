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
                         "タイムライン", "経緯", "時系列", "詳細タイムライン"]),
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

    /// The kind a heading names, if any: `## 3. Root Cause(s):` is `.rootCause`.
    public static func of(heading: String) -> SectionKind? {
        let key = normalize(heading)
        if let kind = names[key] { return kind }
        // "Root cause analysis of the outage", "根本原因分析と対策": a known name
        // followed by more words.
        let candidates = names.keys.filter { name in
            key.hasPrefix(name) && (key.count == name.count || isBoundary(key, after: name))
        }
        return candidates.max { $0.count < $1.count }.flatMap { names[$0] }
    }

    static func isBoundary(_ key: String, after prefix: String) -> Bool {
        guard let next = key.dropFirst(prefix.count).first else { return true }
        // Japanese runs on without spaces; English needs a word break.
        return next == " " || next == ":" || !(next.isASCII && next.isLetter)
    }

    /// Lower case, full-width folded, leading numbering and emoji, a
    /// parenthesised part and a trailing colon dropped.
    static func normalize(_ heading: String) -> String {
        var text = heading.precomposedStringWithCompatibilityMapping.lowercased()
        for (open, close) in [("(", ")"), ("（", "）"), ("[", "]"), ("【", "】")] {
            while let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        let dropped = text.unicodeScalars.drop { scalar in
            scalar.properties.isEmojiPresentation || ("0"..."9").contains(scalar) || ". )-:#".unicodeScalars.contains(scalar)
                || scalar.properties.isWhitespace || scalar.properties.generalCategory == .otherSymbol
        }
        text = String(String.UnicodeScalarView(dropped))
        text = text.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ":：")))
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
