import Foundation
import Markdown

/// Parses durations the way engineers write them in English and Japanese:
/// `90m`, `1h30m`, `1 h 30 min`, `2 hours`, `1d 3h`, `01:30`, `PT1H30M`,
/// `90分`, `1時間30分`, `2時間半`, `約2時間`, `about 2 hours`, `~45 min`.
public enum DurationParsing {
    public enum Parsed: Sendable, Hashable {
        case minutes(Double, approximate: Bool)
        /// A number without a unit: the caller decides (and says) what it assumes.
        case bareNumber(Double)
        case invalid
    }

    static let approximatePrefixes = ["約", "およそ", "凡そ", "ほぼ", "about", "approximately",
                                      "approx.", "approx", "around", "roughly", "ca.", "~", "≈", "〜"]
    static let approximateSuffixes = ["ほど", "程度", "くらい", "ぐらい", "位", "弱", "強", "前後"]

    /// Unit words and their length in minutes, longest spelling first so
    /// `min` is not read as `m` + `in`.
    static let units: [(String, Double)] = [
        ("minutes", 1), ("minute", 1), ("seconds", 1.0 / 60), ("second", 1.0 / 60),
        ("hours", 60), ("hour", 60), ("weeks", 10_080), ("week", 10_080),
        ("days", 1_440), ("day", 1_440), ("mins", 1), ("min", 1), ("secs", 1.0 / 60),
        ("sec", 1.0 / 60), ("hrs", 60), ("hr", 60), ("時間", 60), ("分間", 1), ("分", 1),
        ("秒間", 1.0 / 60), ("秒", 1.0 / 60), ("日間", 1_440), ("日", 1_440), ("週間", 10_080),
        ("w", 10_080), ("d", 1_440), ("h", 60), ("m", 1), ("s", 1.0 / 60),
    ]

    /// Longer than this (a century) is no outage's duration: refused, so
    /// every later sum and conversion to whole minutes stays finite.
    public static let maximumMinutes = 100 * 366 * 1_440.0

    public static func parse(_ text: String) -> Parsed {
        switch parseUnbounded(text) {
        case let .minutes(minutes, _) where !(0...maximumMinutes).contains(minutes): .invalid
        case let .bareNumber(number) where !(0...maximumMinutes).contains(number): .invalid
        case let parsed: parsed
        }
    }

    static func parseUnbounded(_ text: String) -> Parsed {
        var body = text.compatibilityFolded  // full-width digits → ASCII
            .trimmingCharacters(in: .whitespaces).lowercased()
        var approximate = false
        var stripped = true
        while stripped {
            stripped = false
            for prefix in approximatePrefixes where body.hasPrefix(prefix) {
                body = String(body.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
                approximate = true
                stripped = true
            }
            for suffix in approximateSuffixes where body.hasSuffix(suffix) {
                body = String(body.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
                approximate = true
                stripped = true
            }
        }
        guard !body.isEmpty else { return .invalid }
        if body.hasPrefix("p"), let minutes = iso8601(body) {
            return .minutes(minutes, approximate: approximate)
        }
        if let minutes = clock(body) { return .minutes(minutes, approximate: approximate) }
        var scanner = Scanner(Array(body.unicodeScalars))
        if let number = scanner.decimal(), scanner.atEnd { return .bareNumber(number) }
        scanner.position = 0
        return unitSequence(&scanner).map { .minutes($0, approximate: approximate) } ?? .invalid
    }

    /// `1d 3h`, `1 h 30 min`, `1時間30分`, `2時間半`, `1.5 hours`, `2 hours and 5 minutes`.
    static func unitSequence(_ scanner: inout Scanner) -> Double? {
        var total = 0.0
        var parts = 0
        while true {
            scanner.skipSpaces()
            if scanner.atEnd { break }
            if parts > 0, scanner.take(",") || scanner.take(word: "and") || scanner.take("と") {
                continue
            }
            guard let number = scanner.decimal() else { return nil }
            scanner.skipSpaces()
            guard let (unit, minutes) = units.first(where: { scanner.take(word: $0.0) }) else { return nil }
            total += number * minutes
            parts += 1
            if unit == "時間", scanner.take("半") { total += 30 }
        }
        return parts > 0 ? total : nil
    }

    /// `01:30` (hours and minutes) or `1:30:15` (with seconds).
    static func clock(_ text: String) -> Double? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count),
              fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hours = Double(fields[0]), let minutes = Double(fields[1]), minutes < 60
        else { return nil }
        var total = hours * 60 + minutes
        if fields.count == 3 {
            guard let seconds = Double(fields[2]), seconds < 60, fields[2].count == 2 else { return nil }
            total += seconds / 60
        }
        return fields[1].count == 2 ? total : nil
    }

    /// ISO 8601 durations: `PT1H30M`, `P1DT2H`, `PT45M`, `P2W` (lower-cased here).
    static func iso8601(_ text: String) -> Double? {
        var scanner = Scanner(Array(text.unicodeScalars))
        guard scanner.take("p") else { return nil }
        var total = 0.0
        var inTime = false
        var parts = 0
        while !scanner.atEnd {
            if scanner.take("t") {
                guard !inTime else { return nil }
                inTime = true
                continue
            }
            guard let number = scanner.decimal(), let designator = scanner.peek else { return nil }
            scanner.position += 1
            switch (designator, inTime) {
            case ("w", false): total += number * 10_080
            case ("d", false): total += number * 1_440
            case ("h", true): total += number * 60
            case ("m", true): total += number
            case ("s", true): total += number / 60
            default: return nil
            }
            parts += 1
        }
        return parts > 0 ? total : nil
    }

    /// `1h 30m`, `45m`, `2d 3h`: how a duration is shown back to a reader.
    public static func format(minutes: Double) -> String {
        guard minutes.isFinite, abs(minutes) <= maximumMinutes * 100 else { return "—" }
        let rounded = Int(minutes.rounded())
        if rounded < 60 { return "\(rounded)m" }
        let days = rounded / 1_440, hours = rounded % 1_440 / 60, mins = rounded % 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if mins > 0 { parts.append("\(mins)m") }
        return parts.joined(separator: " ")
    }
}

extension DurationParsing {
    /// The first duration written with units inside running text
    /// (`about 1 hour and 48 minutes`, `約 58 分`, `20h 03m`), with its range.
    /// Times of day (`19:25`) and bare numbers are not durations here.
    public static func firstDuration(in text: String) -> (minutes: Double, approximate: Bool, range: Range<String.Index>)? {
        let characters = Array(text)
        let allowed = Set("0123456789.,０１２３４５６７８９ 　andと時間分秒日週半hmsdwinuteorcyk約~〜")
        var start = 0
        while start < characters.count {
            let character = characters[start]
            let startsNumber = character.isNumber || character == "約" || character == "~"
            // A number that is part of a word or a longer number (`v2`, `2026-03`) starts no duration.
            if startsNumber, start == 0 || !(characters[start - 1].isLetter && characters[start - 1].isASCII) {
                var end = start
                while end < characters.count, end - start < 40, allowed.contains(Character(characters[end].lowercased())) {
                    end += 1
                }
                var candidateEnd = end
                while candidateEnd > start {
                    let candidate = String(characters[start..<candidateEnd]).trimmingCharacters(in: .whitespaces)
                    if case let .minutes(minutes, approximate) = parse(candidate), !candidate.contains(":"),
                       candidate.contains(where: { !$0.isNumber && !$0.isWhitespace && $0 != "約" && $0 != "~" }) {
                        // The match must end at a word boundary: "5 months" is not "5 m".
                        let next = candidateEnd < characters.count ? characters[candidateEnd] : " "
                        if !(next.isLetter && next.isASCII) {
                            let lower = text.index(text.startIndex, offsetBy: start)
                            let upper = text.index(text.startIndex, offsetBy: candidateEnd)
                            return (minutes, approximate, lower..<upper)
                        }
                    }
                    candidateEnd -= 1
                }
            }
            start += 1
        }
        return nil
    }
}
