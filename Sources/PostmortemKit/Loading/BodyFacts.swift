import Foundation
import Markdown

/// Reads time to recover, detect and mitigate from a body's text: labelled
/// lines (`Time to recovery: 148 minutes`, `**Duration:** 21:45 to 23:28 UTC
/// (103 minutes)`, `検知までの時間 (TTD): 6 時間 31 分`), metadata tables
/// (`| 影響期間 | 19:25 〜 21:27 (約 2 時間) |`) and phrases (`an outage lasting
/// 1 hour and 48 minutes`, `約2時間にわたり`). What it cannot read stays unknown.
enum BodyFacts {
    enum Metric { case recover, detect, mitigate }

    /// Labels, normalised (lower case, no markup, no parenthesised part).
    static let labels: [String: Metric] = {
        var labels: [String: Metric] = [:]
        for label in ["time to recovery", "time to recover", "time to resolve", "time to resolution",
                      "time to restore", "time to repair", "ttr", "recovery time", "resolution time",
                      "duration", "outage duration", "incident duration", "impact duration", "duration of impact",
                      "downtime", "total downtime", "outage length", "影響時間", "影響期間", "障害時間",
                      "障害期間", "停止時間", "停止期間", "復旧まで", "復旧までの時間", "復旧時間", "ダウンタイム",
                      "継続時間", "障害継続時間"] {
            labels[label] = .recover
        }
        for label in ["time to detection", "time to detect", "ttd", "detection time", "time to discovery",
                      "検知までの時間", "検知時間", "検出までの時間", "発見までの時間"] {
            labels[label] = .detect
        }
        for label in ["time to mitigation", "time to mitigate", "ttm", "mitigation time",
                      "緩和までの時間", "暫定復旧までの時間", "暫定対応までの時間"] {
            labels[label] = .mitigate
        }
        return labels
    }()

    static func infer(from body: RenderedBody, lineOffset: Int) -> InferredTimes {
        var found: [Metric: InferredDuration] = [:]
        func record(_ metric: Metric, _ value: (minutes: Double, approximate: Bool)?, line: Int, evidence: String) {
            guard let value, found[metric] == nil, value.minutes > 0 else { return }
            found[metric] = InferredDuration(minutes: value.minutes, approximate: value.approximate,
                                             line: line + lineOffset, evidence: String(evidence.prefix(160)))
        }
        // Metadata tables: a label in the first cell, the value after it.
        for table in body.tables {
            for (offset, row) in table.rows.enumerated() where row.count >= 2 {
                guard let metric = labels[normalizeLabel(row[0])] else { continue }
                let value = row.dropFirst().joined(separator: " ")
                let line = offset < table.rowLines.count ? table.rowLines[offset] : table.line
                record(metric, duration(inValue: value), line: line, evidence: "\(row[0]) | \(value)")
            }
        }
        // Labelled lines: `label: value`.
        for block in body.textBlocks where block.kind == .paragraph {
            for (offset, line) in lines(of: block.text).enumerated() {
                guard let (label, value) = labelled(line), let metric = labels[normalizeLabel(label)] else { continue }
                record(metric, duration(inValue: value), line: block.line + offset, evidence: line)
            }
        }
        // Phrases for the length of the outage.
        if found[.recover] == nil {
            for block in body.textBlocks where block.kind == .paragraph {
                if let phrase = outagePhrase(block.text) {
                    record(.recover, phrase, line: block.line, evidence: block.text)
                    break
                }
            }
        }
        return InferredTimes(timeToRecover: found[.recover], timeToDetect: found[.detect],
                             timeToMitigate: found[.mitigate])
    }

    /// The lines of a block's text that are not empty, as `split(separator: "\n")`
    /// cuts them (on bytes when the text holds no CR, which would join CR LF into one character).
    static func lines(of text: String) -> [String] {
        guard !text.utf8.contains(UInt8(ascii: "\r")) else { return text.split(separator: "\n").map(String.init) }
        return text.utf8.split(separator: UInt8(ascii: "\n")).map { String(Substring($0)) }
    }

    /// A line's label (before its first `:` or `：`, at most 48 characters)
    /// and value (after it). A line of ASCII only, without CR, is read in
    /// bytes, where each byte is a character.
    static func labelled(_ line: String) -> (label: String, value: String)? {
        let utf8 = line.utf8
        if utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\r") }) {
            guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
                  utf8.distance(from: utf8.startIndex, to: colon) <= 48 else { return nil }
            return (String(Substring(utf8[..<colon])), String(Substring(utf8[utf8.index(after: colon)...])))
        }
        guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = String(line[..<colon])
        guard label.count <= 48 else { return nil }
        return (label, String(line[line.index(after: colon)...]))
    }

    /// Lower case, full width folded, `*`/`_` markup and a parenthesised part removed.
    static func normalizeLabel(_ label: String) -> String {
        label.utf8.allSatisfy { $0 < 0x80 } ? normalizeASCIILabel(Array(label.utf8)) : normalizeUnicodeLabel(label)
    }

    static func normalizeUnicodeLabel(_ label: String) -> String {
        var text = label.precomposedStringWithCompatibilityMapping.lowercased()
        for (open, close) in [("(", ")"), ("（", "）")] {
            while let start = text.range(of: open),
                  let end = text.range(of: close, range: start.upperBound..<text.endIndex) {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        text.removeAll { "*_`".contains($0) }
        let trimmed = text.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "-•・")))
        return trimmed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `normalizeLabel` for a label of ASCII only (most of them: timeline
    /// lines like `10:32 paged`), in bytes without Foundation: the same steps.
    static func normalizeASCIILabel(_ input: [UInt8]) -> String {
        var bytes = input.map { (65...90).contains($0) ? $0 | 0x20 : $0 }
        while let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: ")")) {
            bytes.removeSubrange(open...close)
        }
        bytes.removeAll { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "`") }
        func trimmed(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: "-") }
        let start = bytes.firstIndex { !trimmed($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !trimmed($0) }.map { $0 + 1 } ?? start
        func space(_ byte: UInt8) -> Bool { (0x09...0x0D).contains(byte) || byte == 0x20 }
        let words = bytes[start..<max(start, end)].split(whereSeparator: space)
        return words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    /// The duration a value gives: the first written with units
    /// (`21:45 to 23:28 UTC (103 minutes)` gives 103), else a range of two
    /// times of day. Words around it that make it an estimate (`最大`,
    /// `未満`, `up to`, `less than`) mark it approximate.
    static func duration(inValue value: String) -> (minutes: Double, approximate: Bool)? {
        if let found = DurationParsing.firstDuration(in: value) {
            let before = value[..<found.range.lowerBound].lowercased().trimmingCharacters(in: .whitespaces)
            let after = value[found.range.upperBound...].trimmingCharacters(in: .whitespaces)
            let hedged = ["最大", "約", "about", "up to", "less than", "under", "over", "nearly", "almost", "roughly", "~"]
                .contains { before.hasSuffix($0) }
                || ["未満", "弱", "強", "程度", "ほど", "前後", "以上", "以内"].contains { after.hasPrefix($0) }
            return (found.minutes, found.approximate || hedged)
        }
        return clockRange(value).map { ($0, false) }
    }

    /// `21:45 to 23:28`, `19:25 〜 21:27`, `06:38 → 06:49`: minutes from the first
    /// time to the second, the next day when the second is earlier.
    static func clockRange(_ text: String) -> Double? {
        var times: [Int] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count, times.count < 2 {
            if characters[index].isNumber, index == 0 || !characters[index - 1].isNumber {
                var end = index
                while end < characters.count, characters[end].isNumber || characters[end] == ":" { end += 1 }
                let parts = String(characters[index..<end]).split(separator: ":")
                if parts.count >= 2, parts[0].count <= 2, parts[1].count == 2,
                   let hours = Int(parts[0]), let minutes = Int(parts[1]), hours < 24, minutes < 60 {
                    times.append(hours * 60 + minutes)
                } else if parts.count == 1, String(characters[index..<end]).count >= 4 {
                    // A date (`2026-03-23`) in between: times on other days are not read.
                    if !times.isEmpty { return nil }
                }
                index = end
            } else {
                index += 1
            }
        }
        guard times.count == 2 else { return nil }
        let minutes = times[1] - times[0]
        return Double(minutes >= 0 ? minutes : minutes + 1_440)
    }

    /// `an outage lasting 1 hour and 48 minutes`, `約2時間にわたり`.
    ///
    /// Markers are found in the UTF-8 bytes (ASCII case folded once): most
    /// blocks hold none, and a Foundation search per marker per block was
    /// the load stage's largest cost.
    static func outagePhrase(_ text: String) -> (minutes: Double, approximate: Bool)? {
        var bytes = Array(text.utf8)
        for index in bytes.indices where (65...90).contains(bytes[index]) { bytes[index] |= 0x20 }
        for marker in ["lasting ", "lasted ", "totaling ", "totalling ", "for a total of "] {
            guard let offset = ByteSearch.firstOffset(of: Array(marker.utf8), in: bytes) else { continue }
            let from = offset + marker.utf8.count
            let rest = String(String(decoding: bytes[from..<min(bytes.count, from + 160)], as: UTF8.self).prefix(40)).lowercased()
            if let found = DurationParsing.firstDuration(in: rest), found.range.lowerBound == rest.startIndex {
                return (found.minutes, found.approximate)
            }
        }
        for marker in ["にわたり", "にわたって", "の間、"] {
            guard let offset = ByteSearch.firstOffset(of: Array(marker.utf8), in: bytes) else { continue }
            // Back to a character boundary, so the text before starts whole.
            var from = max(0, offset - 64)
            while from < offset, bytes[from] & 0xC0 == 0x80 { from += 1 }
            let before = String(String(decoding: bytes[from..<offset], as: UTF8.self).suffix(16))
            if let found = DurationParsing.firstDuration(in: before), found.range.upperBound == before.endIndex {
                return (found.minutes, found.approximate)
            }
        }
        return nil
    }
}

