/// A reporting period: a month (`2024-03`), a quarter (`2024-Q1`) or a year
/// (`2024`). An incident belongs to the period of its start in the site's time zone.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var granularity: Granularity
    public var year: Int
    /// The month (1…12), the quarter (1…4), or 1 for a year.
    public var index: Int

    public init(_ date: CalendarDate, _ granularity: Granularity) {
        self.granularity = granularity
        year = date.year
        switch granularity {
        case .month: index = date.month
        case .quarter: index = (date.month - 1) / 3 + 1
        case .year: index = 1
        }
    }

    init(granularity: Granularity, year: Int, index: Int) {
        self.granularity = granularity
        self.year = year
        self.index = index
    }

    /// `2024-03`, `2024-Q1`, `2024`.
    public var description: String {
        switch granularity {
        case .month: "\(year)-\(index < 10 ? "0" : "")\(index)"
        case .quarter: "\(year)-Q\(index)"
        case .year: "\(year)"
        }
    }

    /// How many of this period there are in a year.
    var perYear: Int {
        switch granularity {
        case .month: 12
        case .quarter: 4
        case .year: 1
        }
    }

    /// The period after this one.
    public var next: Period {
        index < perYear ? Period(granularity: granularity, year: year, index: index + 1)
            : Period(granularity: granularity, year: year + 1, index: 1)
    }

    /// The first day of the period.
    public var firstDay: CalendarDate {
        let month = switch granularity {
        case .month: index
        case .quarter: (index - 1) * 3 + 1
        case .year: 1
        }
        return CalendarDate(year: year, month: month, day: 1) ?? .epoch
    }

    /// The last day of the period.
    public var lastDay: CalendarDate {
        let month = switch granularity {
        case .month: index
        case .quarter: index * 3
        case .year: 12
        }
        return CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year)) ?? .epoch
    }

    /// Per-period figures and charts cover at most this many years, the
    /// latest: a date typed as 0001 or 8023 must not make a column a month
    /// for millennia (the figures over all incidents still count every one).
    public static let maxYears = 50

    /// `first`, or the first period of the `maxYears` years that end with `last` when `first` is earlier.
    public static func start(_ first: Period, within last: Period) -> Period {
        max(first, Period(granularity: last.granularity, year: last.year - maxYears + 1, index: 1))
    }

    /// Every period from `first` to `last`, both included.
    public static func range(_ first: Period, through last: Period) -> [Period] {
        var periods: [Period] = []
        var period = first
        while period <= last {
            periods.append(period)
            period = period.next
        }
        return periods
    }

    /// A period as written on a command line: `2024`, `2024-Q1`, `2024-03`
    /// or a day `2024-03-08` (which stands for itself: `first` and `last` are that day).
    public static func bounds(_ text: String) -> (first: CalendarDate, last: CalendarDate)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, first.count == 4, let year = Int(first), year >= 1 else { return nil }
        switch parts.count {
        case 1:
            let period = Period(granularity: .year, year: year, index: 1)
            return (period.firstDay, period.lastDay)
        case 2 where parts[1].count == 2 && (parts[1].first == "Q" || parts[1].first == "q"):
            guard let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) else { return nil }
            let period = Period(granularity: .quarter, year: year, index: quarter)
            return (period.firstDay, period.lastDay)
        case 2 where parts[1].count == 2:
            guard let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            let period = Period(granularity: .month, year: year, index: month)
            return (period.firstDay, period.lastDay)
        case 3 where parts[1].count == 2 && parts[2].count == 2:
            guard let month = Int(parts[1]), let day = Int(parts[2]),
                  let date = CalendarDate(year: year, month: month, day: day) else { return nil }
            return (date, date)
        default: return nil
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.year, lhs.index) < (rhs.year, rhs.index)
    }
}

extension CalendarDate {
    static let epoch = CalendarDate(checkedYear: 1970, month: 1, day: 1)

    /// The same day `months` months earlier (or later, when negative), clamped
    /// to the month's last day (`2024-05-31` minus 3 months is `2024-02-29`).
    func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12, newMonth = total % 12 + 1
        let newDay = Swift.min(day, CalendarDate.daysIn(month: newMonth, year: newYear))
        return CalendarDate(year: newYear, month: newMonth, day: newDay) ?? self
    }
}
