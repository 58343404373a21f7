import Foundation
import Testing
@testable import PostmortemKit

/// `postmortem build` end to end, on the sample knowledge base and on the
/// real postmortems, into temporary folders.
@Suite struct SiteBuildTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z

    func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-site-\(UUID().uuidString)")
    }

    func build(source: String, config: String?, into out: URL) throws -> Build.Result {
        try Build.run(Build.Options(sourceFolder: source, outputFolder: out.path, configurationPath: config,
                                    templatesFolder: nil, now: Self.now))
    }

    var sample: (source: String, config: String) {
        (packageRoot.appendingPathComponent("postmortems").path, packageRoot.appendingPathComponent("postmortem.yml").path)
    }

    /// How many postmortems the sample holds: every one gets a row.
    var sampleCount: Int { (try? SourceDiscovery.discover(in: sample.source).files.count) ?? -1 }

    /// `href` and `src` values of a page (the attributes cmark and the theme write, in double quotes).
    func references(in html: String) -> [String] {
        var found: [String] = []
        for attribute in [" href=\"", " src=\""] {
            var rest = html[...]
            while let start = rest.range(of: attribute) {
                let value = rest[start.upperBound...].prefix { $0 != "\"" }
                found.append(String(value))
                rest = rest[start.upperBound...]
            }
        }
        return found
    }

    @Test func sampleSiteHasEveryPageAndEveryLinkResolves() throws {
        let out = temporaryFolder()
        defer { FileManager.default.removeSite(at: out) }
        let result = try build(source: sample.source, config: sample.config, into: out)
        #expect(result.check.errorCount == 0)
        let site = try files(out)
        for page in ["index.html", "causes/index.html", "services/index.html", "action-items.html", "trends.html", "recurrences.html",
                     "causes/db-connection-pool-exhaustion.html", "categories/release-bug.html", "services/admin-panel.html",
                     "tags/release.html", "assets/style.css", "assets/filters.js", "assets/search.js", "search.html",
                     "data/incidents.json", "data/incidents.csv", "data/search-index.js", "feed.xml", "sitemap.xml"] {
            #expect(site[page] != nil, "\(page) is missing")
        }
        #expect(result.pages == site.keys.count { $0.hasSuffix(".html") })
        let pool = String(decoding: site["causes/db-connection-pool-exhaustion.html"] ?? Data(), as: UTF8.self)
        #expect(pool.components(separatedBy: "<td><a href=\"../incidents/").count - 1 == 5, "the pool exhaustion struck 5 times")
        #expect(site[SiteWriter.markerName] != nil)
        var checked = 0
        for (path, data) in site where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().relativePath
            for reference in references(in: html) where !reference.contains("://") && !reference.hasPrefix("mailto:") {
                let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let target = parts[0].isEmpty ? path
                    : URL(fileURLWithPath: (folder == "." ? "" : folder + "/") + (String(parts[0]).removingPercentEncoding ?? ""))
                        .standardizedFileURL.path.replacingOccurrences(of: FileManager.default.currentDirectoryPath + "/", with: "")
                let relative = target.hasPrefix("/") ? String(URL(fileURLWithPath: target).path.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : target
                #expect(site[relative] != nil, "\(path) links to \(reference), which is not in the site")
                if parts.count == 2, !parts[1].isEmpty, let page = site[relative] {
                    let id = String(parts[1]).removingPercentEncoding ?? String(parts[1])
                    #expect(String(decoding: page, as: UTF8.self).contains("id=\"\(id)\""), "\(path) links to a missing #\(id) in \(relative)")
                }
                checked += 1
            }
        }
        #expect(checked > 200)
    }

    @Test func buildsAreByteIdentical() throws {
        let first = temporaryFolder(), second = temporaryFolder()
        defer { FileManager.default.removeSite(at: first); FileManager.default.removeSite(at: second) }
        _ = try build(source: sample.source, config: sample.config, into: first)
        _ = try build(source: sample.source, config: sample.config, into: second)
        #expect(try files(first) == files(second))
    }

    @Test func incidentPageShowsFactsAndInferredTimes() throws {
        let out = temporaryFolder()
        defer { FileManager.default.removeSite(at: out) }
        _ = try build(source: sample.source, config: sample.config, into: out)
        let page = try String(contentsOf: out.appendingPathComponent("incidents/INC-2024-002.html"), encoding: .utf8)
        #expect(page.contains("<html lang=\"ja\">"))
        #expect(page.contains("<h1>管理画面がダウンし店舗が予約を確認できない</h1>"))
        #expect(page.contains("<dt>問い合わせ</dt><dd>143</dd>"))
        #expect(page.contains("<a href=\"INC-2023-001.html\">"))
        #expect(!page.contains("<h2 id=\"管理画面がダウンし店舗が予約を確認できない\">"), "the body's title heading is left out")
        let legacy = try String(contentsOf: out.appendingPathComponent("incidents/2023-04-18-reservation-mail-delay.html"), encoding: .utf8)
        #expect(legacy.contains("<dt>復旧時間</dt><dd>約2時間 <abbr class=\"inferred\""))
    }

    @Test func indexHasFiltersForTheValuesPresentAndRowsCarryTheirData() throws {
        let out = temporaryFolder()
        defer { FileManager.default.removeSite(at: out) }
        _ = try build(source: sample.source, config: sample.config, into: out)
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<form class=\"filters\" id=\"filters\" aria-label=\"障害を絞り込む\" hidden>"),
                "hidden until the script shows it")
        #expect(index.contains("<label for=\"filter-severity\">重大度</label>"))
        #expect(index.contains("<option value=\"SEV1\">SEV1 · 致命的</option>"))
        #expect(index.contains("<label for=\"filter-service\">サービス</label>"))
        #expect(index.contains("<option value=\"admin-panel\">admin-panel</option>"))
        #expect(index.contains("<option value=\"2023\">2023</option>"))
        #expect(index.contains("aria-live=\"polite\""))
        #expect(index.contains("<script src=\"assets/filters.js\" defer></script>"))
        #expect(index.contains("<th scope=\"col\" class=\"num\" data-sort=\"ttr\" data-numeric>"))
        let rows = index.components(separatedBy: "<tr data-date=").count - 1
        #expect(rows == sampleCount)
        #expect(index.contains("data-severity=\"SEV2\" data-severity-rank=\"2\" data-services=\"admin-panel|reservations|database\""),
                "INC-2023-001")
        #expect(index.contains("data-year=\"2024\""))
        #expect(index.contains("data-ttr=\"350\""), "INC-2024-002 recovered in 350 minutes")
        let site = try files(out)
        #expect(site["assets/filters.js"] != nil)
    }

    @Test func incidentsJSONHasTheDocumentedShape() throws {
        let out = temporaryFolder()
        defer { FileManager.default.removeSite(at: out) }
        _ = try build(source: sample.source, config: sample.config, into: out)
        let data = try Data(contentsOf: out.appendingPathComponent("data/incidents.json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(rows.count == sampleCount)
        let keys: Set<String> = ["id", "title", "url", "source", "date", "status", "kind", "severity", "services", "started_at",
                                 "detected_at", "mitigated_at", "resolved_at", "ttr_minutes", "ttd_minutes", "ttm_minutes",
                                 "ttr_source", "causes", "recurrence_fix", "tags",
                                 "cause_keys", "recurrence_of", "recurred_by", "fix_verdict",
                                 "recurrence_of_count", "recurred_by_count"]
        #expect(rows.allSatisfy { Set($0.keys) == keys })
        let recurrence = try #require(rows.first { $0["id"] as? String == "INC-2025-003" })
        #expect(recurrence["recurrence_of"] as? [String] == ["INC-2023-001", "INC-2023-004", "INC-2024-002"])
        #expect(recurrence["fix_verdict"] as? String == "pending")
        #expect(recurrence["recurrence_of_count"] as? Int == 3 && recurrence["recurred_by_count"] as? Int == 1)
        #expect(rows.contains { $0["fix_verdict"] as? String == "escaped" })
        let dates = rows.compactMap { $0["date"] as? String }
        #expect(dates == dates.sorted(by: >), "newest first")
        let pool = try #require(rows.first { $0["id"] as? String == "INC-2024-002" })
        #expect(pool["started_at"] as? String == "2024-03-08T10:40:00Z")
        #expect(pool["ttr_minutes"] as? Double == 350)
        #expect(pool["ttr_source"] as? String == "milestones")
        #expect(pool["url"] as? String == "incidents/INC-2024-002.html")
        let legacy = try #require(rows.first { $0["id"] as? String == "2023-04-18-reservation-mail-delay" })
        #expect(legacy["ttr_source"] as? String == "inferred")
        #expect(legacy["severity"] is NSNull)
    }

    @Test func everyRealPostmortemBuildsIntoAPage() throws {
        guard FileManager.default.fileExists(atPath: realPostmortemsFolder.path) else { return }
        let out = temporaryFolder()
        defer { FileManager.default.removeSite(at: out) }
        let result = try build(source: realPostmortemsFolder.path, config: nil, into: out)
        #expect(result.check.errorCount == 0)
        for postmortem in result.check.load.postmortems {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(SitePaths.incidentPage(id: postmortem.id)).path),
                    "\(postmortem.source.relativePath) has no page")
        }
    }

    // MARK: Nothing lost

    @Test func refusesFoldersItDidNotWrite() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        #expect(throws: SiteWriter.Failure.self) { try build(source: sample.source, config: sample.config, into: folder) }
        #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
        for unsafe in ["/", FileManager.default.homeDirectoryForCurrentUser.path, sample.source,
                       sample.source + "/_site", packageRoot.path] {
            #expect(throws: SiteWriter.Failure.self) { try SiteWriter.checkOutput(unsafe, sourceFolder: sample.source) }
        }
    }

    @Test func aBuildWithErrorsLeavesThePreviousSite() throws {
        let out = temporaryFolder()
        let source = temporaryFolder()
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        defer { FileManager.default.removeSite(at: out); try? FileManager.default.removeItem(at: source) }
        try Data(frontMatter("id: A\ntitle: First\nstatus: draft").utf8).write(to: source.appendingPathComponent("a.md"))
        let first = try build(source: source.path, config: nil, into: out)
        #expect(first.written != nil)
        let before = try files(out)
        try Data(frontMatter("id: B\ntitle: [broken").utf8).write(to: source.appendingPathComponent("b.md"))
        let second = try build(source: source.path, config: nil, into: out)
        #expect(second.written == nil && second.check.errorCount > 0)
        #expect(try files(out) == before)
        // Fixed, the next build replaces the site whole (the old page list is gone with it).
        try Data(frontMatter("id: B\ntitle: Second\nstatus: draft").utf8).write(to: source.appendingPathComponent("b.md"))
        try FileManager.default.removeItem(at: source.appendingPathComponent("a.md"))
        _ = try build(source: source.path, config: nil, into: out)
        let after = try files(out)
        #expect(after["incidents/B.html"] != nil && after["incidents/A.html"] == nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(out.lastPathComponent).") }
        #expect(leftovers == [".\(out.lastPathComponent).postmortem-cache"], "no staging or retired folder, only the cache")
    }

    @Test func aRebuildLinksUnchangedFilesSoTheyKeepTheirTimes() throws {
        let fileManager = FileManager.default
        let source = temporaryFolder(), out = temporaryFolder()
        defer {
            try? fileManager.removeItem(at: source)
            fileManager.removeSite(at: out)
        }
        try fileManager.copyItem(at: URL(fileURLWithPath: sample.source), to: source)
        let first = try build(source: source.path, config: sample.config, into: out)
        #expect(first.written?.filesChanged == first.written?.filesWritten, "a new site is all new")
        let page = out.appendingPathComponent("incidents/INC-2024-002.html")
        let inode = try fileManager.attributesOfItem(atPath: page.path)[.systemFileNumber] as? Int
        let again = try build(source: source.path, config: sample.config, into: out)
        #expect(again.written?.filesChanged == 0)
        #expect(try fileManager.attributesOfItem(atPath: page.path)[.systemFileNumber] as? Int == inode, "the same file, linked")
        // One body edited: its page, the feed (which carries bodies) and the search shards of the new words change, nothing else.
        let edited = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more sentence.\n").write(to: edited, atomically: true, encoding: .utf8)
        let third = try build(source: source.path, config: sample.config, into: out)
        let shardFiles = try fileManager.contentsOfDirectory(atPath: out.appendingPathComponent("data/search").path)
        let shards = Set(["one", "more", "sentence"].map { SearchTerms.shard(of: $0, count: shardFiles.count { $0.hasPrefix("terms-") }) })
        #expect(third.written?.filesChanged == 2 + shards.count)
        #expect(try fileManager.attributesOfItem(atPath: page.path)[.systemFileNumber] as? Int != inode)
        #expect(try String(contentsOf: page, encoding: .utf8).contains("One more sentence."))
    }
}
