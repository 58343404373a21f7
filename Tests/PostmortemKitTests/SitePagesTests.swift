import Foundation
import Testing
@testable import PostmortemKit
import Mustache

/// View models of whole pages.
@Suite struct SitePagesTests {
    static let items = """
        ---
        id: INC-1
        date: 2025-01-10
        recurrence_fix:
          - {title: Late one, owner: kato, status: open, due: 2025-01-31}
          - {title: Doing it, owner: ito, status: in-progress, due: 2025-12-31}
          - {title: Not yet, status: open}
          - {title: Finished, owner: kato, status: done, due: 2025-01-20, completed: 2025-01-19}
          - {title: Dropped, owner: ito, status: wont-do}
        ---
        """

    @Test func taskListCheckboxesGetANameInTheSitesLanguage() throws {
        let p = try #require(postmortem(frontMatter("id: INC-1\ndate: 2025-01-10", body: "# T\n\n- [x] Alert added\n- [ ] Runbook\n")))
        #expect(p.body.html.contains(#"<input type="checkbox" checked="" disabled="" /> Alert added"#))
        var configuration = SiteConfiguration.default
        configuration.language = .ja
        let page = PageContext(configuration: configuration, now: Date()).incident(p, previous: nil, next: nil, postmortemsByID: [:])
        #expect(page.body.contains(#"<input type="checkbox" checked="" disabled="" aria-label="完了" /> Alert added"#))
        #expect(page.body.contains(#"<input type="checkbox" disabled="" aria-label="未完了" /> Runbook"#))
        #expect(!page.body.contains(#"disabled="" />"#))
    }

    @Test func actionItemsByStatusThenByOwnerWithTheUnfinishedFirst() throws {
        let p = try #require(postmortem(Self.items))
        let context = PageContext(configuration: .default, now: Date(timeIntervalSince1970: 1_740_000_000))  // 2025-02-19
        let page = context.actionItemsPage([p])
        #expect(page["summaryLine"] as? String == "5 action items: 3 open, 1 overdue.")
        let statuses = try #require(page["statuses"] as? [[String: Any]])
        #expect(statuses.map { $0["name"] as? String } == ["Overdue", "In progress", "Open", "Done", "Won't do"])
        #expect(statuses.map { $0["unfinished"] as? Bool } == [true, true, true, false, false])
        let overdue = try #require(statuses.first?["items"] as? [[String: Any]])
        #expect(overdue.map { $0["title"] as? String } == ["Late one"])
        #expect(overdue.first?["owner"] as? String == "kato", "the status lists say whose item it is")
        let owners = try #require(page["owners"] as? [[String: Any]])
        // ito and kato have one unfinished item each: by name; unassigned last.
        #expect(owners.map { $0["owner"] as? String } == ["@ito", "@kato", "Unassigned"])
        let kato = try #require(owners[1]["items"] as? [[String: Any]])
        #expect(kato.map { $0["title"] as? String } == ["Late one", "Finished"])
        #expect(kato.allSatisfy { $0["owner"] as? Bool == false }, "no owner repeated under its own heading")
    }
}

/// Typed view models: what templates read, and no value leaking in from an
/// enclosing context.
@Suite struct ViewModelTests {
    @Test func unknownValuesAreFalseSoTheyDoNotInheritThePagesOwn() throws {
        let bare = try #require(postmortem("---\nid: INC-9\ntitle: Bare\n---\n", path: "bare.md"))
        let context = PageContext(configuration: .default, now: .distantPast)
        let row = context.row(bare)
        for key in ["date", "severity", "severityClass", "category", "categoryURL", "ttr"] {
            #expect(row.child(named: key) as? Bool == false, "\(key)")
        }
        #expect(row.child(named: "title") as? String == "Bare")
        #expect(row.child(named: "no-such-key") == nil)
        let page = context.incident(bare, previous: nil, next: nil)
        #expect(page.child(named: "url") as? Bool == false)
        #expect(page.child(named: "previous") as? Bool == false)
        #expect(page.child(named: "hasCauses") as? Bool == false)
        #expect(page.child(named: "title") as? String == "Bare", "row keys are the page's")
        #expect(page.child(named: "lang") as? String == "en", "base keys too")
    }

    @Test func aRelatedIncidentWithoutSeverityShowsNoBadge() throws {
        let template = try MustacheTemplate(string: "{{#related}}[{{title}}{{#severity}} {{severity}}{{/severity}}]{{/related}}")
        let loaded = LoadStage.load([
            SourceFile(path: "a.md", text: "---\nid: A\ntitle: Page\nseverity: SEV1\nrelated: [B]\n---\n"),
            SourceFile(path: "b.md", text: "---\nid: B\ntitle: Other\n---\n"),
        ], configuration: .default)
        let a = try #require(loaded.postmortems.first { $0.id == "A" })
        let page = PageContext(configuration: .default, now: .distantPast)
            .incident(a, previous: nil, next: nil, related: RelatedIncidents.index(loaded.postmortems)["A"] ?? RelatedIncidents())
        #expect(template.render(page) == "[Other]")
    }
}
