import Foundation
import Testing
@testable import PostmortemKit

/// Related and similar incidents: `RelatedIncidents.index` on in-memory
/// postmortems, and the section of an incident page of the sample site.
@Suite struct RelatedTests {
    /// A postmortem's file: front matter lines and a body.
    func file(_ id: String, _ lines: String = "", body: String = "") -> (String, String) {
        ("\(id.lowercased()).md", frontMatter("id: \(id)\nstatus: draft\n\(lines)", body: "# \(id)\n\n\(body)"))
    }

    /// Loads the files together (so `related` and body links resolve) and indexes them.
    func index(_ files: [(String, String)], limit: Int = RelatedIncidents.defaultSimilarLimit,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String: RelatedIncidents] {
        let result = LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: .default)
        #expect(result.errorCount == 0, "\(result.diagnostics)", sourceLocation: sourceLocation)
        return RelatedIncidents.index(result.postmortems, similarLimit: limit)
    }

    @Test func relatedListsBothDirections() {
        let relations = index([file("A", "related: [B]"), file("B"), file("C")])
        #expect(relations["A"]?.related.map(\.id) == ["B"])
        #expect(relations["A"]?.related.first?.reasons == [.listed])
        #expect(relations["B"]?.related.map(\.id) == ["A"], "a backlink")
        #expect(relations["B"]?.related.first?.reasons == [.linksHere])
        #expect(relations["C"]?.related.isEmpty == true)
    }

    @Test func bodyLinksCountInBothDirectionsAndReasonsCombine() {
        let relations = index([
            file("A", "related: [B]", body: "Like [B](b.md) and [C](c.md#timeline)."),
            file("B", body: "Came before [A](a.md)."),
            file("C"),
        ])
        let a = relations["A"]?.related ?? []
        #expect(a.map(\.id) == ["B", "C"])
        #expect(a.map(\.reasons) == [[.listed, .linkedFromText, .linksHere], [.linkedFromText]])
        #expect(relations["B"]?.related.map(\.reasons) == [[.linkedFromText, .linksHere]])
        #expect(relations["C"]?.related.map(\.id) == ["A"])
        #expect(relations["C"]?.related.first?.reasons == [.linksHere])
    }

    @Test func relatedAreNewestFirstThenByID() {
        let relations = index([
            file("A", "related: [OLD, NEW, SAME-B, SAME-A, UNDATED]"),
            file("OLD", "date: 2023-01-01"), file("NEW", "date: 2025-01-01"),
            file("SAME-B", "date: 2024-01-01"), file("SAME-A", "date: 2024-01-01"), file("UNDATED"),
        ])
        #expect(relations["A"]?.related.map(\.id) == ["NEW", "SAME-A", "SAME-B", "OLD", "UNDATED"])
    }

    @Test func similarityScoresCauseKeyCategoryServicesAndTags() {
        let subject = """
            cause: {category: release-bug, key: pool-exhaustion}
            services: [admin-panel, database]
            tags: [release, database]
            """
        let relations = index([
            file("S", subject),
            // same key and category: 5 + 2
            file("KEY", "cause: {category: release-bug, key: pool-exhaustion}"),
            // same category, one service: 2 + 1
            file("CATEGORY", "cause: {category: release-bug, key: other}\nservices: [database]"),
            // two services and a tag: 1 + 1 + 1
            file("SHARED", "services: [database, admin-panel, billing]\ntags: [release]"),
            // one tag: 1
            file("TAG", "tags: [database, unrelated]"),
            // nothing in common
            file("NONE", "cause: {category: attack, key: credential-stuffing}\nservices: [auth]"),
        ])
        let similar = relations["S"]?.similar ?? []
        #expect(similar.map(\.id) == ["KEY", "CATEGORY", "SHARED", "TAG"])
        #expect(similar.map(\.score) == [7, 3, 3, 1])
        #expect(similar.first?.shared == Similarity(causeKeys: ["pool-exhaustion"], categories: ["release-bug"]))
        // Shared values come in the subject's order, not the other's.
        #expect(similar[2].shared == Similarity(services: ["admin-panel", "database"], tags: ["release"]))
        #expect(relations["NONE"]?.similar.isEmpty == true)
        #expect(relations["KEY"]?.similar.first?.id == "S", "similarity goes both ways")
    }

    @Test func aSharedCauseKeyOutranksAnyNumberOfSharedServices() {
        let relations = index([
            file("S", "cause: {key: pool-exhaustion}\nservices: [a, b, c, d]"),
            file("KEY", "cause: {key: pool-exhaustion}"),
            file("SERVICES", "services: [a, b, c, d]"),
        ])
        #expect(relations["S"]?.similar.map(\.id) == ["KEY", "SERVICES"])
        #expect(relations["S"]?.similar.map(\.score) == [5, 4])
    }

    @Test func tiesGoToTheNewerThenByIDWithUndatedLast() {
        let relations = index([
            file("S", "services: [api]"),
            file("OLD", "date: 2023-05-01\nservices: [api]"),
            file("UNDATED", "services: [api]"),
            file("NEW-B", "date: 2024-05-01\nservices: [api]"),
            file("NEW-A", "date: 2024-05-01\nservices: [api]"),
        ])
        #expect(relations["S"]?.similar.map(\.id) == ["NEW-A", "NEW-B", "OLD", "UNDATED"])
    }

    @Test func similarLeavesOutItselfAndTheRelatedAndStopsAtTheLimit() {
        let shared = "cause: {category: release-bug, key: pool-exhaustion}\nservices: [api]"
        let relations = index([
            file("S", shared + "\nrelated: [S, LISTED]", body: "See [S](s.md) again."),
            file("LISTED", shared),
            file("BACKLINK", shared + "\nrelated: [S]"),
            file("LINKED", shared, body: "Like [S](s.md)."),
        ] + (1...7).map { file("OTHER-\($0)", "date: 2024-01-0\($0)\nservices: [api]") })
        let s = relations["S"]
        #expect(s?.related.map(\.id).sorted() == ["BACKLINK", "LINKED", "LISTED"], "never itself")
        #expect(s?.similar.count == RelatedIncidents.defaultSimilarLimit)
        #expect(s?.similar.map(\.id) == ["OTHER-7", "OTHER-6", "OTHER-5", "OTHER-4", "OTHER-3"])
        // A related postmortem keeps what it shares, for its labels.
        #expect(s?.related.allSatisfy { $0.shared.causeKeys == ["pool-exhaustion"] } == true)
        #expect(index([file("A", "services: [x]"), file("B", "services: [x]")], limit: 0)["A"]?.similar.isEmpty == true)
    }

    @Test func duplicateIDsAndEmptyInputAreHarmless() throws {
        #expect(RelatedIncidents.index([]).isEmpty)
        let first = try #require(postmortem(frontMatter("id: A\nstatus: draft\nservices: [api]"), path: "a.md"))
        let second = try #require(postmortem(frontMatter("id: A\nstatus: draft\nservices: [db]"), path: "b.md"))
        let other = try #require(postmortem(frontMatter("id: B\nstatus: draft\nservices: [api, db]"), path: "c.md"))
        let relations = RelatedIncidents.index([first, second, other])
        #expect(relations.keys.sorted() == ["A", "B"])
        #expect(relations["B"]?.similar.map(\.id) == ["A"])
        #expect(relations["B"]?.similar.first?.shared.services == ["api"], "the first postmortem of an id counts")
    }

    // MARK: The sample knowledge base

    var sample: (source: String, config: String) {
        (packageRoot.appendingPathComponent("postmortems").path, packageRoot.appendingPathComponent("postmortem.yml").path)
    }

    @Test func sampleRecurrencesOfThePoolExhaustionAreFound() throws {
        let check = try Check.run(folder: sample.source, configurationFile: Check.configurationFile(path: sample.config))
        let relations = RelatedIncidents.index(check.load.postmortems)
        let page = try #require(relations["INC-2024-002"])
        let sameCause = (page.related.filter { $0.shared.causeKeys.contains("db-connection-pool-exhaustion") }.map(\.id)
            + page.similar.filter { $0.shared.causeKeys.contains("db-connection-pool-exhaustion") }.map(\.id)).sorted()
        #expect(sameCause == ["INC-2023-001", "INC-2023-004", "INC-2025-003", "INC-2026-004"], "the other four of the five")
    }

    @Test func sampleIncidentPageListsRelatedAndSimilarIncidents() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-related-\(UUID().uuidString)")
        defer { FileManager.default.removeSite(at: out) }
        let result = try Build.run(Build.Options(sourceFolder: sample.source, outputFolder: out.path,
                                                 configurationPath: sample.config, templatesFolder: nil,
                                                 now: Date(timeIntervalSince1970: 1_764_547_200)))
        #expect(result.check.errorCount == 0)
        let html = try String(contentsOf: out.appendingPathComponent("incidents/INC-2024-002.html"), encoding: .utf8)
        let start = try #require(html.range(of: "<section class=\"connections\" aria-labelledby=\"related\">"))
        let end = try #require(html.range(of: "</section>", range: start.upperBound..<html.endIndex))
        let section = String(html[start.lowerBound..<end.upperBound])
        #expect(section.contains("<h2 id=\"related\">関連する障害・似た障害</h2>"))
        #expect(section.contains("<h3 id=\"similar\">似た障害</h3>"))
        // Each entry: link, badge, date, why; the recurrences of the same cause key are marked.
        let entries = section.components(separatedBy: "<li class=\"connection\">").dropFirst()
        let recurrences = entries.filter { $0.contains("<li class=\"reason reason-strong\">同じ原因（再発）</li>") }
        let recurrenceLinks = recurrences.compactMap { entry in
            ["INC-2023-001", "INC-2023-004", "INC-2025-003"].first { entry.contains("href=\"\($0).html\"") }
        }
        #expect(!recurrenceLinks.isEmpty, "at least one incident with the cause key db-connection-pool-exhaustion")
        #expect(Set(recurrenceLinks) == ["INC-2023-001", "INC-2023-004", "INC-2025-003"])
        #expect(section.contains("<a class=\"connection-title\" href=\"INC-2023-004.html\" lang=\"en\">"), "an English postmortem's title")
        #expect(section.contains("<span class=\"badge sev-sev2\">SEV2</span>"))
        #expect(section.contains("<li class=\"reason\">関連として記載</li>"))
        #expect(section.contains("<li class=\"reason\">この障害へリンク</li>"), "INC-2025-003 names this one")
        #expect(!section.contains("href=\"INC-2024-002.html\""), "never itself")
        let similar = try #require(section.range(of: "<h3 id=\"similar\">"))
        #expect(section[similar.lowerBound...].components(separatedBy: "<li class=\"connection\">").count - 1 == 5)

        // A page with nothing related or similar has no section.
        let legacy = try String(contentsOf: out.appendingPathComponent("incidents/2023-04-18-reservation-mail-delay.html"),
                                encoding: .utf8)
        #expect(!legacy.contains("class=\"connections\""))
    }
}
