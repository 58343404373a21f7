import Foundation
import Testing
@testable import PostmortemKit

/// The site a swap retires waits in the cache folder as the next build's
/// staging folder (`SiteWriter.Staging`): a rebuild writes the same site as a
/// build from nothing, never writes through a file the site in place shares,
/// and takes out whatever else the spare holds.
@Suite struct SpareSiteTests {
    static let day = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z
    static let configuration = packageRoot.appendingPathComponent("postmortem.yml").path

    typealias Space = SampleCopy

    func space() throws -> Space { try SampleCopy("spare") }

    @discardableResult
    func build(_ space: Space, out: URL? = nil, configuration: String = configuration) throws -> Build.Result {
        var options = Build.Options(sourceFolder: space.source.path, outputFolder: (out ?? space.out).path,
                                    configurationPath: configuration, templatesFolder: nil, now: Self.day)
        options.racyWindow = 0
        return try Build.run(options)
    }

    /// The site a build from nothing makes of the same sources.
    func fresh(_ space: Space) throws -> [String: Data] {
        let out = space.root.appendingPathComponent("fresh-\(UUID().uuidString)")
        defer { FileManager.default.removeSite(at: out) }
        try build(space, out: out)
        return try files(out)
    }

    static let first = "2024-03-08-admin-panel-down-pool-exhaustion.md", firstID = "INC-2024-002"

    func inode(_ url: URL) -> UInt64? {
        var info = stat()
        return lstat(url.path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    @Test func aRebuildTakesTheRetiredSiteAsItsStagingAndWritesNothingThroughIt() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try build(space)
        #expect(!FileManager.default.fileExists(atPath: space.spare.path), "a first build retires no site")
        let index = space.out.appendingPathComponent("search.html")
        let indexInode = inode(index)
        try space.append("First edit.", to: Self.first)
        try build(space)
        #expect(FileManager.default.fileExists(atPath: space.spare.path), "the retired site is kept")
        let afterFirst = try Data(contentsOf: space.page(Self.firstID))
        #expect(String(decoding: afterFirst, as: UTF8.self).contains("First edit."))
        // The spare's file of the edited page is the old one, not the new site's.
        #expect(inode(space.sparePage(Self.firstID)) != inode(space.page(Self.firstID)))
        #expect(inode(space.spare.appendingPathComponent("search.html")) == inode(index), "an unchanged page is shared")

        // The next edit rewrites the page the spare shares with the site in place: the
        // new page must be a new file, or the retired site would change under it.
        try space.append("Second edit.", to: Self.first)
        let result = try build(space)
        #expect(result.pagesRendered >= 1 && result.written?.filesChanged ?? 0 >= 1)
        #expect(try Data(contentsOf: space.sparePage(Self.firstID)) == afterFirst, "the retired page is as it was")
        #expect(String(decoding: try Data(contentsOf: space.page(Self.firstID)), as: UTF8.self).contains("Second edit."))
        #expect(inode(index) == indexInode, "a page whose bytes never changed is the same file through every build")
        #expect(try files(space.out) == fresh(space))
    }

    @Test func whateverElseTheSpareHoldsIsTakenOut() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fileManager = FileManager.default
        try build(space)
        try space.append("First edit.", to: Self.first)
        try build(space)
        let spare = space.spare
        // A stray file and folder; a folder where a page goes; a file where a folder goes;
        // a page that is another file than the site's, with other bytes.
        try Data("stray".utf8).write(to: spare.appendingPathComponent("stray.txt"))
        try fileManager.createDirectory(at: spare.appendingPathComponent("stray/deeper"), withIntermediateDirectories: true)
        try fileManager.removeItem(at: spare.appendingPathComponent("trends.html"))
        try fileManager.createDirectory(at: spare.appendingPathComponent("trends.html/inside"), withIntermediateDirectories: true)
        let causes = try #require(try fileManager.contentsOfDirectory(atPath: space.out.path).first { $0 == "causes" })
        try fileManager.removeItem(at: spare.appendingPathComponent(causes))
        try Data("not a folder".utf8).write(to: spare.appendingPathComponent(causes))
        try fileManager.removeItem(at: spare.appendingPathComponent("search.html"))
        try Data("other bytes".utf8).write(to: spare.appendingPathComponent("search.html"))

        try space.append("Second edit.", to: Self.first)
        try build(space)
        let site = try files(space.out)
        #expect(site == (try fresh(space)))
        #expect(site["stray.txt"] == nil)
        #expect(!fileManager.fileExists(atPath: space.out.appendingPathComponent("stray").path), "no folder of the spare's own")
    }

    /// A build that made most of its files anew keeps no spare: it would be
    /// a whole second site, for a next build that could share little of it.
    @Test func noSpareIsKeptAfterABuildThatChangedMostFiles() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try build(space)
        let text = try String(contentsOfFile: Self.configuration, encoding: .utf8)
        let renamed = space.root.appendingPathComponent("postmortem.yml")
        try Data(text.replacingOccurrences(of: "title: ミセナビ 障害ナレッジベース", with: "title: 別の名前").utf8).write(to: renamed)
        let result = try build(space, configuration: renamed.path)
        let written = try #require(result.written)
        #expect(written.filesChanged > SiteWriter.Staging.spareLimit(files: written.filesWritten))
        #expect(!FileManager.default.fileExists(atPath: space.spare.path))
        #expect(try files(space.out) == fresh(space, configuration: renamed.path))
    }

    /// A build that fails leaves the site in place as it was and the spare it took a spare.
    @Test func aFailedBuildLeavesTheSiteAndKeepsTheSpare() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try build(space)
        try space.append("First edit.", to: Self.first)
        try build(space)
        let before = try files(space.out)
        let staging = try SiteWriter.Staging(output: space.out.path, sourceFolder: space.source.path)
        #expect(staging.reusing)
        try staging.put("index.html", Array("half a site".utf8))
        staging.abandon()
        #expect(try files(space.out) == before)
        #expect(FileManager.default.fileExists(atPath: space.spare.path))
        try space.append("Second edit.", to: Self.first)
        try build(space)
        #expect(try files(space.out) == fresh(space))
    }
}

extension SpareSiteTests {
    func fresh(_ space: Space, configuration: String) throws -> [String: Data] {
        let out = space.root.appendingPathComponent("fresh-\(UUID().uuidString)")
        defer { FileManager.default.removeSite(at: out) }
        try build(space, out: out, configuration: configuration)
        return try files(out)
    }
}

extension SampleCopy {
    /// Where the retired site waits, and the page of `id` in the site and in the spare.
    fileprivate var spare: URL { BuildRecord.cacheFolder(of: out.path).appendingPathComponent(SiteWriter.Staging.spareName) }
    fileprivate func page(_ id: String) -> URL { out.appendingPathComponent(SitePaths.incidentPage(id: id)) }
    fileprivate func sparePage(_ id: String) -> URL { spare.appendingPathComponent(SitePaths.incidentPage(id: id)) }
}
