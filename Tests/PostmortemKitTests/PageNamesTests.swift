import Foundation
import Testing
@testable import PostmortemKit

/// Pages of causes, categories, services and tags: one per name, never two
/// names on one file, and every link agrees with the page.
@Suite struct PageNamesTests {
    @Test func namesThatMakeTheSameFileGetNumberedPages() throws {
        let a = try #require(postmortem("""
            ---
            id: INC-1
            services: [admin panel, admin-panel, Admin-Panel, 管理画面]
            tags: [db, DB]
            cause: {category: release-bug, key: pool}
            ---
            """))
        let names = PageNames([a])
        #expect(names.path(.services, "Admin-Panel") == "services/Admin-Panel.html")
        #expect(names.path(.services, "admin panel") == "services/admin-panel-2.html")
        #expect(names.path(.services, "admin-panel") == "services/admin-panel-3.html")
        #expect(names.path(.services, "管理画面") == "services/管理画面.html")
        #expect(names.path(.tags, "DB") == "tags/DB.html")
        #expect(names.path(.tags, "db") == "tags/db-2.html", "one file on a case-insensitive disk otherwise")
        #expect(names.path(.causes, "pool") == "causes/pool.html")
        #expect(names.path(.categories, "release-bug") == "categories/release-bug.html")
    }

    @Test func incidentPagesLinkToTheirCauseServiceAndTagPages() throws {
        let p = try #require(postmortem("""
            ---
            id: INC-1
            services: [admin-panel]
            tags: [release]
            cause: {category: release-bug, key: db-pool, summary: pool ran dry}
            ---
            """))
        var context = PageContext(configuration: .default, now: .distantPast)
        context.names = PageNames([p])
        let page = context.incident(p, previous: nil, next: nil)
        #expect(page.causes.first?.url == "../causes/db-pool.html")
        #expect(page.causes.first?.categoryURL == "../categories/release-bug.html")
        #expect(page.row.serviceLinks == [LinkView(name: "admin-panel", url: "../services/admin-panel.html")])
        #expect(page.tagLinks == [LinkView(name: "release", url: "../tags/release.html")])
        let row = context.row(p)
        #expect(row.serviceLinks == [LinkView(name: "admin-panel", url: "services/admin-panel.html")])
        #expect(row.categoryURL == "categories/release-bug.html")
    }

    /// A rebuild takes the last build's names while no postmortem's outward fields changed,
    /// and names them again when one did.
    @Test func theNamesAreTheLastBuildsWhileNoOutwardFieldChanged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let all = try Check.run(folder: packageRoot.appendingPathComponent("postmortems").path, configurationFile: nil).load.postmortems
        #expect(all.count > 20 && !all.contains { $0.outward == 0 })
        func memo() -> DigestMemo { DigestMemo(file: folder.appendingPathComponent("page-names.memo"), name: "page-names") }
        let first = memo()
        #expect(PageNames.of(all, memo: first) == PageNames(all))
        #expect(first.counts == (1, 0))
        let second = memo()
        #expect(PageNames.of(all, memo: second) == PageNames(all))
        #expect(second.counts == (0, 1))
        // A service added to one postmortem: its outward digest changes, and the names are made again.
        var edited = all
        edited[5].services.append("決済ゲートウェイ")
        edited[5].outward = edited[5].outwardDigest
        let third = memo()
        let names = PageNames.of(edited, memo: third)
        #expect(third.counts == (1, 0))
        #expect(names == PageNames(edited) && names != PageNames(all))
        #expect(names.path(.services, "決済ゲートウェイ") == "services/決済ゲートウェイ.html")
        // Without outward digests (postmortems made by hand), no memo is read or kept.
        var unknown = all
        unknown[0].outward = 0
        let fourth = memo()
        #expect(PageNames.of(unknown, memo: fourth) == PageNames(all) && fourth.counts == (0, 0))
    }
}
