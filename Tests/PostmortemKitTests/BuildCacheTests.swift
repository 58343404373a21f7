import Foundation
import Testing
@testable import PostmortemKit

/// The build record beside the site: a build with nothing changed does
/// nothing, and anything that would change the site makes a real build.
@Suite struct BuildCacheTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z

    /// A copy of the sample knowledge base and a place for its site, removed by `cleanUp`.
    func workspace() throws -> (source: URL, out: URL, root: URL) {
        let copy = try SampleCopy("cache")
        return (copy.source, copy.out, copy.root)
    }

    /// A build; `racyWindow` 0 trusts the stamps of files written just before
    /// (these tests build again at once), the default does not.
    func build(_ source: URL, _ out: URL, now: Date = now, racyWindow: Int64 = 0) throws -> Build.Result {
        var options = Build.Options(sourceFolder: source.path, outputFolder: out.path,
                                    configurationPath: packageRoot.appendingPathComponent("postmortem.yml").path,
                                    templatesFolder: nil, now: now)
        options.racyWindow = racyWindow
        return try Build.run(options)
    }

    /// An edit that keeps the file's size and sets its modification time
    /// back (`touch -r`, `cp -p`, `rsync -t` do; so do two saves within one
    /// tick of the file system's clock) still makes a real build: the
    /// change time, which no program sets back, is in the fingerprint.
    @Test func anEditThatKeepsTheSizeAndTheModificationTimeIsSeen() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build(source, out)
        #expect(try build(source, out).upToDate)
        let file = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        var before = stat()
        #expect(stat(file.path, &before) == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "PgBouncer", with: "PGBOUNCER")
        #expect(edited != text && edited.utf8.count == text.utf8.count)
        try Data(edited.utf8).write(to: file)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, file.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(file.path, &after) == 0)
        #expect(FileIO.Stamp(after) == FileIO.Stamp(before), "size, modification time and inode are as they were")
        let again = try build(source, out)
        #expect(!again.upToDate && again.written?.filesChanged ?? 0 > 0)
        let page = try String(contentsOf: out.appendingPathComponent(SitePaths.incidentPage(id: "INC-2024-002")), encoding: .utf8)
        #expect(page.contains("PGBOUNCER"))
    }

    /// A build right after an edit cannot tell that edit from one made in
    /// the same tick after it looked: its record is never taken as
    /// up to date. The next build reads the files (nothing to render) and
    /// leaves a record the one after trusts.
    @Test func aBuildRightAfterAnEditLeavesARecordTheNextDoesNotTrust() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        // The sample was copied a moment ago: every file is recent.
        let first = try build(source, out, racyWindow: BuildRecord.racyWindow)
        let second = try build(source, out, racyWindow: BuildRecord.racyWindow)
        #expect(!second.upToDate && second.pagesRendered == 0 && second.written?.filesChanged == 0)
        #expect(second.pages == first.pages)
        // Once the files are older than the window, a record is trusted again.
        let third = try build(source, out)
        #expect(!third.upToDate && third.pagesRendered == 0)
        #expect(try build(source, out).upToDate)
    }

    /// A file whose stamp is old enough, and the one it had when its bytes
    /// were read, is not read again; one changed within the window before
    /// the listing is, until a build reads it under an old enough stamp.
    @Test func filesWhoseStampsVouchForThemAreNotRead() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let window: Int64 = 200_000_000
        let files = try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".md") }.sorted()
        let count = files.count
        // Copied a moment ago: every stamp is within the window; each file is read.
        let first = try build(source, out, racyWindow: window)
        #expect(first.filesLoaded == (count, 0) && first.filesUnread == 0)
        Thread.sleep(forTimeInterval: 0.25)
        // Read again (the last listing was too close to the files' changes), found the same, and restamped.
        let second = try build(source, out, racyWindow: window)
        #expect(second.filesLoaded == (0, count) && second.filesUnread == 0)
        // Now only the edited file is read.
        let edited = source.appendingPathComponent(files[0])
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more line.\n").write(to: edited, atomically: false, encoding: .utf8)
        let third = try build(source, out, racyWindow: window)
        #expect(third.filesLoaded == (1, count - 1) && third.filesUnread == count - 1)
        let id = try #require(third.check.load.postmortems.first { $0.source.relativePath == files[0] }?.id)
        let page = try String(contentsOf: out.appendingPathComponent(SitePaths.incidentPage(id: id)), encoding: .utf8)
        #expect(page.contains("One more line."))
        // A file touched keeps its bytes under a new stamp: read, found the same, kept.
        let touched = source.appendingPathComponent(files[1])
        #expect(utimensat(AT_FDCWD, touched.path, nil, 0) == 0)
        let fourth = try build(source, out, racyWindow: 0)
        #expect(fourth.filesLoaded == (0, count) && fourth.filesUnread == count - 1)
    }

    func inode(_ url: URL) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int
    }

    @Test func aSecondBuildWithNothingChangedWritesNothingAndReportsTheSame() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try build(source, out)
        #expect(!first.upToDate && first.check.warningCount > 0)
        let folder = try inode(out)
        let second = try build(source, out)
        #expect(second.upToDate)
        #expect(second.check.diagnostics == first.check.diagnostics, "the same warnings are printed again")
        #expect(second.pages == first.pages && second.written?.filesWritten == first.written?.filesWritten)
        #expect(second.written?.filesChanged == 0 && second.check.fileCount == first.check.fileCount)
        #expect(try inode(out) == folder, "the site folder was not even swapped")
        #expect(FileManager.default.fileExists(atPath: BuildRecord.cacheFolder(of: out.path).appendingPathComponent(BuildRecord.file).path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(".postmortem-kb-cache").path),
                "the cache is never inside the published site")
    }

    @Test func anythingTheSiteIsMadeFromMakesARealBuild() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build(source, out)
        // A file touched (same bytes): built again, and no file of the site changes.
        let file = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: file.path)
        let touched = try build(source, out)
        #expect(!touched.upToDate && touched.written?.filesChanged == 0)
        #expect(try build(source, out).upToDate)
        // Another day: overdue items are counted from it.
        #expect(try !build(source, out, now: Self.now.addingTimeInterval(86_400)).upToDate)
        // A new file in the source folder, even an attachment.
        try Data([0x89]).write(to: source.appendingPathComponent("extra.png"))
        #expect(try !build(source, out).upToDate)
    }

    /// A record written by a version whose digests differ (another
    /// `format`) is ignored: the next build is a full one, without an error,
    /// and leaves a record of this format.
    @Test func aRecordOfAnotherFormatMakesAFullBuild() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try build(source, out)
        let recordURL = BuildRecord.cacheFolder(of: out.path).appendingPathComponent(BuildRecord.file)
        // The old record, its fingerprint and page keys otherwise the same: only its format (after the magic) says it is stale.
        var bytes = [UInt8](try Data(contentsOf: recordURL))
        #expect(BuildRecord.decode(bytes) != nil)
        #expect(bytes[BuildRecord.magic.count] == UInt8(BuildRecord.format))
        bytes[BuildRecord.magic.count] -= 1
        try Data(bytes).write(to: recordURL)
        #expect(BuildRecord.read(from: out.path) == nil)
        let again = try build(source, out)
        #expect(!again.upToDate && again.check.errorCount == 0)
        #expect(again.pagesRendered == again.pages && again.pages == first.pages, "every page rendered")
        #expect(again.written?.filesChanged == 0, "the same site")
        #expect(BuildRecord.read(from: out.path) != nil, "a record of this format in its place")
        #expect(try build(source, out).upToDate)
        // A record this version cannot read at all is ignored the same way.
        try Data(BuildRecord.magic + [0xFF, 0xFF]).write(to: recordURL)
        let unreadable = try build(source, out)
        #expect(!unreadable.upToDate && unreadable.pagesRendered == unreadable.pages && unreadable.check.errorCount == 0)
    }

    /// One digest of what was read, for postmortems and the configuration alike.
    /// `postmortem` and `postmortem-serve` share one stamp, made of both
    /// files: a site `build` made is up to date for `serve` and the other way
    /// round, and a new build of either program is a new tool for both.
    @Test func theTwoProgramsShareAStampThatChangesWithEither() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-programs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let main = folder.appendingPathComponent("postmortem").path
        let server = folder.appendingPathComponent("postmortem-serve").path
        let other = folder.appendingPathComponent("postmortem-fuzz").path
        for path in [main, server, other] { try Data("binary \(path)".utf8).write(to: URL(fileURLWithPath: path)) }
        let stamp = BuildRecord.toolStamp(executable: main)
        #expect(BuildRecord.toolStamp(executable: server) == stamp)
        #expect(stamp.contains("postmortem ") && stamp.contains("postmortem-serve "))
        // Another program of the folder has its own stamp.
        #expect(BuildRecord.toolStamp(executable: other) != stamp && BuildRecord.toolStamp(executable: other) == FileIO.stamp(other)?.description)
        // Either program built again (a new file, so a new inode): a new stamp for both.
        for path in [server, main] {
            let before = BuildRecord.toolStamp(executable: main)
            try FileManager.default.removeItem(atPath: path)
            try Data("rebuilt \(path)".utf8).write(to: URL(fileURLWithPath: path))
            #expect(BuildRecord.toolStamp(executable: main) != before)
            #expect(BuildRecord.toolStamp(executable: server) == BuildRecord.toolStamp(executable: main))
        }
        // Without the server beside it (a copy of `postmortem` alone), still a stamp of its own.
        try FileManager.default.removeItem(atPath: server)
        #expect(BuildRecord.toolStamp(executable: main).contains("postmortem-serve none"))
    }

    @Test func theDigestOfAFileTellsItsContentsApart() {
        let text = SourceFile.Contents.bytes(Array("title: KB\n".utf8))
        #expect(text.digest == SourceFile.Contents.bytes(Array("title: KB\n".utf8)).digest)
        let others: [SourceFile.Contents] = [
            .bytes(Array("title: KB2\n".utf8)), .bytes([]), .bytes(Array("unreadable denied".utf8)),
            .tooLarge(size: 10), .tooLarge(size: 11), .unreadable(reason: "denied"), .unreadable(reason: ""),
        ]
        let digests = Set(([text] + others).map(\.digest))
        #expect(digests.count == others.count + 1)
        let file = SourceFile(path: "postmortem.yml", relativePath: "postmortem.yml", contents: text)
        #expect(BuildRecord.configurationDigest(file) == "postmortem.yml \(StableHasher.hex(text.digest))")
        #expect(BuildRecord.configurationDigest(nil) == "none")
    }

    @Test func aSiteChangedByHandIsBuiltAgain() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build(source, out)
        let page = out.appendingPathComponent("index.html")
        let original = try Data(contentsOf: page)
        try FileManager.default.removeItem(at: page)
        let again = try build(source, out)
        #expect(!again.upToDate && again.written?.filesChanged == 1)
        #expect(try Data(contentsOf: page) == original)
        try Data("edited".utf8).write(to: page)
        #expect(try !build(source, out).upToDate)
        #expect(try Data(contentsOf: page) == original)
    }

    @Test func whatAKilledBuildLeftIsCleanedAndTheSiteComesBack() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build(source, out)
        // As if killed after moving the old site aside and before moving the new one in
        // (process ids that are not running).
        let retired = root.appendingPathComponent(".site.old-2147483600")
        let staging = root.appendingPathComponent(".site.building-2147483601")
        try FileManager.default.moveItem(at: out, to: retired)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("half".utf8).write(to: staging.appendingPathComponent("index.html"))
        SiteWriter.recover(out)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path), "the old site is back")
        #expect(!FileManager.default.fileExists(atPath: retired.path) && !FileManager.default.fileExists(atPath: staging.path))
        // A build that finds such leftovers cleans them as well.
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let result = try build(source, out)
        #expect(result.written != nil)
        #expect(!FileManager.default.fileExists(atPath: staging.path))
    }

    @Test func aLongRunningProcessLoadsOnlyWhatChanged() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = LoadCache()
        func cached(_ out: URL) throws -> Build.Result {
            var options = Build.Options(sourceFolder: source.path, outputFolder: out.path,
                                        configurationPath: packageRoot.appendingPathComponent("postmortem.yml").path,
                                        templatesFolder: nil, now: Self.now)
            options.loadCache = cache
            return try Build.run(options)
        }
        let first = try cached(out)
        let count = first.check.fileCount
        #expect(cache.lastCounts.loaded == count && cache.lastCounts.reused == 0)
        // One body edited: that file alone is loaded again, and the site is what a build from nothing makes.
        let edited = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more sentence.\n").write(to: edited, atomically: true, encoding: .utf8)
        let second = try cached(out)
        #expect(cache.lastCounts.loaded == 1 && cache.lastCounts.reused == count - 1)
        let fresh = root.appendingPathComponent("fresh")
        let uncached = try build(source, fresh)
        #expect(second.check.diagnostics == uncached.check.diagnostics)
        #expect(try files(out) == files(fresh))
        // A new file changes the folder's index, not what the other bodies' links find in it: it alone is loaded.
        try Data("---\nid: NEW-1\ntitle: New\nstatus: draft\n---\nSee [the pool](2024-03-08-admin-panel-down-pool-exhaustion.md).\n".utf8)
            .write(to: source.appendingPathComponent("new.md"))
        _ = try cached(out)
        #expect(cache.lastCounts.loaded == 1 && cache.lastCounts.reused == count)
        _ = try build(source, fresh)
        #expect(try files(out) == files(fresh))
    }

    /// A long-running process (`serve`) starts from the entries `build` left
    /// beside the site: its first build loads only the files changed since.
    /// When texts of those entries change under it, it forgets them and
    /// loads every file, in the same build, and makes the site a build from
    /// nothing makes.
    @Test func aLongRunningProcessStartsFromTheBuildsCache() throws {
        let (source, out, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let count = try build(source, out).check.fileCount
        let edited = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more sentence.\n").write(to: edited, atomically: true, encoding: .utf8)
        let cache = LoadCache(seededFrom: out.path)
        func cached(now: Date = Self.now) throws -> Build.Result {
            var options = Build.Options(sourceFolder: source.path, outputFolder: out.path,
                                        configurationPath: packageRoot.appendingPathComponent("postmortem.yml").path,
                                        templatesFolder: nil, now: now)
            options.loadCache = cache
            options.racyWindow = 0
            return try Build.run(options)
        }
        let first = try cached()
        #expect(cache.lastCounts == (1, count - 1), "the edited file alone loaded")
        let fresh = root.appendingPathComponent("fresh")
        #expect(first.check.diagnostics == (try build(source, fresh)).check.diagnostics)
        #expect(try files(out) == files(fresh))
        // Every entry's first text changed in the build's folder; a day later every page is
        // rendered again and reads them: every file is loaded again instead.
        let entries = BuildRecord.cacheFolder(of: out.path).appendingPathComponent("load")
        for name in try FileManager.default.contentsOfDirectory(atPath: entries.path) {
            try LoadCacheFolderTests.damageTheFirstText(of: entries.appendingPathComponent(name))
        }
        let later = Self.now.addingTimeInterval(86_400)
        let second = try cached(now: later)
        #expect(second.written != nil && cache.lastCounts == (count, 0))
        #expect(cache.unreadText == nil)
        let freshLater = root.appendingPathComponent("fresh-later")
        _ = try build(source, freshLater, now: later)
        #expect(try files(out) == files(freshLater))
        // From then on, from its own entries.
        try (String(contentsOf: edited, encoding: .utf8) + "\nAnd another.\n").write(to: edited, atomically: true, encoding: .utf8)
        _ = try cached(now: later)
        #expect(cache.lastCounts == (1, count - 1))
    }

    @Test func theRecordReadsBackWhatWasWrittenAndNothingFromDamagedBytes() throws {
        let diagnostic = Diagnostic.warning(.symlinkOutsideSource, at: SourceLocation(file: "a.md", line: 3, column: 1),
                                            "symbolic link leads outside", notes: ["copy it"])
        let stamp = { (size: Int64) in FileIO.Stamp(size: size, modified: -5, inode: .max, isRegularFile: size > 0) }
        let record = BuildRecord(
            summary: BuildRecord.Summary(fingerprint: "00ff", pages: 2, filesWritten: 4, fileCount: 9, skipped: ["README.md"],
                                         diagnostics: [diagnostic]),
            site: ["index.html": stamp(10), "files/a b/ä.png": stamp(0), "line\nbreak": stamp(3), "incidents/x.html": stamp(7)],
            pageKeys: ["index.html": 0, "incidents/x.html": .max])
        let bytes = try record.encoded()
        let read = try #require(BuildRecord.decode(bytes))
        #expect(read.summary == record.summary)
        #expect(read.files == record.files)
        #expect(read.files.map(\.path) == ["files/a b/ä.png", "incidents/x.html", "index.html", "line\nbreak"], "in UTF-8 order")
        #expect(read.memoEntries["index.html"]?.key == 0 && read.memoEntries["incidents/x.html"]?.key == .max)
        #expect(read.memoEntries["files/a b/ä.png"] == nil, "a file that is no page has no key")
        // Cut anywhere, one byte more, another format, or the JSON of earlier versions: no record, so a full build.
        for cut in [0, 5, 12, 20, bytes.count / 2, bytes.count - 1] {
            #expect(BuildRecord.decode(Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(BuildRecord.decode(bytes + [0]) == nil)
        var otherFormat = bytes
        otherFormat[BuildRecord.magic.count] &+= 1
        #expect(BuildRecord.decode(otherFormat) == nil)
        #expect(BuildRecord.decode(Array(#"{"format":2,"fingerprint":"x"}"#.utf8)) == nil)
    }
}
