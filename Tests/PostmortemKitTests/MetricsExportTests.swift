import Foundation
import Testing
@testable import PostmortemKit

/// `data/metrics.json`, `data/metrics.csv`, `postmortem stats` and `trends.html`.
@Suite struct MetricsExportTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z

    func sampleSite() throws -> OutputPlan {
        let root = packageRoot.appendingPathComponent("postmortems").path
        let configurationFile = try Check.configurationFile(path: packageRoot.appendingPathComponent("postmortem.yml").path)
        let check = try Check.run(folder: root, configurationFile: configurationFile)
        return try SiteRenderer.render(check.load.postmortems, configuration: check.configuration, theme: .builtIn,
                                       sourceFolder: root, now: Self.now)
    }

    static let statisticKeys: Set<String> = ["n", "mean", "median", "p90", "min", "max", "total"]

    /// A statistic is null or exactly the seven numbers, with n ≥ 1 and min ≤ median ≤ p90 ≤ max.
    func checkStatistic(_ value: Any?, _ path: String) {
        if value is NSNull { return }
        guard let object = value as? [String: Any] else { Issue.record("\(path) is neither null nor an object"); return }
        #expect(Set(object.keys) == Self.statisticKeys, "\(path)")
        let number = { (key: String) in (object[key] as? NSNumber)?.doubleValue ?? .nan }
        #expect(number("n") >= 1, "\(path): n = 0 must be null")
        #expect(number("min") <= number("median") && number("median") <= number("p90") && number("p90") <= number("max"), "\(path)")
    }

    @Test func theSampleMetricsJSONHasTheDocumentedShape() throws {
        let plan = try sampleSite()
        let data = Data(try #require(plan.files["data/metrics.json"]))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(root.keys) == ["granularity", "timezone", "overall", "periods"])
        #expect(root["granularity"] as? String == "month")
        #expect(root["timezone"] as? String == "Asia/Tokyo")
        let overall = try #require(root["overall"] as? [String: Any])
        #expect(Set(overall.keys) == ["incidents", "near_misses", "drafts", "ttr", "ttd", "ttm", "mtbf_days", "recurrence_rate"])
        for key in ["incidents", "near_misses", "drafts"] { #expect(overall[key] is NSNumber, "\(key)") }
        #expect((overall["near_misses"] as? Int ?? 0) >= 1 && (overall["drafts"] as? Int ?? 0) >= 1)
        for key in ["ttr", "ttd", "ttm"] { checkStatistic(overall[key], "overall.\(key)") }
        #expect(overall["ttr"] is [String: Any])
        let rate = try #require(overall["recurrence_rate"] as? Double)
        #expect(rate > 0 && rate < 1)
        #expect((overall["mtbf_days"] as? Double ?? 0) > 0)
        let periods = try #require(root["periods"] as? [[String: Any]])
        #expect(periods.count >= 30)
        var previous: String?
        var sum = 0
        for period in periods {
            let name = try #require(period["period"] as? String)
            #expect(Set(period.keys) == ["period", "incidents", "ttr", "ttd", "ttm", "by_severity", "by_category", "recurrences"])
            if let previous, let before = Period.bounds(previous)?.first {
                #expect(Period(before, .month).next.description == name, "every month between the first and the last")
            }
            previous = name
            let incidents = try #require(period["incidents"] as? Int)
            sum += incidents
            for key in ["ttr", "ttd", "ttm"] { checkStatistic(period[key], "\(name).\(key)") }
            if incidents == 0 { #expect(period["ttr"] is NSNull, "\(name): an empty period has null statistics") }
            for group in ["by_severity", "by_category"] {
                let groups = try #require(period[group] as? [String: [String: Any]])
                for (key, value) in groups {
                    #expect(Set(value.keys) == ["incidents", "ttr"], "\(name).\(group).\(key)")
                    checkStatistic(value["ttr"], "\(name).\(group).\(key).ttr")
                }
            }
        }
        #expect(sum == overall["incidents"] as? Int, "every dated incident is in one period")
    }

    @Test func statsPrintsTheSameDocumentsAsTheSite() throws {
        let root = packageRoot.appendingPathComponent("postmortems").path
        let check = try Check.run(folder: root, configurationFile: Check.configurationFile(
            path: packageRoot.appendingPathComponent("postmortem.yml").path))
        let plan = try sampleSite()
        let report = Stats.report(check, options: Stats.Options())
        #expect(Array(try Stats.render(report, format: .json, folder: root).utf8) == plan.files["data/metrics.json"])
        #expect(Array(try Stats.render(report, format: .csv, folder: root).utf8) == plan.files["data/metrics.csv"])
        let quarters = Stats.report(check, options: Stats.Options(granularity: .quarter, since: CalendarDate(year: 2025, month: 1, day: 1),
                                                                  until: CalendarDate(year: 2025, month: 12, day: 31)))
        #expect(quarters.periods.map(\.period.description) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"])
    }

    @Test func theCSVHasARowPerPeriodWithTheJSONNumbers() throws {
        let configuration = tokyo
        let files = [
            ("a.md", frontMatter("id: A\nseverity: SEV1\nstarted_at: 2024-01-10T10:00+09:00\nresolved_at: 2024-01-10T11:30+09:00")),
            ("b.md", frontMatter("id: B\nseverity: SEV2\nstarted_at: 2024-03-01T10:00+09:00\nresolved_at: 2024-03-01T10:45+09:00")),
        ]
        let postmortems = LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: configuration).postmortems
        let samples = IncidentSample.make(postmortems, configuration: configuration, recurrences: [:])
        let report = OutageMetrics.report(samples, configuration: configuration)
        let csv = String(decoding: MetricsExport.csv(report), as: UTF8.self)
        let lines = csv.dropFirst().components(separatedBy: "\r\n")
        let header = lines[0].components(separatedBy: ",")
        #expect(Array(header.prefix(4)) == ["period", "incidents", "ttr.n", "ttr.mean"])
        #expect(header.contains("by_severity.SEV1.ttr.median") && header.contains("by_severity.SEV2.incidents"))
        #expect(lines.count == 5, "header, three months, and the last line end")
        #expect(lines[1].hasPrefix("2024-01,1,1,90,90,90,90,90,90,"))
        #expect(lines[2].hasPrefix("2024-02,0,,,,,,,,"))
        #expect(lines[3].hasPrefix("2024-03,1,1,45,45,45,45,45,45,"))
    }

    @Test func statsPrintsAlignedFigures() throws {
        let files = [
            ("a.md", frontMatter("id: A\nstarted_at: 2024-01-10T10:00Z\nresolved_at: 2024-01-10T11:30Z\ncause: {key: pool}")),
            ("b.md", frontMatter("id: B\nstarted_at: 2024-03-01T10:00Z\nresolved_at: 2024-03-01T10:30Z\ncause: {key: pool}")),
            ("n.md", frontMatter("id: N\nkind: near-miss\ndate: 2024-02-01")),
        ]
        let postmortems = LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: .default).postmortems
        let recurrences = RecurrenceAnalysis.analyze(postmortems, timeZone: SiteConfiguration.default.timeZone)
        let report = OutageMetrics.report(IncidentSample.make(postmortems, configuration: .default, recurrences: recurrences),
                                          configuration: .default)
        let expected = """
            Outage statistics of kb, by month in UTC.
            TTR = resolved_at − started_at (else the stated duration); times inferred from the text counted.

            2 incidents, 1 near miss, 0 drafts (left out of the times); mean time between incidents 51.0 days; recurrence rate 50 % (1 of 2).

                 n  missing  median     p90  mean  min     max  total
            TTR  2        0      1h  1h 24m    1h  30m  1h 30m     2h
            TTD  0        2       —       —     —    —       —      —
            TTM  0        2       —       —     —    —       —      —

            period   incidents  recurrences  TTR n  median     p90    mean     max  TTD median  TTM median
            2024-01          1            0      1  1h 30m  1h 30m  1h 30m  1h 30m           —           —
            2024-02          0            0      0       —       —       —       —           —           —
            2024-03          1            1      1     30m     30m     30m     30m           —           —

            """
        #expect(Stats.text(report, folder: "kb") == expected)
        #expect(TextTable.width("障害abc") == 7)
    }

    @Test func trendsPageHasChartsWithTitlesTooltipsAndTables() throws {
        let plan = try sampleSite()
        let page = String(decoding: try #require(plan.files["trends.html"]), as: UTF8.self)
        let charts = page.components(separatedBy: "<svg class=\"chart\"").count - 1
        #expect(charts == 8)
        #expect(page.components(separatedBy: "<table class=\"incidents chart-table\">").count - 1 == charts, "a data table per chart")
        // An image, or (when its marks are links: an image's children are unreachable) the SVG's own role, named alike.
        let svgs = page.components(separatedBy: "<svg class=\"chart\"").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        for svg in svgs {
            #expect(svg.contains(svg.contains("<a ") ? "\" aria-labelledby=\"chart-" : "\" role=\"img\" aria-labelledby=\"chart-"))
        }
        #expect(svgs.count { !$0.contains("role=\"img\"") } == 3, "the dots, the categories and the causes link")
        for id in ["chart-incidents", "chart-ttr", "chart-ttr-dots", "chart-ttr-category", "chart-recurring",
                   "chart-recurrence-rate", "chart-mtbf", "chart-action-items"] {
            #expect(page.contains("<title id=\"\(id)-title\">"), "\(id) has a title")
            #expect(page.contains("<desc id=\"\(id)-desc\">"), "\(id) has a text alternative")
        }
        #expect(page.contains("<rect class=\"fill-sev1\""), "bars coloured by severity")
        #expect(page.contains("><title>2024-03 · SEV1: 1</title></rect>"), "a tooltip per mark")
        #expect(page.contains("<a href=\"incidents/INC-2024-002.html\"><circle class=\"dot dot-sev1\""), "dots link to their incident")
        #expect(page.contains("直近 12 か月"))
        #expect(page.contains("2024-12-02 – 2025-12-01"), "windows end on the build's today")
        #expect(page.contains("<a href=\"data/metrics.json\">"))
        #expect(!page.contains("{{"), "no template left unrendered")
    }

    @Test func aTrendIsClaimedOnlyWithEnoughIncidentsOnEachSide() throws {
        var configuration = SiteConfiguration.default
        configuration.title = "T"
        func files(before: Int, after: Int) -> [Postmortem] {
            // Before: two hours each, January to May; after: one hour each, July to November.
            let texts = (0..<before).map { n in
                let month = String(format: "%02d", n % 5 + 1)
                return frontMatter("id: B\(n)\nstarted_at: 2024-\(month)-10T10:00Z\nresolved_at: 2024-\(month)-10T12:00Z")
            } + (0..<after).map { n in
                let month = String(format: "%02d", n % 5 + 7)
                return frontMatter("id: A\(n)\nstarted_at: 2024-\(month)-10T10:00Z\nresolved_at: 2024-\(month)-10T11:00Z")
            }
            return LoadStage.load(texts.enumerated().map { SourceFile(path: "\($0.offset).md", text: $0.element) },
                                  configuration: configuration).postmortems
        }
        let now = instant("2024-12-31T12:00Z")
        func page(_ postmortems: [Postmortem]) throws -> String {
            let plan = try SiteRenderer.render(postmortems, configuration: configuration, theme: .builtIn, sourceFolder: "/tmp", now: now)
            return String(decoding: plan.files["trends.html"] ?? [], as: UTF8.self)
        }
        let enough = try page(files(before: 20, after: 5))
        #expect(enough.contains("<li>Incidents: fewer, 20 → 5 (−75 %)</li>"))
        #expect(enough.contains("<li>Median time to recover: shorter, 2h → 1h (−50 %)</li>"))
        let chance = try page(files(before: 6, after: 5))
        #expect(chance.contains("<li>Incidents: about the same (within chance), 6 → 5 (−17 %)</li>"), "a difference of one is noise")
        let thin = try page(files(before: 6, after: 4))
        #expect(thin.contains("Too few incidents to call a trend (6 before, 4 now; at least 5 on each side are needed)."))
        #expect(!thin.contains("Incidents: fewer"))
    }

    @Test func metricsConfigurationIsReadAndCheckedAtItsLine() {
        let loaded = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: """
            metrics:
              recovery_start: detected_at
              recovery_end: mitigated_at
              include_inferred: no
              granularity: quarter
            """))
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.configuration.metrics == MetricsDefinition(recoveryStart: .detectedAt, recoveryEnd: .mitigatedAt,
                                                                  includeInferred: false, granularity: .quarter))
        let wrong = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: "metrics:\n  granularity: week\n  recovery: x\n"))
        #expect(wrong.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.severity) \($0.message)" } == [
            "3:3 warning unknown key 'recovery' in 'metrics'",
            "2:16 error 'metrics.granularity' must be one of month, quarter, year, not 'week'",
        ])
        #expect(wrong.configuration.metrics.granularity == .month, "a wrong value keeps the default")
    }
}
