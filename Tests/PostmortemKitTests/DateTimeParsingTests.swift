import Foundation
import Testing
@testable import PostmortemKit

@Suite struct DateTimeParsingTests {
    let utc = TimeZone(identifier: "UTC")!
    let tokyoZone = TimeZone(identifier: "Asia/Tokyo")!

    @Test func dates() {
        #expect(DateTimeParsing.parse("2024-03-02", timeZone: utc) == .date(day(2024, 3, 2)!))
        #expect(DateTimeParsing.parse("2024/3/2", timeZone: utc) == .date(day(2024, 3, 2)!))
        #expect(DateTimeParsing.parse("2024-02-29", timeZone: utc) == .date(day(2024, 2, 29)!))
    }

    @Test func impossibleDatesSayWhy() {
        #expect(DateTimeParsing.parse("2024-02-30", timeZone: utc) == .invalid("February 2024 has 29 days"))
        #expect(DateTimeParsing.parse("2023-02-29", timeZone: utc) == .invalid("February 2023 has 28 days"))
        #expect(DateTimeParsing.parse("2024-13-01", timeZone: utc) == .invalid("there is no month 13"))
        #expect(DateTimeParsing.parse("2024-03-02T24:00", timeZone: utc)
            == .invalid("there is no hour 24 (hours run from 00 to 23)"))
        #expect(DateTimeParsing.parse("2024-03-02T10:61", timeZone: utc) == .invalid("there is no minute 61"))
    }

    @Test func offsetsAndZones() {
        // 2024-03-02T12:40:00Z is 1709383200.
        let expected = Date(timeIntervalSince1970: 1_709_383_200)
        for text in ["2024-03-02T12:40Z", "2024-03-02T21:40+09:00", "2024-03-02 21:40:00+0900",
                     "2024-03-02T21:40+09", "2024-03-02 21:40 JST", "2024-03-02T12:40:00 UTC",
                     "2024-03-02T12:40:00-00:00", "2024-03-02T07:40-05:00"] {
            #expect(DateTimeParsing.parse(text, timeZone: utc) == .dateTime(expected, hadOffset: true), "\(text)")
        }
    }

    @Test func noOffsetMeansTheSiteTimeZone() {
        #expect(DateTimeParsing.parse("2024-03-02 21:40", timeZone: tokyoZone)
            == .dateTime(Date(timeIntervalSince1970: 1_709_383_200), hadOffset: false))
        #expect(DateTimeParsing.parse("2024-03-02T12:40", timeZone: utc)
            == .dateTime(Date(timeIntervalSince1970: 1_709_383_200), hadOffset: false))
    }

    @Test func fractionsOfSeconds() {
        #expect(DateTimeParsing.parse("2024-03-02T12:40:00.5Z", timeZone: utc)
            == .dateTime(Date(timeIntervalSince1970: 1_709_383_200.5), hadOffset: true))
    }

    @Test(arguments: ["yesterday", "2024", "03-02-2024", "2024-03-02T", "2024-03-02 evening",
                      "2024-03-02T12:40 CEST", "2024-03-02T12"])
    func notDates(text: String) {
        #expect(DateTimeParsing.parse(text, timeZone: utc) == .notADate)
    }

    @Test func formatsInTheZone() {
        #expect(DateTimeParsing.format(Date(timeIntervalSince1970: 1_709_383_200), in: tokyoZone) == "2024-03-02 21:40")
    }

    @Test func daysFromCivilMatchesFoundation() {
        #expect(DateTimeParsing.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(DateTimeParsing.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(DateTimeParsing.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
    }
}
