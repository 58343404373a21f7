import Foundation
import Synchronization
import Testing
@testable import PostmortemKit

/// Files a user put into the site folder by hand (`CNAME`, `.nojekyll`, a
/// folder of PDFs) are never deleted or changed: each build carries them
/// into the new site, says so, and refuses to put its own file in their place.
@Suite struct UserFilesInSiteTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z
    static let past = Date(timeIntervalSince1970: 1_600_000_000)

    struct Workspace {
        var root: URL, source: URL, out: URL
        func build(now: Date = UserFilesInSiteTests.now) throws -> Build.Result {
            var options = Build.Options(sourceFolder: source.path, outputFolder: out.path,
                                        configurationPath: packageRoot.appendingPathComponent("postmortem.yml").path,
                                        templatesFolder: nil, now: now)
            // The sample was copied a moment ago: trust its stamps, as a build minutes later would.
            options.racyWindow = 0
            return try Build.run(options)
        }
    }

    func workspace() throws -> Workspace {
        let copy = try SampleCopy("user-files")
        return Workspace(root: copy.root, source: copy.source, out: copy.out)
    }

    /// The user's files, put into `out`: path → bytes.
    static let userFiles: [String: String] = [
        "CNAME": "kb.example.com\n",
        ".nojekyll": "",
        "pdfs/2024/review.pdf": "%PDF-1.4 minutes",
        "pdfs/index.txt": "the reviews",
        "incidents/notes.txt": "in a folder of the tool's",
    ]

    func addUserFiles(to out: URL) throws -> [String: (inode: Int?, modified: Date?)] {
        var identity: [String: (inode: Int?, modified: Date?)] = [:]
        let fileManager = FileManager.default
        for (path, text) in Self.userFiles {
            let url = out.appendingPathComponent(path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            try fileManager.setAttributes([.modificationDate: Self.past], ofItemAtPath: url.path)
            let attributes = try fileManager.attributesOfItem(atPath: url.path)
            identity[path] = (attributes[.systemFileNumber] as? Int, attributes[.modificationDate] as? Date)
        }
        try fileManager.createDirectory(at: out.appendingPathComponent("empty/folder"), withIntermediateDirectories: true)
        try fileManager.createSymbolicLink(atPath: out.appendingPathComponent("latest").path, withDestinationPath: "index.html")
        return identity
    }

    func expectUserFilesUnchanged(in out: URL, _ identity: [String: (inode: Int?, modified: Date?)],
                                  sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let fileManager = FileManager.default
        for (path, text) in Self.userFiles {
            let url = out.appendingPathComponent(path)
            #expect(fileManager.contents(atPath: url.path) == Data(text.utf8), "\(path) kept", sourceLocation: sourceLocation)
            let attributes = try fileManager.attributesOfItem(atPath: url.path)
            #expect(attributes[.systemFileNumber] as? Int == identity[path]?.inode, "\(path) is the same file", sourceLocation: sourceLocation)
            #expect(attributes[.modificationDate] as? Date == identity[path]?.modified, "\(path) keeps its time", sourceLocation: sourceLocation)
        }
        var isDirectory: ObjCBool = false
        #expect(fileManager.fileExists(atPath: out.appendingPathComponent("empty/folder").path, isDirectory: &isDirectory) && isDirectory.boolValue,
                sourceLocation: sourceLocation)
        #expect(try fileManager.destinationOfSymbolicLink(atPath: out.appendingPathComponent("latest").path) == "index.html",
                "a symbolic link stays one", sourceLocation: sourceLocation)
    }

    @Test func filesTheToolDidNotWriteSurviveEveryBuild() throws {
        let space = try workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build()
        let identity = try addUserFiles(to: space.out)
        // A full build (another day): a new site, with the user's files in it and named once.
        let full = try space.build(now: Self.now.addingTimeInterval(86_400))
        #expect(!full.upToDate)
        try expectUserFilesUnchanged(in: space.out, identity)
        #expect(full.written?.kept == [
            SiteWriter.Kept(path: ".nojekyll", files: 1), SiteWriter.Kept(path: "CNAME", files: 1),
            SiteWriter.Kept(path: "empty/", files: 0), SiteWriter.Kept(path: "incidents/notes.txt", files: 1),
            SiteWriter.Kept(path: "latest", files: 1), SiteWriter.Kept(path: "pdfs/", files: 2),
        ])
        // Nothing changed: nothing is touched.
        let same = try space.build(now: Self.now.addingTimeInterval(86_400))
        #expect(same.upToDate)
        try expectUserFilesUnchanged(in: space.out, identity)
        // A source edit, and with the cache beside the site gone: the marker alone tells whose files are whose.
        let edited = space.source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more sentence.\n").write(to: edited, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: BuildRecord.cacheFolder(of: space.out.path))
        let afterEdit = try space.build(now: Self.now.addingTimeInterval(86_400))
        #expect(!afterEdit.upToDate && afterEdit.written?.kept.count == 6)
        try expectUserFilesUnchanged(in: space.out, identity)
        // The marker lists the tool's files and none of the user's.
        let own = try #require(SiteManifest.ownFiles(of: space.out))
        #expect(own.contains("index.html") && own.contains(SitePaths.incidentPage(id: "INC-2024-002")))
        #expect(own.isDisjoint(with: Self.userFiles.keys) && !own.contains("latest"))
        #expect(own.count == afterEdit.written?.filesWritten)
    }

    /// The marker's list reads back as written: names with line breaks,
    /// backslashes and Japanese, the last line with or without its break.
    @Test func theMarkersListReadsBackAsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-marker-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let paths: Set<String> = ["index.html", "files/a\\b.png", "files/two\nlines.txt", "files/cr\r.txt", "tags/障害.html"]
        let marker = folder.appendingPathComponent(SiteWriter.markerName)
        var bytes = SiteManifest.text(of: paths)
        try Data(bytes).write(to: marker)
        #expect(SiteManifest.ownFiles(of: folder) == paths)
        bytes.removeLast()
        try Data(bytes).write(to: marker)
        #expect(SiteManifest.ownFiles(of: folder) == paths, "no line break after the last path")
        try Data(Array(SiteManifest.header.utf8)).write(to: marker)
        #expect(SiteManifest.ownFiles(of: folder) == [])
        try Data("Written by an older version\n".utf8).write(to: marker)
        #expect(SiteManifest.ownFiles(of: folder) == nil, "no list")
    }

    /// The list read ahead of the staging (during discover) is used only
    /// while the site's marker is the one it was read from; a marker written
    /// since (another build's swap) is read again.
    @Test func theMarkersListReadAheadIsUsedOnlyWhileTheMarkerIsUnchanged() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-ahead-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out"), source = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        #expect(SiteManifest.OwnFilesRead(of: out) == nil, "no marker, no list")
        let marker = out.appendingPathComponent(SiteWriter.markerName)
        let before: Set<String> = ["index.html", "incidents/a.html"]
        try Data(SiteManifest.text(of: before)).write(to: marker)
        let read = try #require(SiteManifest.OwnFilesRead(of: out))
        #expect(read.files == before && read.files(of: out) == before)
        // Used as read while the marker is unchanged: not read again (a list told apart to show it).
        var told = read
        told.files = ["told.html"]
        let staging = try SiteWriter.Staging(output: out.path, sourceFolder: source.path, ownFilesRead: told)
        #expect(staging.previousOwn == ["told.html"])
        staging.abandon()
        // Another build's marker, written in place of the one read: the list read ahead is stale.
        let after: Set<String> = ["index.html", "incidents/a.html", "incidents/b.html", "tags/障害.html"]
        try Data(SiteManifest.text(of: after)).write(to: marker, options: .atomic)
        #expect(read.files(of: out) == nil)
        let again = try SiteWriter.Staging(output: out.path, sourceFolder: source.path, ownFilesRead: read)
        #expect(again.previousOwn == after, "the marker in place is read")
        again.abandon()
    }

    /// `commit(alongside:)` runs the caller's work once, beside the swap's
    /// last look at the old site, and the new site is in place when it returns.
    @Test func theSwapRunsTheCallersWorkBesideItsLastLook() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-alongside-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out"), source = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let runs = Mutex(0)
        for page in ["first", "second"] {
            let staging = try SiteWriter.Staging(output: out.path, sourceFolder: source.path)
            try staging.put("index.html", Array("<p>\(page)</p>".utf8))
            _ = try staging.commit(alongside: { runs.withLock { $0 += 1 } })
            #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "<p>\(page)</p>")
        }
        #expect(runs.withLock { $0 } == 2, "once per swap, with and without an old site")
    }

    /// The swap exchanges the new site and the old one in one step: the old
    /// one is then where the retired site goes, the staging folder is gone;
    /// and when the old one cannot go there, nothing moves.
    @Test func theSwapExchangesTheSitesOrMovesNothing() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-exchange-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fileManager = FileManager.default
        let target = root.appendingPathComponent("site"), staging = root.appendingPathComponent(".site.building-1")
        let retired = root.appendingPathComponent(".site.old-1")
        func make(_ folder: URL, _ text: String) throws {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folder.appendingPathComponent("index.html"))
        }
        func text(_ folder: URL) -> String? { try? String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8) }
        try make(target, "old")
        try make(staging, "new")
        try SiteWriter.Staging.exchange(staging, into: target, retiring: retired)
        #expect(text(target) == "new" && text(retired) == "old" && !fileManager.fileExists(atPath: staging.path))

        // A folder in the retired site's place (a build of the same process number before): nothing moves.
        try make(staging, "newer")
        #expect(throws: (any Error).self) { try SiteWriter.Staging.exchange(staging, into: target, retiring: retired) }
        #expect(text(target) == "new" && text(staging) == "newer" && text(retired) == "old")
    }

    @Test func aPageOfTheToolsThatTheUserEditedIsStillTheTools() throws {
        let space = try workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build()
        let page = space.out.appendingPathComponent("index.html")
        let original = try Data(contentsOf: page)
        try Data("edited by hand".utf8).write(to: page)
        let again = try space.build()
        #expect(again.written?.kept == [])
        #expect(try Data(contentsOf: page) == original)
    }

    @Test func aUserFileWhereTheNewSiteNeedsOneStopsTheBuild() throws {
        let space = try workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build()
        // The user's file sits where a new postmortem's page will go: even with the very bytes the tool would write.
        let newPage = SitePaths.incidentPage(id: "NEW-1")
        try Data(frontMatter("id: NEW-1\ntitle: New\nstatus: draft").utf8).write(to: space.source.appendingPathComponent("new.md"))
        let fresh = Workspace(root: space.root, source: space.source, out: space.root.appendingPathComponent("fresh"))
        _ = try fresh.build()
        let pageBytes = try Data(contentsOf: fresh.out.appendingPathComponent(newPage))
        for bytes in [Data("my own page".utf8), pageBytes] {
            try bytes.write(to: space.out.appendingPathComponent(newPage))
            let before = try files(space.out)
            #expect {
                try space.build()
            } throws: { error in
                guard case let SiteWriter.Failure.userFileClash(paths) = error else { return false }
                return paths == [newPage] && "\(error)".contains("'\(newPage)'") && "\(error)".contains("previous site is unchanged")
            }
            #expect(try files(space.out) == before, "the previous site, the user's file with it, is unchanged")
            let beside = try FileManager.default.contentsOfDirectory(atPath: space.root.path).filter { $0.hasPrefix(".site.") }
            #expect(beside == [".site.postmortem-cache"], "no staging folder left")
        }
        // Moved away, the build goes on.
        try FileManager.default.removeItem(at: space.out.appendingPathComponent(newPage))
        #expect(try space.build().written != nil)
        #expect(try files(space.out) == files(fresh.out))
    }

    @Test func aKilledBuildLosesNoUserFile() throws {
        let space = try workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fileManager = FileManager.default
        _ = try space.build()
        let identity = try addUserFiles(to: space.out)
        // Killed between moving the old site aside and the new one in: the old site, the user's files with it, comes back.
        let retired = space.root.appendingPathComponent(".site.old-2147483600")
        try fileManager.moveItem(at: space.out, to: retired)
        SiteWriter.recover(space.out)
        try expectUserFilesUnchanged(in: space.out, identity)
        // Killed while carrying them into the staging folder: removing it removes links, never the files.
        let staging = space.root.appendingPathComponent(".site.building-2147483601")
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        #expect(FileIO.carry(space.out.appendingPathComponent("CNAME").path, staging.appendingPathComponent("CNAME").path))
        SiteWriter.recover(space.out)
        #expect(!fileManager.fileExists(atPath: staging.path))
        try expectUserFilesUnchanged(in: space.out, identity)
        // And the next build keeps them.
        #expect(try space.build(now: Self.now.addingTimeInterval(86_400)).written?.kept.count == 6)
        try expectUserFilesUnchanged(in: space.out, identity)
    }

    @Test func aSiteOfAnEarlierVersionKnowsItsFilesFromTheBuildRecord() throws {
        let space = try workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build()
        try Data("Written by Postmortem KB; this folder is replaced by each build.\n".utf8)
            .write(to: space.out.appendingPathComponent(SiteWriter.markerName))
        try Data("kb.example.com\n".utf8).write(to: space.out.appendingPathComponent("CNAME"))
        let result = try space.build(now: Self.now.addingTimeInterval(86_400))
        #expect(result.written?.kept == [SiteWriter.Kept(path: "CNAME", files: 1)])
        #expect(FileManager.default.contents(atPath: space.out.appendingPathComponent("CNAME").path) == Data("kb.example.com\n".utf8))
    }

    /// The versions whose marker lists no files wrote a JSON record
    /// (`build.json`, format 2); its list of files still tells the tool's
    /// files from the user's, though no build uses the record otherwise.
    @Test func theJSONRecordOfAnEarlierVersionStillNamesTheToolsFiles() throws {
        let space = try workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        _ = try space.build()
        let folder = BuildRecord.cacheFolder(of: space.out.path)
        let own = try #require(BuildRecord.read(from: space.out.path)).sitePaths
        // The site as such a version left it: a marker without a list, and its JSON record.
        try Data("Written by Postmortem KB; this folder is replaced by each build.\n".utf8)
            .write(to: space.out.appendingPathComponent(SiteWriter.markerName))
        try FileManager.default.removeItem(at: folder.appendingPathComponent(BuildRecord.file))
        let site = Dictionary(uniqueKeysWithValues: own.map { ($0, ["size": 1, "modified": 0, "inode": 0, "isRegularFile": true] as [String: Any]) })
        try JSONSerialization.data(withJSONObject: ["format": 2, "fingerprint": "postmortem-kb build 2", "site": site, "pageKeys": [:]])
            .write(to: folder.appendingPathComponent(BuildRecord.legacyFile))
        #expect(BuildRecord.read(from: space.out.path) == nil, "no record for the build to trust")
        #expect(BuildRecord.siteFiles(from: space.out.path) == own)
        try Data("kb.example.com\n".utf8).write(to: space.out.appendingPathComponent("CNAME"))
        let result = try space.build(now: Self.now.addingTimeInterval(86_400))
        #expect(result.written?.kept == [SiteWriter.Kept(path: "CNAME", files: 1)])
        #expect(FileManager.default.contents(atPath: space.out.appendingPathComponent("CNAME").path) == Data("kb.example.com\n".utf8))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(BuildRecord.legacyFile).path))
    }

    @Test func theMarkerListRoundTripsAnyName() {
        let names = ["index.html", "files/a b/ä.png", "back\\slash", "line\nbreak", "cr\rname", "trailing\\"]
        let text = String(decoding: SiteManifest.text(of: names), as: UTF8.self)
        #expect(text.hasPrefix(SiteManifest.header))
        #expect(text.contains("\nback\\\\slash\n") && text.contains("\nline\\nbreak\n") && text.contains("\ncr\\rname\n"))
        let listed = text.dropFirst(SiteManifest.header.count).split(separator: "\n").map { SiteManifest.unescape(String($0)) }
        #expect(Set(listed) == Set(names) && listed.count == names.count)
    }

    @Test func keptFilesAreNamedByTheirFolderWhenItHoldsNothingOfTheTools() {
        let kept = SiteManifest.grouped(["CNAME", "pdfs/a.pdf", "pdfs/sub/b.pdf", "incidents/x.txt", "incidents/mine/y.txt", "empty/", "empty/inner/"],
                                        own: ["index.html", "incidents/a.html"])
        #expect(kept == [
            SiteWriter.Kept(path: "CNAME", files: 1), SiteWriter.Kept(path: "empty/", files: 0),
            SiteWriter.Kept(path: "incidents/mine/", files: 1), SiteWriter.Kept(path: "incidents/x.txt", files: 1),
            SiteWriter.Kept(path: "pdfs/", files: 2),
        ])
        #expect(kept[0].note(in: "_site") == "_site/CNAME: note: not written by postmortem; kept in the new site as it is")
        #expect(kept[4].note(in: "out/") == "out/pdfs/: note: 2 files not written by postmortem; kept in the new site as they are")
    }
}
