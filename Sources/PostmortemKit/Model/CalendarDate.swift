import Foundation

/// A day in the calendar, without a time or a time zone (`2024-03-02`).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A valid Gregorian date, or nil (`2024-02-30` is nil).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date the caller knows to be valid (a constant, or one made from a valid date's parts).
    init(checkedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of `instant` in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        self = DateTimeParsing.LocalTime(instant, in: timeZone).date
    }

    /// The instant this day begins in `timeZone`.
    public func start(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
            ?? Date(timeIntervalSince1970: Double(daysSinceEpoch * 86_400))
    }

    /// Days from 1970-01-01 (negative before it), without a calendar.
    public var daysSinceEpoch: Int { DateTimeParsing.daysFromCivil(year: year, month: month, day: day) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The date as one number, YYYYMMDD (2024-03-08 is 20240308): numbers compare as the dates do.
    public var number: Int { year * 10_000 + month * 100 + day }

    /// `number`, and for no date 99990000: where the text "9999" put it, after every date before the year 9999.
    static func sortNumber(_ date: CalendarDate?) -> Int { date?.number ?? 99_990_000 }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
