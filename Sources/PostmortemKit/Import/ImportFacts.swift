import Foundation
import Markdown

/// What `import` reads from a postmortem without front matter: the values a
/// front matter would hold, each marked as stated in the text or guessed.
struct ImportFacts {
    struct Value<T> {
        var value: T
        /// Guessed rather than read from a labelled line, heading or file name.
        var inferred: Bool
    }

    struct Action {
        var title: String
        var owner: String?
        var due: CalendarDate?
        var done: Bool
    }

    var title: Value<String>?
    var date: Value<CalendarDate>?
    var severity: Value<String>?
    var services: Value<[String]>?
    var milestones: [(key: String, text: String)] = []
    var duration: Value<String>?
    var causeSummary: Value<String>?
    var actions: Value<[Action]>?

    // MARK: Labels

    static let severityLabels: Set<String> = ["severity", "sev", "severity level", "incident severity", "priority",
                                              "impact level", "重大度", "深刻度", "重要度", "障害レベル", "レベル", "緊急度"]
    static let serviceLabels: Set<String> = ["service", "services", "affected service", "affected services",
                                             "affected systems", "affected components", "components", "systems",
                                             "サービス", "対象サービス", "影響サービス", "影響を受けたサービス", "対象システム", "影響範囲のサービス"]
    static let milestoneLabels: [String: String] = [
        "start": "started_at", "started": "started_at", "started at": "started_at", "start time": "started_at",
        "impact start": "started_at", "incident start": "started_at", "発生": "started_at", "発生日時": "started_at",
        "障害発生": "started_at", "障害発生日時": "started_at", "開始": "started_at", "開始日時": "started_at",
        "detected": "detected_at", "detected at": "detected_at", "detection": "detected_at", "detection time": "detected_at",
        "検知": "detected_at", "検知日時": "detected_at", "発見": "detected_at", "発覚": "detected_at",
        "mitigated": "mitigated_at", "mitigated at": "mitigated_at", "mitigation": "mitigated_at",
        "暫定復旧": "mitigated_at", "暫定対応": "mitigated_at", "暫定復旧日時": "mitigated_at",
        "resolved": "resolved_at", "resolved at": "resolved_at", "resolution time": "resolved_at", "end": "resolved_at",
        "end time": "resolved_at", "impact end": "resolved_at", "recovered": "resolved_at",
        "復旧": "resolved_at", "復旧日時": "resolved_at", "解消": "resolved_at", "解消日時": "resolved_at", "終了": "resolved_at",
    ]

    /// `label: value` pairs from paragraphs' lines and two-column table rows, in document order.
    static func labelled(_ body: RenderedBody) -> [(label: String, value: String)] {
        var pairs: [(line: Int, label: String, value: String)] = []
        for block in body.textBlocks where block.kind == .paragraph {
            for (offset, line) in block.text.split(separator: "\n").enumerated() {
                let text = String(line)
                guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { continue }
                let label = String(text[..<colon])
                guard label.count <= 40 else { continue }
                let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                pairs.append((block.line + offset, BodyFacts.normalizeLabel(label), value))
            }
        }
        for table in body.tables {
            for (offset, row) in table.rows.enumerated() where row.count >= 2 {
                let line = offset < table.rowLines.count ? table.rowLines[offset] : table.line
                pairs.append((line, BodyFacts.normalizeLabel(row[0]), row[1].trimmingCharacters(in: .whitespaces)))
            }
        }
        return pairs.sorted { $0.line < $1.line }.map { ($0.label, $0.value) }
    }

    // MARK: Reading

    static func read(body: RenderedBody, source: String, heading: String?, stem: String,
                     configuration: SiteConfiguration) -> ImportFacts {
        var facts = ImportFacts()
        if let heading, !heading.isEmpty { facts.title = Value(value: heading, inferred: false) }
        if let named = PostmortemLoader.dateInFileName(stem) {
            facts.date = Value(value: named, inferred: false)
        } else if let found = firstDate(in: body.plainText) {
            facts.date = Value(value: found, inferred: true)
        }
        let pairs = labelled(body)
        for (label, value) in pairs {
            if facts.severity == nil, severityLabels.contains(label), let level = severity(value, levels: configuration.severityLevels) {
                facts.severity = Value(value: level, inferred: false)
            }
            if facts.services == nil, serviceLabels.contains(label) {
                // Names as services are written: one word each (`admin-panel`, `予約API`); a
                // parenthesised gloss is dropped, prose is not a service.
                let unglossed = value.replacingOccurrences(of: #"\s*[(（][^)）]*[)）]"#, with: "", options: .regularExpression)
                let names = unglossed.split(whereSeparator: { ",、/;・".contains($0) })
                    .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`*")) }
                    .filter { !$0.isEmpty && $0.count <= 40 && !$0.contains(where: \.isWhitespace) }
                if !names.isEmpty { facts.services = Value(value: names, inferred: false) }
            }
            if let key = milestoneLabels[label], !facts.milestones.contains(where: { $0.key == key }),
               case .dateTime = DateTimeParsing.parse(value, timeZone: configuration.timeZone) {
                facts.milestones.append((key, value))
            }
        }
        let order = ["started_at", "detected_at", "mitigated_at", "resolved_at"]
        facts.milestones.sort { (order.firstIndex(of: $0.key) ?? 0) < (order.firstIndex(of: $1.key) ?? 0) }
        let hasSpan = facts.milestones.contains { $0.key == "started_at" } && facts.milestones.contains { $0.key == "resolved_at" }
        if !hasSpan, let recover = BodyFacts.infer(from: body, lineOffset: 0).timeToRecover {
            facts.duration = Value(value: DurationParsing.format(minutes: recover.minutes), inferred: true)
        }
        // The section's first paragraph that says something, else its first line of text (a list item, say):
        // not a label (`Five Whys`) nor a lead-in (`three factors compounded:`).
        if let section = body.section(.rootCause) {
            let lines = section.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            func saysSomething(_ text: String) -> Bool {
                guard !text.hasSuffix(":"), !text.hasSuffix("："), let sentence = firstSentence(text) else { return false }
                let cjk = sentence.unicodeScalars.count { TextSimilarity.isCJK($0) }
                return cjk >= 12 || sentence.split(separator: " ").count >= 4
            }
            let chosen = ([section.firstParagraph].compactMap { $0 } + lines).first(where: saysSomething)
                ?? section.firstParagraph ?? lines.first ?? ""
            if let sentence = firstSentence(chosen) { facts.causeSummary = Value(value: sentence, inferred: true) }
        }
        let actions = actionItems(body, source: source)
        if !actions.isEmpty { facts.actions = Value(value: actions, inferred: true) }
        return facts
    }

    /// A level of the configuration named by `value`: `SEV1`, `sev-1`, `Sev 1`, `P1` when configured.
    static func severity(_ value: String, levels: [SeverityLevel]) -> String? {
        func squeeze(_ text: String) -> String { text.uppercased().filter { $0.isLetter || $0.isNumber } }
        let words = value.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "," || $0 == "*" })
        for candidate in [value] + words.map(String.init) + (words.count > 1 ? [words.prefix(2).joined(separator: " ")] : []) {
            if let level = levels.first(where: { squeeze($0.id) == squeeze(candidate) && !squeeze(candidate).isEmpty }) {
                return level.id
            }
        }
        return nil
    }

    /// The first date written in full: `2023-04-18`, `2023/4/18`, `2023年4月18日`, `April 18, 2023`, `18 April 2023`.
    static func firstDate(in text: String) -> CalendarDate? {
        let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                      "october", "november", "december"]
        let patterns = [
            #"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"#,
            #"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日"#,
            #"(?i)\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"#,
            #"(?i)\b(\d{1,2})\s+(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{4})\b"#,
        ]
        var best: (offset: Int, date: CalendarDate)?
        let whole = NSRange(text.startIndex..., in: text)
        for (index, pattern) in patterns.enumerated() {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let match = regex.firstMatch(in: text, range: whole) else { continue }
            func group(_ number: Int) -> String {
                Range(match.range(at: number), in: text).map { String(text[$0]) } ?? ""
            }
            let parts: (Int?, Int?, Int?)
            switch index {
            case 0, 1: parts = (Int(group(1)), Int(group(2)), Int(group(3)))
            case 2: parts = (Int(group(3)), months.firstIndex(of: group(1).lowercased()).map { $0 + 1 }, Int(group(2)))
            default: parts = (Int(group(3)), months.firstIndex(of: group(2).lowercased()).map { $0 + 1 }, Int(group(1)))
            }
            guard let year = parts.0, let month = parts.1, let day = parts.2, (1990...2100).contains(year),
                  let date = CalendarDate(year: year, month: month, day: day) else { continue }
            if best == nil || match.range.location < best?.offset ?? .max { best = (match.range.location, date) }
        }
        return best?.date
    }

    /// The first sentence of a paragraph, at most 240 characters.
    static func firstSentence(_ paragraph: String) -> String? {
        let flat = paragraph.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        guard !flat.isEmpty else { return nil }
        var end = flat.endIndex
        if let stop = flat.firstIndex(of: "。") {
            end = flat.index(after: stop)
        } else if let range = flat.range(of: #"[.!?](\s|$)"#, options: .regularExpression) {
            end = flat.index(after: range.lowerBound)
        }
        let sentence = String(flat[..<end])
        return sentence.count > 240 ? String(sentence.prefix(239)) + "…" : sentence
    }

    // MARK: Action items

    /// `- text`, `* text`, `+ text`, `1. text`, `1) text` at the start of the
    /// line: an item of a list that is not nested (nested ones are indented).
    static func isListItem(_ line: Substring) -> Bool {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        guard index < scalars.count else { return false }
        if "-*+".unicodeScalars.contains(scalars[index]) {
            index += 1
        } else {
            let digits = index
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
            guard index > digits, index - digits <= 9, index < scalars.count, scalars[index] == "." || scalars[index] == ")" else {
                return false
            }
            index += 1
        }
        return index < scalars.count && (scalars[index] == " " || scalars[index] == "\t")
    }

    static let actionHeaders = ["action", "action item", "actions", "task", "item", "description", "what", "remediation",
                                "対策", "対応", "アクション", "内容", "項目", "タスク", "再発防止策"]
    static let ownerHeaders = ["owner", "owners", "assignee", "assigned to", "responsible", "who", "担当", "担当者", "担当チーム", "責任者"]
    static let dueHeaders = ["due", "due date", "deadline", "target date", "eta", "by", "期限", "期日", "完了予定", "対応期限"]
    static let statusHeaders = ["status", "state", "状態", "ステータス", "状況"]

    /// Task-list items and rows of action tables, in the action-items section
    /// when there is one (else anywhere in the body); in that section, also
    /// the items of plain bullet or numbered lists that are not nested.
    static func actionItems(_ body: RenderedBody, source: String) -> [Action] {
        var range = 0..<Int.max
        if let section = body.section(.actionItems) {
            let start = section.heading.line
            let next = body.sections.first { $0.heading.line > start && $0.heading.level <= section.heading.level }
            range = start..<(next?.heading.line ?? Int.max)
        }
        var actions: [Action] = []
        var taskLines: Set<Int> = []
        for task in body.tasks where range.contains(task.line) {
            taskLines.insert(task.line)
            let title = task.text.trimmingCharacters(in: .whitespaces)
            if !title.isEmpty { actions.append(Action(title: title, owner: nil, due: nil, done: task.checked)) }
        }
        if range.upperBound != Int.max {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            for block in body.textBlocks where block.kind == .paragraph && range.contains(block.line) && !taskLines.contains(block.line) {
                guard block.line >= 1, block.line <= lines.count, isListItem(lines[block.line - 1]) else { continue }
                let flat = block.text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
                guard !flat.isEmpty else { continue }
                actions.append(Action(title: flat.count > 240 ? String(flat.prefix(239)) + "…" : flat, owner: nil, due: nil, done: false))
            }
        }
        for table in body.tables where range.contains(table.line) || range.upperBound == Int.max {
            guard let header = table.rows.first?.map({ BodyFacts.normalizeLabel($0) }),
                  let titleColumn = header.firstIndex(where: { actionHeaders.contains($0) }) else { continue }
            let ownerColumn = header.firstIndex { ownerHeaders.contains($0) }
            let dueColumn = header.firstIndex { dueHeaders.contains($0) }
            let statusColumn = header.firstIndex { statusHeaders.contains($0) }
            // Outside an action-items section, a table counts only with an owner or due column.
            if range.upperBound == Int.max, ownerColumn == nil, dueColumn == nil { continue }
            for row in table.rows.dropFirst() where titleColumn < row.count {
                let title = row[titleColumn].trimmingCharacters(in: .whitespaces)
                guard !title.isEmpty else { continue }
                func cell(_ column: Int?) -> String? {
                    guard let column, column < row.count else { return nil }
                    let text = row[column].trimmingCharacters(in: .whitespaces)
                    return text.isEmpty || text == "-" || text == "—" ? nil : text
                }
                var due: CalendarDate?
                if let text = cell(dueColumn), case let .date(date) = DateTimeParsing.parse(text, timeZone: TimeZone(secondsFromGMT: 0) ?? .current) {
                    due = date
                }
                let status = cell(statusColumn)?.lowercased() ?? ""
                let done = ["done", "complete", "completed", "closed", "fixed", "完了", "対応済み", "済"].contains { status.contains($0) }
                actions.append(Action(title: title, owner: cell(ownerColumn), due: due, done: done))
            }
        }
        return actions
    }
}
