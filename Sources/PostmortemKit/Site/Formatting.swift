import Foundation

/// Dates, times and durations as a page shows them, in the site's language.
struct Formatting {
    let language: Language
    let timeZone: TimeZone

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `8 Mar 2024` / `2024年3月8日`.
    func longDate(_ date: CalendarDate) -> String {
        language == .ja ? "\(date.year)年\(date.month)月\(date.day)日" : "\(date.day) \(Self.months[date.month - 1]) \(date.year)"
    }

    /// `2024-03-08 19:40`, in the site's time zone.
    func time(_ instant: Date) -> String {
        DateTimeParsing.format(instant, in: timeZone)
    }

    /// `1h 30m` / `1時間30分`, with `~` (`約`) for an estimate.
    func duration(_ minutes: Double, approximate: Bool = false) -> String {
        let rounded = Int(minutes.rounded())
        let days = rounded / 1_440, hours = rounded % 1_440 / 60, mins = rounded % 60
        var text: String
        if language == .ja {
            text = (days > 0 ? "\(days)日" : "") + (hours > 0 ? "\(hours)時間" : "") + (mins > 0 || rounded == 0 ? "\(mins)分" : "")
            if approximate { text = "約" + text }
        } else {
            text = DurationParsing.format(minutes: minutes)
            if approximate { text = "~" + text }
        }
        return text
    }

    /// `1,200`.
    func number(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
