import Foundation
import Testing
@testable import PostmortemKit

/// A build that renders only the pages whose keys changed (`RenderMemo`)
/// writes exactly the site a full build writes, after edits of every kind.
@Suite struct IncrementalBuildTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z

    struct Workspace {
        let root: URL
        var source: URL { root.appendingPathComponent("postmortems") }
        var out: URL { root.appendingPathComponent("site") }
        var configuration: URL { root.appendingPathComponent("postmortem.yml") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-incremental-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("postmortems"), to: source)
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("postmortem.yml"), to: configuration)
        }

        func build(into out: URL, now: Date = IncrementalBuildTests.now) throws -> Build.Result {
            try Build.run(Build.Options(sourceFolder: source.path, outputFolder: out.path, configurationPath: configuration.path,
                                        templatesFolder: nil, now: now))
        }

        /// Replaces the first `old` in the file `name` by `new`.
        func edit(_ name: String, _ old: String, _ new: String) throws {
            let url = source.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)
            let range = try #require(text.range(of: old), "'\(old)' is in \(name)")
            try text.replacingCharacters(in: range, with: new).write(to: url, atomically: false, encoding: .utf8)
        }

        /// Builds the site again over the last one, and a full build into a
        /// new folder; both must hold the same files, byte for byte.
        func expectSameAsFullBuild(now: Date = IncrementalBuildTests.now, _ what: Comment,
                                   sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Build.Result {
            let incremental = try build(into: out, now: now)
            #expect(incremental.check.errorCount == 0, "\(what): \(incremental.check.diagnostics.filter { $0.severity == .error })",
                    sourceLocation: sourceLocation)
            let full = root.appendingPathComponent("full")
            FileManager.default.removeSite(at: full)
            let whole = try build(into: full, now: now)
            #expect(whole.pagesRendered == whole.pages, "a build without a previous site renders every page")
            let built = try files(out), expected = try files(full)
            #expect(built.keys.sorted() == expected.keys.sorted(), what, sourceLocation: sourceLocation)
            let different = expected.keys.filter { built[$0] != expected[$0] }.sorted()
            #expect(different.isEmpty, "\(what): \(different.prefix(5))", sourceLocation: sourceLocation)
            return incremental
        }
    }

    @Test func everyKindOfEditGivesTheSiteAFullBuildGives() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let first = try space.build(into: space.out)
        #expect(first.pagesRendered == first.pages)

        // The same bytes again (a file touched): nothing rendered.
        let touched = space.source.appendingPathComponent("2023-04-18-reservation-mail-delay.md")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: touched.path)
        let same = try space.expectSameAsFullBuild("a touched file")
        #expect(same.pagesRendered == 0 && same.written?.filesChanged == 0)

        // A body edit: its page, the overviews and the pages that show it as similar; not the whole site.
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "\n## ", "\nA new sentence about the connection pool.\n\n## ")
        let body = try space.expectSameAsFullBuild("a body edit")
        let rendered = body.pagesRendered, third = body.pages / 3
        #expect(rendered > 0 && rendered < third, "rendered \(rendered) of \(body.pages)")

        // A title and a severity: rows in the index and in group pages, the neighbours' links.
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "severity: SEV1", "severity: SEV2")
        try space.edit("2023-08-22-hosting-zone-outage.md", "title: ", "title: Renamed ")
        _ = try space.expectSameAsFullBuild("a title and a severity")

        // A cause key moved to another cause, and a promised fix no longer done: recurrences and verdicts.
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "key: db-connection-pool-exhaustion", "key: zone-outage")
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "status: done", "status: open")
        _ = try space.expectSameAsFullBuild("a cause key and a fix status")

        // A date: the order, so the previous and next links of four pages.
        try space.edit("2025-04-08-pgbouncer-pool-exhaustion-chain-onboarding.md", "date: 2025-04-08", "date: 2023-05-01")
        _ = try space.expectSameAsFullBuild("a date")

        // A new postmortem whose tag differs only in case from another's, and one deleted.
        try FileManager.default.removeItem(at: space.source.appendingPathComponent("2024-07-11-booking-widget-cors-allowlist.md"))
        try """
        ---
        id: INC-2026-900
        title: Widget slow after a cache flush
        date: 2026-11-25
        severity: SEV3
        services: [booking-widget]
        tags: [Database]
        cause:
          - category: release-bug
            key: cache-stampede
        ---

        ## Summary

        The widget was slow for ten minutes after a cache flush.
        """.write(to: space.source.appendingPathComponent("2026-11-25-widget-cache.md"), atomically: false, encoding: .utf8)
        _ = try space.expectSameAsFullBuild("a file added and one deleted")

        // A postmortem added that shares nothing with the others: their bodies are not loaded again
        // (their links find what they found), and their pages stay but for its neighbour's.
        try """
        ---
        id: INC-2019-001
        title: Back-office printer jammed
        date: 2019-01-15
        severity: SEV4
        ---

        The back-office printer jammed; nothing else was affected.
        """.write(to: space.source.appendingPathComponent("2019-01-15-printer.md"), atomically: false, encoding: .utf8)
        let quiet = try space.expectSameAsFullBuild("a postmortem added that shares nothing")
        let incidentPages = quiet.made.filter { $0.hasPrefix("incidents/") }
        #expect(quiet.filesLoaded.loaded == 1)
        #expect(incidentPages.count <= 2, "\(incidentPages)")

        // The configuration, and another day: everything depends on them.
        let configuration = try String(contentsOf: space.configuration, encoding: .utf8)
        try configuration.replacingOccurrences(of: "title:", with: "title: New ")
            .write(to: space.configuration, atomically: false, encoding: .utf8)
        let configured = try space.expectSameAsFullBuild("the configuration")
        #expect(configured.pagesRendered == configured.pages)
        let tomorrow = try space.expectSameAsFullBuild(now: Self.now.addingTimeInterval(86_400), "another day")
        #expect(tomorrow.pagesRendered == tomorrow.pages)
    }

    /// The related pages' choices and the recurrences are read back from
    /// their memos after an edit none of their inputs saw (the memo files
    /// are left as they were), and computed again after one they did.
    @Test func anEditTheAnalysesDoNotReadKeepsTheirResults() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build(into: space.out)
        let cache = BuildRecord.cacheFolder(of: space.out.path)
        func stamps() -> [FileIO.Stamp?] {
            ["related-choices.memo", "recurrences.memo"].map { FileIO.stamp(cache.appendingPathComponent($0).path) }
        }
        let first = stamps()
        #expect(first.allSatisfy { $0 != nil })

        // A sentence before the first section: no link, no root cause, no field the analyses read.
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "\n## ", "\nA new sentence about the pool.\n\n## ")
        let body = try space.expectSameAsFullBuild("a body edit")
        #expect(stamps() == first, "both memos were read, not made again")
        // No field of the data files changed: their files are the last build's, untouched.
        #expect(!body.made.contains("data/incidents.json") && !body.made.contains("data/incidents.csv"))
        // Nor any figure of the trends page, whose key holds its samples, not the postmortems' revisions.
        #expect(!body.made.contains("trends.html") && body.made.contains("incidents/INC-2024-002.html"))
        #expect(!body.made.contains("action-items.html"), "its key holds the items and their incidents' titles only")
        // Nor the pages made of rows: their keys hold what the rows show.
        for page in ["index.html", "causes/index.html", "services/index.html"] {
            #expect(!body.made.contains(page), "\(page) is made of rows the edit left alone")
        }
        // Nor its neighbours' pages, which show its row (the new sentence moves no similarity's percentage).
        #expect(body.made.filter { $0.hasPrefix("incidents/") } == ["incidents/INC-2024-002.html"])
        // Nor its cause, category, service and tag pages (rows, verdicts, fixes, descriptions), nor
        // search.html (a count), nor recurrences.html (rows, recurrences, quarterly figures).
        #expect(body.made.filter { !$0.hasPrefix("incidents/") && !$0.hasPrefix("data/search/") } == [])

        // A promised fix and a cause's summary, which the cause page shows and no row does.
        let file = "2024-03-08-admin-panel-down-pool-exhaustion.md"
        try space.edit(file, "    status: done\n    due: 2024-03-22", "    status: in-progress\n    due: 2024-03-22")
        let fix = try space.expectSameAsFullBuild("a promised fix's status")
        #expect(fix.made.contains { $0.hasPrefix("causes/db-connection-pool-exhaustion") })
        #expect(fix.made.contains("recurrences.html"), "a pending fix is listed there")
        // (The first cause's page takes its description from a newer member: this one's is the second's.)
        try space.edit(file, "急ぎの案件だったため省略した", "急ぎの案件だったため、確認せずに省略した")
        let summary = try space.expectSameAsFullBuild("a cause's summary")
        #expect(summary.made.contains { $0.hasPrefix("causes/release-checklist-skipped") })

        // A cause key: both are computed again, and kept for the next build.
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "key: db-connection-pool-exhaustion", "key: zone-outage")
        let cause = try space.expectSameAsFullBuild("a cause key")
        #expect(cause.made.contains("data/incidents.json") && cause.made.contains("data/incidents.csv"))
        #expect(cause.made.contains("trends.html") && cause.made.contains("causes/index.html"))
        let second = stamps()
        #expect(zip(second, first).allSatisfy { $0 != nil && $0 != $1 })

        // A link to another postmortem in the body: the related choices only.
        try space.edit("2024-03-08-admin-panel-down-pool-exhaustion.md", "A new sentence about the pool.",
                       "A new sentence about the pool, as in [the zone outage](2023-08-22-hosting-zone-outage.md).")
        _ = try space.expectSameAsFullBuild("a link in the body")
        let third = stamps()
        #expect(third[0] != second[0] && third[1] == second[1])
    }

    @Test func aPageChangedByHandIsRenderedAgain() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build(into: space.out)
        let page = space.out.appendingPathComponent("trends.html")
        let original = try Data(contentsOf: page)
        try FileManager.default.removeItem(at: page)
        try Data("edited".utf8).write(to: page)
        let again = try space.build(into: space.out)
        #expect(again.pagesRendered == 1, "only the page changed by hand")
        #expect(try Data(contentsOf: page) == original, "the edited copy is not kept: its stamp is not the one the build wrote")
    }

    /// An owner with more items than `action-items.html` shows gets pages of
    /// their own; they are rendered again only when one of their items (or
    /// its incident) changes.
    @Test func actionItemListPagesAreRenderedOnlyWhenTheirItemsChange() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try FileManager.default.removeItem(at: space.source)
        try FileManager.default.createDirectory(at: space.source, withIntermediateDirectories: true)
        for number in 1...9 {
            let items = (1...3).map { item in
                "  - title: Fix \(number).\(item)\n    owner: kato\n    status: open\n    due: 2026-0\(item)-1\(number)\n"
            }.joined()
            try """
            ---
            id: INC-\(number)
            title: Incident \(number)
            date: 2025-0\(number)-10
            severity: SEV3
            recurrence_fix:
            \(items)---

            ## Summary

            Incident number \(number).

            """.write(to: space.source.appendingPathComponent("incident-\(number).md"), atomically: false, encoding: .utf8)
        }
        _ = try space.build(into: space.out)
        let list = space.out.appendingPathComponent("action-items/owner-kato.html")
        let html = try String(contentsOf: list, encoding: .utf8)
        #expect(html.contains("Fix 9.3") && html.contains("Incident 1"), "27 items, more than the 20 the overview shows")

        try space.edit("incident-4.md", "Incident number 4.", "Incident number four, told again.")
        let body = try space.expectSameAsFullBuild("a body edit beside the items")
        #expect(body.made.contains("incidents/INC-4.html"))
        #expect(!body.made.contains("action-items/owner-kato.html"), "the list page is the last build's file")

        try space.edit("incident-4.md", "Fix 4.2", "Fix 4.2, renamed")
        let renamed = try space.expectSameAsFullBuild("an item renamed")
        #expect(renamed.made.contains("action-items/owner-kato.html"))
        #expect(try String(contentsOf: list, encoding: .utf8).contains("Fix 4.2, renamed"))
    }

    /// A group of more than a page of incidents keeps its rows in a data
    /// file, as the index does; each is made again only when a row it holds
    /// changes, not when a member's body does.
    @Test func aPagedGroupsRowsAreMadeOnlyWhenItsMembersChange() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try FileManager.default.removeItem(at: space.source)
        try FileManager.default.createDirectory(at: space.source, withIntermediateDirectories: true)
        for number in 1...(IndexRows.pageSize + 2) {
            let service = number == 1 ? "billing" : "api"
            try """
            ---
            id: INC-\(number)
            title: Incident \(number)
            date: 2025-01-\(10 + number % 18)
            severity: SEV3
            services: [\(service)]
            ---

            Incident number \(number).

            """.write(to: space.source.appendingPathComponent("incident-\(number).md"), atomically: false, encoding: .utf8)
        }
        _ = try space.build(into: space.out)
        let rows = "data/rows/services/api.js"
        #expect(FileManager.default.fileExists(atPath: space.out.appendingPathComponent(rows).path))

        try space.edit("incident-1.md", "Incident number 1.", "Incident number one, in the billing service.")
        let outside = try space.expectSameAsFullBuild("an incident outside the group")
        #expect(outside.made.contains("incidents/INC-1.html") && !outside.made.contains(rows))

        #expect(!outside.made.contains(IndexRows.indexFile))

        try space.edit("incident-8.md", "Incident number 8.", "Incident number eight, its body edited.")
        let body = try space.expectSameAsFullBuild("a member's body")
        #expect(body.made.contains("incidents/INC-8.html"))
        #expect(!body.made.contains(rows) && !body.made.contains(IndexRows.indexFile))

        try space.edit("incident-7.md", "title: Incident 7", "title: Incident seven")
        let inside = try space.expectSameAsFullBuild("a member's title")
        #expect(inside.made.contains(rows) && inside.made.contains(IndexRows.indexFile))
        #expect(try String(contentsOf: space.out.appendingPathComponent(rows), encoding: .utf8).contains("Incident seven"))

        // A time to recover read from the body shows in the rows.
        try space.edit("incident-9.md", "Incident number 9.", "Incident number 9.\n\nTime to recovery: 148 minutes")
        let inferred = try space.expectSameAsFullBuild("a time to recover inferred from the body")
        #expect(inferred.made.contains(rows) && inferred.made.contains(IndexRows.indexFile))
        #expect(try String(contentsOf: space.out.appendingPathComponent(IndexRows.indexFile), encoding: .utf8).contains("148"))
    }

    /// The cosines of similar stories depend on every story, so a postmortem
    /// added moves them all a little; pages show each as a whole percentage.
    /// No incident page is rendered again whose bytes stay the same.
    @Test func aPostmortemAddedRendersOnlyTheIncidentPagesItChanges() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try FileManager.default.removeItem(at: space.source)
        try FileManager.default.createDirectory(at: space.source, withIntermediateDirectories: true)
        func write(_ number: Int, date: String, _ story: String) throws {
            try """
            ---
            id: INC-\(number)
            title: Incident \(number)
            date: \(date)
            severity: SEV3
            ---

            ## Root cause

            \(story)

            """.write(to: space.source.appendingPathComponent("incident-\(number).md"), atomically: false, encoding: .utf8)
        }
        // Three pairs of similar stories among others.
        let stories = [
            "The checkout replica fell behind the primary and reservations read stale stock.",
            "Replica lag on the checkout database made reservations read stale stock.",
            "A certificate for the mail relay expired and receipts bounced.",
            "The mail relay certificate was not renewed, so receipts bounced.",
            "A cron job purged the image cache and thumbnails timed out.",
            "The thumbnail cache was purged by a cron job and thumbnails timed out.",
            "The office printer jammed.", "A power cut in the server room.",
            "DNS records pointed at the old load balancer.", "The vendor's payment API rate limited our calls.",
        ]
        for (index, story) in stories.enumerated() {
            try write(index + 1, date: "2025-\(String(format: "%02d", index + 1))-10", story)
        }
        _ = try space.build(into: space.out)
        let before = try files(space.out)
        let shown = before.filter { $0.key.hasPrefix("incidents/") && String(decoding: $0.value, as: UTF8.self).contains(" %）") }
        #expect(shown.count == 6, "each of the pairs shows the other's percentage")
        // An older postmortem like none of them: some percentages move by one, the others stay.
        try write(11, date: "2024-12-10", "A disk filled up on the build server.")
        let added = try space.expectSameAsFullBuild("a postmortem added")
        let after = try files(space.out)
        let rendered = added.made.filter { $0.hasPrefix("incidents/") }
        #expect(rendered.contains("incidents/INC-11.html") && rendered.count < stories.count)
        #expect(rendered.filter { before[$0] == after[$0] }.isEmpty, "rendered, the same bytes: \(rendered)")
    }

    /// After a body edit the search index is patched: only the shards that
    /// hold the edited document's changed terms are written, and the index
    /// is byte for byte a full build's. A shard changed by hand, a deleted
    /// postmortem (the order moves) and a date (the order moves) make the
    /// full index instead, still the same as a full build's.
    @Test func aBodyEditWritesOnlyTheSearchShardsOfTheTermsItChanged() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try FileManager.default.removeItem(at: space.source)
        try FileManager.default.createDirectory(at: space.source, withIntermediateDirectories: true)
        // Words drawn from a vocabulary of 2,000, so the index needs several shards.
        var seed: UInt64 = 7
        func word() -> String {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var number = Int(seed >> 33) % 2_000, letters: [UInt8] = [UInt8(ascii: "w")]
            repeat {
                letters.append(UInt8(ascii: "a") + UInt8(number % 26))
                number /= 26
            } while number > 0
            return String(decoding: letters, as: UTF8.self)
        }
        for number in 1...240 {
            let body = (0..<200).map { _ in word() }.joined(separator: " ")
            try """
            ---
            id: INC-\(number)
            title: Incident \(number)
            date: 2025-\(String(format: "%02d", 1 + number % 12))-\(String(format: "%02d", 1 + number % 28))
            severity: SEV3
            ---

            \(body).

            """.write(to: space.source.appendingPathComponent("incident-\(number).md"), atomically: false, encoding: .utf8)
        }
        _ = try space.build(into: space.out)
        let shards = try FileManager.default.contentsOfDirectory(atPath: space.out.appendingPathComponent("data/search").path)
            .filter { $0.hasPrefix("terms-") }.count
        #expect(shards >= 8, "the index has \(shards) shards")
        func madeShards(_ result: Build.Result) -> Int { result.made.count { $0.hasPrefix("data/search/terms-") } }
        // A patch reads no document's terms from the memo, which stays as it was; the full index rewrites it.
        let termsMemo = BuildRecord.cacheFolder(of: space.out.path).appendingPathComponent("search-terms.memo").path
        func patched(_ build: () throws -> Build.Result) rethrows -> (Build.Result, Bool) {
            let before = FileIO.stamp(termsMemo)
            let result = try build()
            return (result, before != nil && FileIO.stamp(termsMemo) == before)
        }

        try space.edit("incident-5.md", "severity: SEV3\n---\n", "severity: SEV3\n---\n\nA zeppelinquartz outage.\n")
        let (edit, editPatched) = try patched { try space.expectSameAsFullBuild("a body edit") }
        #expect(editPatched)
        #expect(madeShards(edit) >= 1 && madeShards(edit) <= 3, "made \(madeShards(edit)) of \(shards) shards")
        // The same document again: its old terms are the ones the last patch kept in the index's state.
        try space.edit("incident-5.md", "A zeppelinquartz outage.", "A zeppelinquartz marmotglacier outage.")
        let (again, againPatched) = try patched { try space.expectSameAsFullBuild("the same body edited again") }
        #expect(againPatched && madeShards(again) <= 3, "made \(madeShards(again)) of \(shards) shards")

        // A shard changed by hand: the full index, which writes that shard again.
        let shard = space.out.appendingPathComponent("data/search/terms-0.js")
        try (String(contentsOf: shard, encoding: .utf8) + "\n").write(to: shard, atomically: false, encoding: .utf8)
        try space.edit("incident-6.md", "severity: SEV3\n---\n", "severity: SEV3\n---\n\nA quokkamarble outage.\n")
        let (byHand, byHandPatched) = try patched { try space.expectSameAsFullBuild("a shard changed by hand") }
        #expect(!byHandPatched && byHand.made.contains("data/search/terms-0.js"))

        // The order moves: a date, a postmortem deleted.
        try space.edit("incident-7.md", "date: 2025-08-08", "date: 2024-01-01")
        _ = try space.expectSameAsFullBuild("a date")
        try FileManager.default.removeItem(at: space.source.appendingPathComponent("incident-8.md"))
        _ = try space.expectSameAsFullBuild("a postmortem deleted")
        try space.edit("incident-9.md", "severity: SEV3\n---\n", "severity: SEV3\n---\n\nA wombatprism outage.\n")
        let (after, afterPatched) = try patched { try space.expectSameAsFullBuild("a body edit after a deletion") }
        #expect(afterPatched && madeShards(after) <= 3, "made \(madeShards(after)) of \(shards) shards")

        // A short postmortem: the words an edit gives it land in shards that held none of its
        // postings (a shard must keep everything it held), and leave them again.
        try """
        ---
        id: INC-900
        title: Short
        date: 2025-06-15
        severity: SEV3
        ---

        Short.

        """.write(to: space.source.appendingPathComponent("incident-900.md"), atomically: false, encoding: .utf8)
        _ = try space.expectSameAsFullBuild("a short postmortem added")
        let words = "lynxamber otterbasalt heronflint bisoncobalt ibexgarnet"
        try space.edit("incident-900.md", "Short.", "Short. \(words).")
        let (short, shortPatched) = try patched { try space.expectSameAsFullBuild("words new to their shards") }
        #expect(shortPatched && madeShards(short) >= 3, "made \(madeShards(short)) of \(shards) shards")
        try space.edit("incident-900.md", "Short. \(words).", "Short.")
        let (back, backPatched) = try patched { try space.expectSameAsFullBuild("those words taken out again") }
        #expect(backPatched && madeShards(back) >= 3, "made \(madeShards(back)) of \(shards) shards")
    }
}
