import Foundation
import Testing
@testable import PostmortemKit

/// Outage statistics against values worked out by hand, and their properties.
@Suite struct MetricsTests {
    func samples(_ files: [(String, String)], configuration: SiteConfiguration = .default) -> [IncidentSample] {
        let postmortems = LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: configuration).postmortems
        let recurrences = RecurrenceAnalysis.analyze(postmortems, timeZone: configuration.timeZone)
        return IncidentSample.make(postmortems, configuration: configuration, recurrences: recurrences)
    }

    /// An incident started at `start` that took `minutes` to resolve.
    func incident(_ id: String, _ start: String, minutes: Int, extra: String = "") -> (String, String) {
        let begun = instant(start)
        let end = DateTimeParsing.utc(begun.addingTimeInterval(Double(minutes) * 60))
        return ("\(id).md", frontMatter("id: \(id)\nstarted_at: \(start)\nresolved_at: \(end)\n\(extra)"))
    }

    // MARK: Statistics

    @Test func oneValueIsEveryStatistic() throws {
        let s = try #require(Statistics([42]))
        #expect([s.mean, s.median, s.p90, s.min, s.max, s.total] == [42, 42, 42, 42, 42, 42] && s.n == 1)
    }

    @Test func noValuesIsNoStatistics() {
        #expect(Statistics([]) == nil)
    }

    @Test func evenCountsTakeTheMiddleTwoAndP90Interpolates() throws {
        // numpy: np.median(range(1, 11)) = 5.5, np.percentile(range(1, 11), 90) = 9.1
        let s = try #require(Statistics((1...10).map(Double.init)))
        #expect(s.median == 5.5)
        #expect(abs(s.p90 - 9.1) < 1e-9)
        #expect(s.mean == 5.5)
        #expect(s.total == 55)
        // Skewed, as outages are: [4, 58, 240, 1415] → rank 2.7 → 240 + 0.7 × 1175 = 1062.5
        let skewed = try #require(Statistics([1415, 4, 240, 58]))
        #expect(skewed.median == 149)
        #expect(abs(skewed.p90 - 1062.5) < 1e-9)
        #expect(abs(skewed.mean - 429.25) < 1e-9)
    }

    @Test func tiesStayTies() throws {
        let s = try #require(Statistics([30, 30, 30, 90]))
        #expect(s.median == 30)
        #expect(abs(s.p90 - 72) < 1e-9)  // rank 2.7 → 30 + 0.7 × 60
        #expect(s.min == 30 && s.max == 90)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func statisticsDoNotDependOnOrderAndStayInRange(seed: UInt64) throws {
        var random = RecurrenceTests.SeededGenerator(state: seed)
        let values = (0..<Int.random(in: 1...40, using: &random)).map { _ in Double(Int.random(in: 0...5_000, using: &random)) }
        let s = try #require(Statistics(values))
        #expect(Statistics(values.shuffled(using: &random)) == s)
        #expect(s.min <= s.median && s.median <= s.max)
        #expect(s.median <= s.p90 && s.p90 <= s.max)
        #expect(s.min <= s.mean && s.mean <= s.max)
        #expect(s.n == values.count && s.total == values.reduce(0, +))
    }

    // MARK: Periods

    @Test func periodsAreNamedAndFollowEachOther() throws {
        let day = try #require(CalendarDate(year: 2024, month: 12, day: 31))
        #expect(Period(day, .month).description == "2024-12")
        #expect(Period(day, .month).next.description == "2025-01")
        #expect(Period(day, .quarter).description == "2024-Q4")
        #expect(Period(day, .quarter).next.description == "2025-Q1")
        #expect(Period(day, .year).description == "2024")
        #expect(Period(day, .quarter).firstDay.description == "2024-10-01")
        #expect(Period.bounds("2024-Q1").map { "\($0.first) \($0.last)" } == "2024-01-01 2024-03-31")
        #expect(Period.bounds("2024-02").map { "\($0.first) \($0.last)" } == "2024-02-01 2024-02-29")
        #expect(Period.bounds("2024").map { "\($0.first) \($0.last)" } == "2024-01-01 2024-12-31")
        #expect(Period.bounds("2024-03-08").map { "\($0.first) \($0.last)" } == "2024-03-08 2024-03-08")
        for wrong in ["24", "2024-13", "2024-Q5", "2024-02-30", "last year", ""] { #expect(Period.bounds(wrong) == nil, "\(wrong)") }
    }

    @Test func everyPeriodBetweenFirstAndLastAppearsEmptyOnesWithNulls() {
        let report = OutageMetrics.report(samples([
            incident("A", "2024-01-10T10:00Z", minutes: 30),
            incident("B", "2024-04-02T10:00Z", minutes: 90),
        ]), configuration: .default)
        #expect(report.periods.map(\.period.description) == ["2024-01", "2024-02", "2024-03", "2024-04"])
        #expect(report.periods.map(\.incidents) == [1, 0, 0, 1])
        #expect(report.periods[1].ttr == nil && report.periods[1].mtbfDays == nil)
        #expect(report.periods[3].ttr?.median == 90)
        let quarters = OutageMetrics.report(samples([incident("A", "2024-01-10T10:00Z", minutes: 30),
                                                     incident("B", "2024-10-02T10:00Z", minutes: 90)]),
                                            configuration: .default, granularity: .quarter)
        #expect(quarters.periods.map(\.period.description) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"])
    }

    @Test func theSiteTimeZoneMovesAnIncidentAcrossAMonthBoundary() {
        let files = [incident("A", "2024-03-31T23:30Z", minutes: 10)]
        let utc = OutageMetrics.report(samples(files), configuration: .default)
        let japan = OutageMetrics.report(samples(files, configuration: tokyo), configuration: tokyo)
        #expect(utc.periods.map(\.period.description) == ["2024-03"])
        #expect(japan.periods.map(\.period.description) == ["2024-04"], "08:30 on 1 April in Tokyo")
    }

    @Test func daylightSavingTimeIsTheZoneOfTheDay() {
        var london = SiteConfiguration.default
        _ = london.setTimeZone(named: "Europe/London")
        // 23:30 UTC is 00:30 the next day in summer (BST, +1) but the same day in winter (GMT).
        let files = [incident("S", "2024-06-30T23:30Z", minutes: 10), incident("W", "2024-01-31T23:30Z", minutes: 10)]
        let report = OutageMetrics.report(samples(files, configuration: london), configuration: london)
        let busy = report.periods.filter { $0.incidents > 0 }.map(\.period.description)
        #expect(busy == ["2024-01", "2024-07"])
        #expect(report.timeZone == "Europe/London")
    }

    // MARK: What counts

    @Test func draftsAndNearMissesAreCountedApartAndMissingValuesLeftOut() throws {
        let report = OutageMetrics.report(samples([
            incident("A", "2024-01-10T10:00Z", minutes: 30, extra: "detected_at: 2024-01-10T10:05Z"),
            incident("B", "2024-01-11T10:00Z", minutes: 60),
            incident("D", "2024-01-12T10:00Z", minutes: 600, extra: "status: draft"),
            incident("N", "2024-01-13T10:00Z", minutes: 900, extra: "kind: near-miss"),
            ("E.md", frontMatter("id: E\ndate: 2024-01-14")),
        ]), configuration: .default)
        let o = report.overall
        #expect((o.incidents, o.drafts, o.nearMisses) == (3, 1, 1))
        #expect(o.ttr == Statistics([30, 60]), "E has no time, D and N do not count")
        #expect(o.ttd == Statistics([5]))
        #expect(o.ttm == nil)
        #expect(report.periods.first?.incidents == 3)
        #expect(report.periods.first?.nearMisses == 1)
    }

    @Test func theDefinitionChoosesTheMilestonesAndWhetherInferredTimesCount() {
        let files = [
            ("A.md", frontMatter("""
                id: A
                started_at: 2024-01-10T10:00Z
                detected_at: 2024-01-10T10:20Z
                mitigated_at: 2024-01-10T11:00Z
                resolved_at: 2024-01-10T13:00Z
                """)),
            ("B.md", frontMatter("id: B\ndate: 2024-01-11\nduration: 45m")),
            ("C.md", frontMatter("id: C\ndate: 2024-01-12", body: "# C\n\nTime to recovery: 100 minutes.\n")),
        ]
        var configuration = SiteConfiguration.default
        #expect(OutageMetrics.report(samples(files), configuration: configuration).overall.ttr == Statistics([180, 45, 100]))
        configuration.metrics = MetricsDefinition(recoveryStart: .detectedAt, recoveryEnd: .mitigatedAt, includeInferred: false)
        let narrow = OutageMetrics.report(samples(files, configuration: configuration), configuration: configuration).overall
        #expect(narrow.ttr == Statistics([40, 45]), "detected → mitigated; the stated duration stands in; the inferred one is left out")
        #expect(narrow.ttrInferred == 0)
    }

    @Test func timeBetweenIncidentsAndTheRecurrenceRate() {
        let report = OutageMetrics.report(samples([
            incident("A", "2024-01-01T00:00Z", minutes: 10, extra: "cause: {key: pool}"),
            incident("B", "2024-01-11T00:00Z", minutes: 10, extra: "cause: {key: dns}"),
            incident("C", "2024-01-31T00:00Z", minutes: 10, extra: "cause: {key: pool}"),
            incident("D", "2024-02-05T00:00Z", minutes: 10),
        ]), configuration: .default)
        #expect(report.overall.mtbfDays == 35.0 / 3)
        #expect(report.overall.recurrenceRate == 1.0 / 3, "C recurs A; D has no cause key")
        #expect(report.periods.map(\.recurrences) == [1, 0])
        #expect(report.periods.map(\.mtbfDays) == [15, 5])
    }

    @Test func sinceAndUntilKeepTheirRangeOfPeriods() {
        let all = samples([incident("A", "2023-12-20T10:00Z", minutes: 5), incident("B", "2024-02-10T10:00Z", minutes: 50),
                           incident("C", "2024-06-10T10:00Z", minutes: 500)])
        let report = OutageMetrics.report(all, configuration: .default, from: CalendarDate(year: 2024, month: 1, day: 1),
                                          through: CalendarDate(year: 2024, month: 3, day: 31))
        #expect(report.periods.map(\.period.description) == ["2024-01", "2024-02", "2024-03"])
        #expect(report.overall.incidents == 1 && report.overall.ttr?.median == 50)
    }

    @Test func groupsBySeverityAndCategoryFollowTheConfiguration() {
        let report = OutageMetrics.report(samples([
            incident("A", "2024-01-01T00:00Z", minutes: 10, extra: "severity: SEV3\ncause: {category: attack, key: x}"),
            incident("B", "2024-01-02T00:00Z", minutes: 30, extra: "severity: SEV1\ncause: {category: release-bug, key: y}"),
            incident("C", "2024-01-03T00:00Z", minutes: 50, extra: "severity: SEV1"),
        ]), configuration: .default)
        let january = report.periods[0]
        #expect(january.bySeverity.map(\.key) == ["SEV1", "SEV3"])
        #expect(january.bySeverity[0].ttr == Statistics([30, 50]))
        #expect(january.byCategory.map(\.key) == ["release-bug", "attack"])
        #expect(report.severities == ["SEV1", "SEV3"])
    }
}
