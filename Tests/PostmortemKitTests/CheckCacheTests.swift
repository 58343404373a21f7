import Foundation
import Testing
@testable import PostmortemKit

/// `check` and `stats` read the load cache `build` keeps beside the site
/// (`LoadCache.reading(siteFolder:)`): they report what loading every file
/// reports, load only the files changed since the build, and write nothing.
@Suite struct CheckCacheTests {
    static let configurationPath = packageRoot.appendingPathComponent("postmortem.yml").path

    /// Every file of the cache folder beside the site in `site`, with its size and modification time.
    static func cacheState(of site: URL) throws -> [String: String] {
        let folder = BuildRecord.cacheFolder(of: site.path)
        var state: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            var status = stat()
            guard lstat(url.path, &status) == 0 else { continue }
            state[url.path] = "\(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ino)"
        }
        return state
    }

    /// A check of `copy`'s postmortems with the repository's configuration, through `cache` when given.
    static func check(_ copy: SampleCopy, cache: LoadCache? = nil) throws -> CheckReport {
        try Check.run(folder: copy.source.path, configurationFile: Check.configurationFile(path: configurationPath),
                      now: BuildCacheTests.now, cache: cache)
    }

    @Test func aCheckAfterABuildReadsItsCacheReportsTheSameAndWritesNothing() throws {
        let copy = try SampleCopy("check-cache")
        defer { try? FileManager.default.removeItem(at: copy.root) }
        // No build yet: no cache, and a check makes none.
        #expect(LoadCache.reading(siteFolder: copy.out.path) == nil)
        let fresh = try Self.check(copy)
        #expect(!FileManager.default.fileExists(atPath: BuildRecord.cacheFolder(of: copy.out.path).path))
        #expect(fresh.load.postmortems.count > 20 && fresh.warningCount > 0)

        _ = try BuildCacheTests().build(copy.source, copy.out)
        let built = try Self.cacheState(of: copy.out)
        #expect(built.count > fresh.fileCount)
        let cache = try #require(LoadCache.reading(siteFolder: copy.out.path))
        let cached = try Self.check(copy, cache: cache)
        #expect(cache.lastCounts == (0, fresh.fileCount), "every file's entry taken, none loaded")
        #expect(cached.diagnostics == fresh.diagnostics && cached.skipped == fresh.skipped && cached.fileCount == fresh.fileCount)
        #expect(cached.load.postmortems == fresh.load.postmortems)
        // The texts, left in the cache's files, read back as loaded.
        for (a, b) in zip(cached.load.postmortems, fresh.load.postmortems) {
            #expect(a.body.html == b.body.html && a.body.plainText == b.body.plainText, "\(a.source.relativePath)")
        }
        #expect(cache.unreadText == nil)
        // `stats` reads the recurrences from the build's memo: the same figures.
        let options = Stats.Options(granularity: nil, since: nil, until: nil)
        for format in [Stats.Format.json, .text] {
            #expect(try Stats.render(Stats.report(cached, options: options, cache: cache), format: format, folder: "f")
                == Stats.render(Stats.report(fresh, options: options), format: format, folder: "f"))
        }
        let recurrences = try #require(cache.memo(named: "recurrences"))
        let key = RecurrenceAnalysis.inputKey(Postmortem.newestFirst(cached.load.postmortems).map { cached.load.postmortems[$0] },
                                              timeZone: cached.configuration.timeZone)
        #expect(recurrences.bytes(for: key) != nil, "the build's memo holds these postmortems' recurrences")

        // One front matter broken, one body changed: those two (and the files whose links
        // read the broken one's id) are loaded, and the report is a fresh check's.
        let broken = copy.source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        let text = try String(contentsOf: broken, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\ntitle: ", with: "\ntitle: [").utf8).write(to: broken)
        try copy.append("A line added after the build.", to: "2023-06-09-admin-reservation-list-timeout.md")
        let again = try #require(LoadCache.reading(siteFolder: copy.out.path))
        let edited = try Self.check(copy, cache: again)
        let freshEdited = try Self.check(copy)
        #expect(freshEdited.errorCount > 0 && freshEdited.diagnostics != fresh.diagnostics)
        #expect(edited.diagnostics == freshEdited.diagnostics)
        #expect(edited.load.postmortems == freshEdited.load.postmortems)
        #expect(again.lastCounts.loaded >= 2 && again.lastCounts.reused > fresh.fileCount / 2)
        #expect(again.lastCounts.loaded + again.lastCounts.reused == fresh.fileCount)
        // Not an entry, a heads table or a memo written, renamed or removed.
        #expect(try Self.cacheState(of: copy.out) == built)
    }

    /// An entry whose texts were changed after the build (another build
    /// rewriting it while the check reads): reading them fails and says so,
    /// for the caller to check again without the cache, and the entry is left
    /// where it is.
    @Test func textsChangedInTheCacheAreReportedUnreadAndLeftAlone() throws {
        let copy = try SampleCopy("check-cache-damaged")
        defer { try? FileManager.default.removeItem(at: copy.root) }
        _ = try BuildCacheTests().build(copy.source, copy.out)
        let fresh = try Self.check(copy)
        let entries = BuildRecord.cacheFolder(of: copy.out.path).appendingPathComponent("load")
        for name in try FileManager.default.contentsOfDirectory(atPath: entries.path) {
            try LoadCacheFolderTests.damageTheFirstText(of: entries.appendingPathComponent(name))
        }
        let damaged = try Self.cacheState(of: copy.out)
        let cache = try #require(LoadCache.reading(siteFolder: copy.out.path))
        let cached = try Self.check(copy, cache: cache)
        #expect(cached.diagnostics == fresh.diagnostics)
        let html = cached.load.postmortems.map(\.body.html)
        #expect(html != fresh.load.postmortems.map(\.body.html))
        #expect(cache.unreadText != nil, "the caller is told to check again without the cache")
        #expect(throws: LoadCache.TextsLost.self) { try cache.requireEveryTextRead() }
        #expect(try Self.cacheState(of: copy.out) == damaged, "nothing removed")
        // Checked again without it, as `check` and `stats` do: what loading every file makes.
        let again = try Self.check(copy)
        #expect(again.load.postmortems.map(\.body.html) == fresh.load.postmortems.map(\.body.html))
    }

    /// A cache made with another configuration is not read: every file is loaded.
    @Test func aCacheOfAnotherConfigurationIsNotRead() throws {
        let copy = try SampleCopy("check-cache-config")
        defer { try? FileManager.default.removeItem(at: copy.root) }
        _ = try BuildCacheTests().build(copy.source, copy.out)
        let cache = try #require(LoadCache.reading(siteFolder: copy.out.path))
        let report = try Check.run(folder: copy.source.path, configurationFile: nil, now: BuildCacheTests.now, cache: cache)
        #expect(cache.lastCounts == (report.fileCount, 0))
        #expect(report.diagnostics == (try Check.run(folder: copy.source.path, configurationFile: nil, now: BuildCacheTests.now)).diagnostics)
    }
}
