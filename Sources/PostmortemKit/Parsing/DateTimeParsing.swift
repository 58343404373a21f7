import Foundation

/// Parses the dates and date-times authors write in front matter:
/// `2024-03-02`, `2024/03/02`, `2024-03-02T21:40`, `2024-03-02 21:40:05+09:00`,
/// `2024-03-02T12:40Z`, `2024-03-02 21:40 JST`.
public enum DateTimeParsing {
    public enum Parsed: Sendable, Hashable {
        case date(CalendarDate)
        /// An instant; `hadOffset` is false when the site's time zone was assumed.
        case dateTime(Date, hadOffset: Bool)
        /// Looks like a date but cannot be one; the reason is a sentence.
        case invalid(String)
        case notADate
    }

    /// Zone abbreviations authors write after a time, with their offsets in minutes.
    static let zoneAbbreviations: [String: Int] = ["Z": 0, "UTC": 0, "GMT": 0, "JST": 9 * 60]

    public static func parse(_ text: String, timeZone: TimeZone) -> Parsed {
        var scanner = Scanner(Array(text.trimmingSpaces().unicodeScalars))
        guard let year = scanner.number(digits: 4...4), scanner.take("-") || scanner.take("/"),
              let month = scanner.number(digits: 1...2), scanner.take("-") || scanner.take("/"),
              let day = scanner.number(digits: 1...2)
        else { return .notADate }
        guard (1...12).contains(month) else { return .invalid("there is no month \(month)") }
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            return .invalid("\(monthNames[month - 1]) \(year) has \(CalendarDate.daysIn(month: month, year: year)) days")
        }
        if scanner.atEnd { return .date(date) }
        guard scanner.take("T") || scanner.take("t") || scanner.skipSpaces() else { return .notADate }
        guard let hour = scanner.number(digits: 1...2), scanner.take(":"),
              let minute = scanner.number(digits: 2...2) else { return .notADate }
        var second = 0.0
        if scanner.take(":") {
            guard let whole = scanner.number(digits: 2...2) else { return .notADate }
            second = Double(whole)
            if scanner.take(".") || scanner.take(",") {
                var scale = 0.1
                while let digit = scanner.digit() {
                    second += Double(digit) * scale
                    scale /= 10
                }
            }
        }
        guard hour < 24 else { return .invalid("there is no hour \(hour) (hours run from 00 to 23)") }
        guard minute < 60 else { return .invalid("there is no minute \(minute)") }
        guard second < 61 else { return .invalid("there is no second \(Int(second))") }
        _ = scanner.skipSpaces()
        var offsetMinutes: Int? = nil
        if scanner.atEnd {
            offsetMinutes = nil
        } else if scanner.peek == "+" || scanner.peek == "-" {
            let sign = scanner.take("-") ? -1 : (scanner.take("+") ? 1 : 1)
            guard let hours = scanner.number(digits: 2...2) else { return .notADate }
            _ = scanner.take(":")
            let minutes = scanner.number(digits: 2...2) ?? 0
            guard hours <= 14, minutes < 60 else { return .invalid("the offset is out of range") }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            let word = scanner.rest.uppercased()
            guard let offset = zoneAbbreviations[word] else { return .notADate }
            scanner.position = scanner.scalars.count
            offsetMinutes = offset
        }
        guard scanner.atEnd else { return .notADate }
        let instant: Date
        if let offsetMinutes {
            let days = daysFromCivil(year: year, month: month, day: day)
            let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 - offsetMinutes * 60) + second
            instant = Date(timeIntervalSince1970: seconds)
        } else {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let components = DateComponents(
                year: year, month: month, day: day, hour: hour, minute: minute,
                second: Int(second), nanosecond: Int((second - second.rounded(.down)) * 1e9))
            guard let local = calendar.date(from: components) else {
                return .invalid("the time does not exist in \(timeZone.identifier)")
            }
            instant = local
        }
        return .dateTime(instant, hadOffset: offsetMinutes != nil)
    }

    /// `2024-03-02T12:40:00Z`: ISO 8601 in UTC, for data files and feeds.
    public static func utc(_ instant: Date) -> String {
        iso8601(instant, in: utcZone)
    }

    /// `2024-03-02 21:40` in `timeZone`, for messages and pages.
    public static func format(_ instant: Date, in timeZone: TimeZone) -> String {
        let local = LocalTime(instant, in: timeZone)
        return "\(local.date) \(two(local.hour)):\(two(local.minute))"
    }

    /// `2024-03-02T21:40:00+09:00` (`Z` in UTC): ISO 8601 in `timeZone`, as
    /// `ISO8601DateFormatter` writes it with `.withInternetDateTime`, without
    /// making a formatter per call.
    public static func iso8601(_ instant: Date, in timeZone: TimeZone) -> String {
        let local = LocalTime(instant, in: timeZone)
        var text = "\(local.date)T\(two(local.hour)):\(two(local.minute)):\(two(local.second))"
        if local.offsetSeconds == 0 { return text + "Z" }
        let minutes = abs(local.offsetSeconds) / 60
        text += local.offsetSeconds < 0 ? "-" : "+"
        return text + "\(two(minutes / 60)):\(two(minutes % 60))"
    }

    static let utcZone = TimeZone(secondsFromGMT: 0) ?? .current

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// An instant's wall-clock time in a zone, by the zone's offset at that
    /// instant (daylight saving included) and calendar arithmetic, no `Calendar`.
    struct LocalTime {
        var date: CalendarDate
        var hour: Int, minute: Int, second: Int
        var offsetSeconds: Int

        init(_ instant: Date, in timeZone: TimeZone) {
            offsetSeconds = timeZone.secondsFromGMT(for: instant)
            let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let inDay = seconds - days * 86_400
            date = DateTimeParsing.civilFromDays(days)
            hour = inDay / 3_600
            minute = inDay % 3_600 / 60
            second = inDay % 60
        }
    }

    /// The proleptic Gregorian date `days` days after 1970-01-01 (Howard Hinnant's algorithm).
    static func civilFromDays(_ days: Int) -> CalendarDate {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return CalendarDate(checkedYear: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A cursor over Unicode scalars for the small hand parsers of this module.
struct Scanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { position >= scalars.count }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }
    var rest: String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[min(position, scalars.count)...])
        return text
    }

    mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard peek == scalar else { return false }
        position += 1
        return true
    }

    /// Takes `word` (ASCII, case-insensitive) when it comes next.
    mutating func take(word: String) -> Bool {
        let wanted = Array(word.lowercased().unicodeScalars)
        guard position + wanted.count <= scalars.count else { return false }
        for (offset, scalar) in wanted.enumerated()
        where Character(scalars[position + offset]).lowercased() != String(scalar) {
            return false
        }
        position += wanted.count
        return true
    }

    @discardableResult
    mutating func skipSpaces() -> Bool {
        let start = position
        while let scalar = peek, scalar.properties.isWhitespace { position += 1 }
        return position > start
    }

    mutating func digit() -> Int? {
        guard let scalar = peek, ("0"..."9").contains(scalar) else { return nil }
        position += 1
        return Int(scalar.value - 48)
    }

    /// A run of decimal digits whose length is in `digits`.
    mutating func number(digits: ClosedRange<Int>) -> Int? {
        let start = position
        var value = 0
        while position - start < digits.upperBound, let digit = digit() {
            value = value * 10 + digit
        }
        guard digits.contains(position - start) else {
            position = start
            return nil
        }
        return value
    }

    /// A decimal number such as `90`, `1.5` or `1,200` (thousands separators).
    mutating func decimal() -> Double? {
        let start = position
        var text = ""
        while let scalar = peek {
            if ("0"..."9").contains(scalar) || scalar == "." {
                text.unicodeScalars.append(scalar)
            } else if scalar == ",", position + 1 < scalars.count,
                      ("0"..."9").contains(scalars[position + 1]), !text.isEmpty {
                // thousands separator
            } else {
                break
            }
            position += 1
        }
        guard let value = Double(text) else {
            position = start
            return nil
        }
        return value
    }
}
