import Testing
@testable import PostmortemKit

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("90m", 90.0), ("1h30m", 90), ("1 h 30 min", 90), ("2 hours", 120), ("1d 3h", 1_620),
        ("01:30", 90), ("1:30:30", 90.5), ("PT1H30M", 90), ("pt45m", 45), ("P1DT2H", 1_560),
        ("90分", 90), ("1時間30分", 90), ("2時間半", 150), ("45 minutes", 45), ("1.5h", 90),
        ("2 hours and 5 minutes", 125), ("1 hour, 5 minutes", 65), ("３時間", 180),
        ("20h 03m", 1_203), ("30s", 0.5), ("2日", 2_880), ("1週間", 10_080), ("90 min", 90),
    ])
    func exact(text: String, minutes: Double) {
        #expect(DurationParsing.parse(text) == .minutes(minutes, approximate: false))
    }

    @Test(arguments: [
        ("約2時間", 120.0), ("約 65 時間", 3_900), ("about 2 hours", 120), ("~45 min", 45),
        ("2時間ほど", 120), ("およそ30分", 30), ("approx. 1h", 60), ("30分程度", 30),
    ])
    func approximate(text: String, minutes: Double) {
        #expect(DurationParsing.parse(text) == .minutes(minutes, approximate: true))
    }

    @Test func bareNumberIsReportedNotGuessed() {
        #expect(DurationParsing.parse("90") == .bareNumber(90))
    }

    @Test(arguments: ["", "soon", "2 months", "h", "1:3", "PT", "P1H", "1h foo", "約"])
    func invalid(text: String) {
        #expect(DurationParsing.parse(text) == .invalid)
    }

    @Test func formatsForReaders() {
        #expect(DurationParsing.format(minutes: 45) == "45m")
        #expect(DurationParsing.format(minutes: 90) == "1h 30m")
        #expect(DurationParsing.format(minutes: 1_620) == "1d 3h")
        #expect(DurationParsing.format(minutes: 120) == "2h")
    }
}
