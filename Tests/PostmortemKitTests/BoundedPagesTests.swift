import Foundation
import Testing
@testable import PostmortemKit

/// Pages that list incidents, fixes or recurrences stay bounded as the
/// knowledge base grows, and everything they leave out is a link away.
@Suite struct BoundedPagesTests {
    static let now = Date(timeIntervalSince1970: 1_770_000_000)  // 2026-02-02

    /// `count` postmortems of one cause (`busy-cause`), a day apart from 2024-01-01, newest first;
    /// each with `items` fixes (the first of every postmortem open and overdue, the others done).
    static func postmortems(_ count: Int, items: Int = 1, key: (Int) -> String = { _ in "busy-cause" }) throws -> [Postmortem] {
        let start = try #require(CalendarDate(year: 2024, month: 1, day: 1))
        return try (0..<count).map { n in
            let fixes = (0..<items).map { i in
                i == 0 ? "  - {title: Fix \(n)-\(i), owner: kato, status: open, due: 2025-01-01}"
                    : "  - {title: Fix \(n)-\(i), owner: ito, status: done}"
            }.joined(separator: "\n")
            return try #require(postmortem(frontMatter("""
                id: INC-\(10000 + n)
                date: \(start.adding(days: n))
                title: Incident \(n)
                severity: SEV\(n % 4 + 1)
                services: [api\(n % 3)]
                duration: \(n % 50 + 1)m
                cause: {category: release-bug, key: \(key(n))}
                recurrence_fix:
                \(fixes)
                """), path: "p\(n).md"))
        }.reversed()
    }

    static func render(_ postmortems: [Postmortem]) throws -> OutputPlan {
        try SiteRenderer.render(postmortems, configuration: .default, theme: .builtIn, sourceFolder: "/tmp", now: now)
    }

    static func text(_ plan: OutputPlan, _ path: String) throws -> String {
        String(decoding: try #require(plan.files[path], "\(path)"), as: UTF8.self)
    }

    static func rows(_ html: String) -> Int { html.components(separatedBy: "<tr data-date=").count - 1 }

    /// The rows of a `window.POSTMORTEM_ROWS = {…};` file.
    static func dataRows(_ script: String) throws -> [[Any]] {
        let json = Data(script.dropFirst("window.POSTMORTEM_ROWS = ".count).dropLast(2).utf8)
        let data = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return try #require(data["rows"] as? [[Any]])
    }

    @Test func aBusyGroupPageShowsOnePageAndShipsEveryRowLikeTheIndex() throws {
        let plan = try Self.render(try Self.postmortems(130))
        let cause = try Self.text(plan, "causes/busy-cause.html")
        #expect(Self.rows(cause) == IndexRows.pageSize)
        #expect(cause.contains(#"<table class="incidents" data-page-size="100" data-rows="../data/rows/causes/busy-cause.js">"#))
        #expect(cause.contains("The newest 100 of 130;"))
        #expect(cause.contains(#"<script src="../assets/filters.js" defer></script>"#))
        // The filters that can narrow it: severity and service, not the one category every row has.
        #expect(cause.contains(#"<select id="filter-severity""#) && cause.contains(#"<select id="filter-service""#))
        #expect(!cause.contains(#"<select id="filter-category""#))
        let rows = try Self.dataRows(try Self.text(plan, "data/rows/causes/busy-cause.js"))
        #expect(rows.count == 130)
        // Links from the group's folder, newest first like the table.
        #expect(rows.first?[0] as? String == "../incidents/INC-10129.html")
        #expect(rows.last?[0] as? String == "../incidents/INC-10000.html")
        for path in ["categories/release-bug.html", "services/api0.html"] {
            let page = try Self.text(plan, path)
            #expect(Self.rows(page) == min(IndexRows.pageSize, path.hasPrefix("services") ? 44 : 130), "\(path)")
        }
        #expect(plan.files["data/rows/categories/release-bug.js"] != nil)
        // A group of one page is one table, as before: no controls, no rows file.
        let service = try Self.text(plan, "services/api0.html")
        #expect(!service.contains("data-rows") && !service.contains("filters.js") && !service.contains(#"id="filters""#))
        #expect(plan.files["data/rows/services/api0.js"] == nil)
    }

    @Test func aCausePageListsTheLatestVerdictsAndFixesAndCountsTheRest() throws {
        let ordered = try Self.postmortems(260, items: 2)
        let context = PageContext(configuration: .default, now: Self.now)
        let group = try #require(Group.make(ordered, kind: .causes, names: PageNames(ordered), keys: { $0.causes.map(\.key) }).first)
        let recurrences = RecurrenceAnalysis.analyze(ordered, timeZone: SiteConfiguration.default.timeZone)
        let page = context.causePage(group, description: nil, parent: ("Causes", "causes/index.html"), recurrences: recurrences)
        let verdicts = try #require(page["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == PageContext.causeListLimit)
        // The latest, still oldest first.
        #expect(verdicts.last?["id"] as? String == "INC-10259")
        #expect(verdicts.first?["id"] as? String == "INC-\(10260 - PageContext.causeListLimit)")
        // Every incident but the first recurs while the first's open fix is pending.
        #expect(page["verdictsShown"] as? String
            == "The latest 50 of 259 recurrences with a verdict (0 fix escaped, 259 fix still pending); each incident's page shows its own.")
        let fixes = try #require(page["fixes"] as? [[String: Any]])
        #expect(fixes.count == PageContext.causeListLimit)
        #expect(fixes.last?["title"] as? String == "Fix 259-1")
        #expect(page["fixesShown"] as? String
            == "The latest 50 of 520 fixes (260 not done); each is on its incident's page and on the action items pages.")
        // 260 dated incidents: one dot per month (9 months), no links; the caption says so.
        let strip = try #require(page["timeline"] as? String)
        #expect(strip.components(separatedBy: "<circle").count - 1 == 9)
        #expect(!strip.contains("<a href") && strip.contains(#"role="img""#))
        #expect(strip.contains("<title>2024-01: 31 incidents</title>"))
        #expect(page["timelineCaption"] as? String == UILabels.english["timeStripMonthsCaption"])
        // A small cause is told whole: every dot a link, no counts.
        let small = try #require(Group.make(Array(ordered.prefix(10)), kind: .causes, names: PageNames(ordered),
                                            keys: { $0.causes.map(\.key) }).first)
        let whole = context.causePage(small, description: nil, parent: ("Causes", "causes/index.html"), recurrences: recurrences)
        #expect((whole["verdicts"] as? [[String: Any]])?.count == 10)
        #expect(whole["verdictsShown"] == nil && whole["fixesShown"] == nil)
        #expect((whole["timeline"] as? String)?.components(separatedBy: "<a href").count == 11)
        #expect(whole["timelineCaption"] as? String == UILabels.english["timeStripCaption"])
    }

    @Test func longActionItemListsGetTheirOwnPagesAndEveryItemIsOnOne() throws {
        // 130 postmortems × 3 fixes: 130 overdue (kato), 260 done (ito).
        let plan = try Self.render(try Self.postmortems(130, items: 3))
        let main = try Self.text(plan, "action-items.html")
        #expect(main.contains("390 action items: 130 open, 130 overdue."))
        #expect(main.contains(##"<a href="#status-overdue">130</a>"##) && main.contains(##"<a href="#status-done">260</a>"##))
        #expect(main.contains(#"<a href="action-items/overdue.html">All 130 on one page →</a>"#))
        #expect(main.contains(#"<a href="action-items/done.html">All 260 on 2 pages →</a>"#))
        #expect(main.contains(#"<a href="action-items/owner-kato.html">All 130 on one page →</a>"#))
        #expect(main.contains(#"<a href="action-items/owner-ito.html">All 260 on 2 pages →</a>"#))
        // The page shows each status's first 100 and each owner's first 20.
        #expect(main.components(separatedBy: "<li class=\"fix ").count - 1
            == 2 * ActionItemLists.statusLimit + 2 * ActionItemLists.ownerLimit)
        let done = try Self.text(plan, "action-items/done.html") + Self.text(plan, "action-items/done-2.html")
        let titles = (0..<130).flatMap { n in [1, 2].map { "Fix \(n)-\($0)" } }
        #expect(titles.allSatisfy { done.contains("<span class=\"fix-title\">\($0)</span> <span") })
        #expect(done.components(separatedBy: "<li class=\"fix ").count - 1 == 260)
        let second = try Self.text(plan, "action-items/done-2.html")
        #expect(second.contains("<title>Done · Action items · Page 2 of 2 · "))
        #expect(second.contains(#"<a href="done.html">Previous</a>"#) && second.contains(#"<a href="done-2.html" aria-current="page">2</a>"#))
        #expect(second.contains(#"<a href="../incidents/INC-10"#) && second.contains(#"<a href="../action-items.html">Action items</a>"#))
        #expect(plan.files["action-items/in-progress.html"] == nil && plan.files["action-items/open.html"] == nil)
        let pages = plan.files.keys.filter { $0.hasPrefix("action-items/") }.sorted()
        #expect(pages == ["action-items/done-2.html", "action-items/done.html", "action-items/overdue.html",
                          "action-items/owner-ito-2.html", "action-items/owner-ito.html", "action-items/owner-kato.html"])
    }

    @Test func aPagerLinksTheEndsAndTheNeighboursOnly() {
        #expect(PageContext.pageWindow(page: 1, of: 1) == [1])
        #expect(PageContext.pageWindow(page: 2, of: 4) == [1, 2, 3, 4])
        // A run of one left out is shown instead of a gap.
        #expect(PageContext.pageWindow(page: 4, of: 7) == [1, 2, 3, 4, 5, 6, 7])
        #expect(PageContext.pageWindow(page: 1, of: 600) == [1, 2, 3, nil, 600])
        #expect(PageContext.pageWindow(page: 300, of: 600) == [1, nil, 298, 299, 300, 301, 302, nil, 600])
        #expect(PageContext.pageWindow(page: 599, of: 600) == [1, nil, 597, 598, 599, 600])
        // Every page is in its own window, in order, and no window is longer than 2 × 2 + 5.
        for pages in 1...40 {
            for page in 1...pages {
                let window = PageContext.pageWindow(page: page, of: pages)
                let numbers = window.compactMap { $0 }
                #expect(numbers.contains(page) && numbers.first == 1 && numbers.last == pages)
                #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count && window.count <= 9)
                // A gap stands for two pages or more.
                for (index, entry) in window.enumerated() where entry == nil {
                    #expect(window[index + 1]! - window[index - 1]! >= 3)
                }
            }
        }
    }

    @Test func aLongListsPagerStaysSmall() throws {
        // 12 pages of done items: page 6 links 1, 4…8 and 12, with a gap on each side.
        let plan = try Self.render(try Self.postmortems(300, items: 11))
        let sixth = try Self.text(plan, "action-items/done-6.html")
        let numbers = try #require(sixth.components(separatedBy: #"<span class="page-numbers">"#).dropFirst().first?
            .components(separatedBy: "</span>\n").first)
        #expect(numbers.components(separatedBy: "<a href=").count - 1 == 7)
        #expect(numbers.contains(#"<a href="done.html">1</a>"#) && numbers.contains(#"<a href="done-12.html">12</a>"#))
        #expect(numbers.contains(#"<a href="done-6.html" aria-current="page">6</a>"#))
        #expect(numbers.components(separatedBy: #"<span class="page-gap" aria-hidden="true">…</span>"#).count - 1 == 2)
        #expect(!numbers.contains(#"href="done-3.html""#) && !numbers.contains(#"href="done-9.html""#))
    }

    @Test func aSmallActionItemsPageHasNoListPages() throws {
        // 20 overdue (kato) and 20 done (ito): each list whole, by status and by owner.
        let plan = try Self.render(try Self.postmortems(ActionItemLists.ownerLimit, items: 2))
        let main = try Self.text(plan, "action-items.html")
        #expect(!main.contains("action-items/") && !main.contains("more-items"))
        #expect(main.components(separatedBy: "<li class=\"fix ").count - 1 == 2 * 40)
        #expect(!plan.files.keys.contains { $0.hasPrefix("action-items/") })
    }

    @Test func theRecurrenceListsShowAFewOfEachCauseAndCountTheRest() throws {
        let context = PageContext(configuration: .default, now: Self.now)
        // One cause: its newest 3, the last of them linking to the cause page for the other 7.
        let one = context.boundedRecurrences(try Self.postmortems(10))
        #expect(one.entries.map(\.id) == ["INC-10009", "INC-10008", "INC-10007"])
        #expect(one.moreOfCause["INC-10007"]?["text"] as? String == "7 more of busy-cause on its page →")
        #expect(one.moreOfCause["INC-10007"]?["url"] as? String == "causes/busy-cause.html")
        #expect(one.moreOfCause.count == 1 && one.others as? Bool == false)
        // 150 causes of 4 each: the newest 100 are of 100 causes (one each, 3 more of each on its page);
        // the 50 causes with none shown are counted after the list.
        let many = context.boundedRecurrences(try Self.postmortems(600, key: { "k\($0 % 150)" }))
        #expect(many.entries.count == PageContext.recurrenceLimit)
        #expect(Set(many.entries.compactMap { $0.primaryCause?.key }).count == 100)
        #expect(many.moreOfCause["INC-10599"]?["text"] as? String == "3 more of k149 on its page →")
        let others = try #require(many.others as? [String: Any])
        #expect(others["text"] as? String == "200 more, of 50 other causes:")
        let causes = try #require(others["causes"] as? [[String: Any]])
        #expect(causes.count == 50 && causes.first?["name"] as? String == "k0" && causes.first?["count"] as? String == "4")
        #expect(causes.map { $0["last"] as? Bool } == Array(repeating: false, count: 49) + [true])
        #expect(others["moreCauses"] as? Bool == false)
        // Short lists are whole.
        let short = context.boundedRecurrences(try Self.postmortems(30, key: { "k\($0)" }))
        #expect(short.entries.count == 30 && short.moreOfCause.isEmpty && short.others as? Bool == false)
    }

    @Test func theRecurrencePageStaysSmallAtManyRecurrences() throws {
        // 150 causes of 2: 150 pending recurrences (the first's fix is open and overdue).
        let plan = try Self.render(try Self.postmortems(300, key: { "k\($0 % 150)" }))
        let page = try Self.text(plan, "recurrences.html")
        #expect(page.components(separatedBy: "<li><time").count - 1 == PageContext.recurrenceLimit)
        #expect(page.contains(#"<p class="muted more-items">50 more, of 50 other causes: <a href="causes/k0.html"><code>k0</code></a> (1), "#))
    }

    @Test func theDotsChartShowsTheLatestIncidentsPastItsLimit() throws {
        let ordered = try Self.postmortems(TrendCharts.maximumDots + 40)
        let configuration = SiteConfiguration.default
        let context = PageContext(configuration: configuration, now: Self.now)
        let samples = IncidentSample.make(ordered, configuration: configuration, recurrences: [:])
        let report = OutageMetrics.report(samples, configuration: configuration)
        let charts = TrendCharts(context: context, report: report, samples: samples, quarterly: report, causes: [])
        let dots = try #require(charts.recoveryDots())
        let rows = try #require(dots["rows"] as? [[String: Any]])
        #expect(rows.count == TrendCharts.maximumDots)
        #expect(rows.first?["cells"] as? [String] == ["INC-10040", "SEV1", "41m"])
        #expect(dots["title"] as? String == "Time to recover of the latest 500 incidents")
        #expect((dots["caption"] as? String)?.hasPrefix("Each dot is one of the latest 500 of 540 incidents") == true)
        #expect((dots["svg"] as? String)?.components(separatedBy: "<circle").count == TrendCharts.maximumDots + 1)
    }
}
