import Foundation
import PostmortemKit
import Testing
@testable import PostmortemServer

/// A small knowledge base in a temporary folder: two postmortems, a configuration, and room for the site.
struct Workspace {
    let root: URL
    var source: URL { root.appendingPathComponent("postmortems") }
    var site: URL { root.appendingPathComponent("_site") }
    var configuration: URL { root.appendingPathComponent("postmortem.yml") }

    static let first = """
        ---
        id: INC-2026-001
        title: Reservations page blank after release
        date: 2026-03-02
        severity: SEV2
        services: [admin-panel]
        started_at: 2026-03-02T21:40
        resolved_at: 2026-03-02T23:10
        cause:
          category: release-bug
          key: n-plus-one
          summary: The list query ran once per row
        ---

        ## Summary

        The reservations page stayed blank for 90 minutes.

        """

    static let second = """
        ---
        id: INC-2026-002
        title: 予約メールが遅れた
        date: 2026-04-10
        severity: SEV3
        services: [mail]
        tags: [予約]
        duration: 2h
        cause:
          category: provider-outage
          key: mail-provider-delay
          summary: メール配信事業者の遅延
        ---

        ## 概要

        予約確認メールが最大2時間遅れた。

        """

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("postmortems"), withIntermediateDirectories: true)
        try write("postmortems/2026-03-02-reservations-blank.md", Self.first)
        try write("postmortems/2026-04-10-mail-delay.md", Self.second)
        try write("postmortem.yml", "title: Test KB\nlanguage: en\ntimezone: Asia/Tokyo\n")
    }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(path))
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    func options(port: UInt16 = 0) -> DevServer.Options {
        DevServer.Options(
            build: Build.Options(sourceFolder: source.path, outputFolder: site.path, configurationPath: configuration.path),
            fixedNow: Date(timeIntervalSince1970: 1_790_000_000), port: port, pollInterval: .milliseconds(40))
    }
}

@Suite(.serialized) struct DevServerTests {
    /// What the server told the terminal, build by build.
    final class Logs: @unchecked Sendable {
        private let lock = NSLock()
        private var logs: [DevServer.BuildLog] = []
        func append(_ log: DevServer.BuildLog) { lock.withLock { logs.append(log) } }
        var last: DevServer.BuildLog? { lock.withLock { logs.last } }
    }

    @Test func servesTheSiteThenRebuildsAndReloadsAfterAnEdit() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let logs = Logs()
        let server = DevServer(options: workspace.options(), report: logs.append)
        let port = try await server.start()
        #expect(port != 0)

        let page = try await RawHTTP.request(port, "/incidents/INC-2026-001.html")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("The reservations page stayed blank for 90 minutes."))
        #expect(page.body.contains("new EventSource(\"/__postmortem/events\")"), "the reload script is added to served pages")
        let written = try String(contentsOf: workspace.site.appendingPathComponent("incidents/INC-2026-001.html"), encoding: .utf8)
        #expect(!written.contains("EventSource"), "but never to the written site")

        var events = try await EventStream.open(port, path: "/__postmortem/events")
        try workspace.write("postmortems/2026-03-02-reservations-blank.md",
                            Workspace.first.replacingOccurrences(of: "for 90 minutes.", with: "for 90 minutes; a rollback fixed it."))
        try await events.waitFor("event: reload\ndata: built\n\n")
        let rebuilt = try await RawHTTP.request(port, "/incidents/INC-2026-001.html")
        #expect(rebuilt.body.contains("for 90 minutes; a rollback fixed it."))
        #expect(!rebuilt.body.contains("postmortem-serve-error"))
        // Only what changed: the edited file loaded again, and the pages that show it rendered.
        let summary = try #require(logs.last?.summary)
        let counts = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(summary.hasPrefix("Built ") && summary.contains(" rendered, ") && summary.contains("; 1 postmortem loaded again)"), "\(summary)")
        #expect(counts.count >= 2 && counts[1] < counts[0], "fewer pages rendered than built: \(summary)")

        // A new postmortem is picked up too, and a removed one goes.
        try workspace.write("postmortems/2026-05-01-new.md", Workspace.first
            .replacingOccurrences(of: "INC-2026-001", with: "INC-2026-003")
            .replacingOccurrences(of: "n-plus-one", with: "other-cause"))
        try await events.waitFor("event: reload\ndata: built\n\n")
        #expect(try await RawHTTP.request(port, "/incidents/INC-2026-003.html").status == 200)

        await server.stop()
        try await events.waitForEnd()
        events.close()
        await #expect(throws: (any Error).self) { _ = try await RawHTTP.request(port, "/") }
    }

    @Test func aBuildErrorShowsOverTheLastGoodSiteUntilFixed() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let server = DevServer(options: workspace.options())
        let port = try await server.start()
        var events = try await EventStream.open(port, path: "/__postmortem/events")

        let broken = Workspace.first.replacingOccurrences(of: "date: 2026-03-02", with: "date: <b>soon</b>")
        try workspace.write("postmortems/2026-03-02-reservations-blank.md", broken)
        try await events.waitFor("event: reload\ndata: failed\n\n")
        let page = try await RawHTTP.request(port, "/incidents/INC-2026-001.html")
        #expect(page.status == 200)
        #expect(page.body.contains("The reservations page stayed blank for 90 minutes."), "the last good page is still served")
        #expect(page.body.contains("id=\"postmortem-serve-error\""))
        // The overlay carries check's own text for the error, escaped.
        let check = try Check.run(folder: workspace.source.path,
                                  configurationFile: Check.configurationFile(path: workspace.configuration.path))
        let error = try #require(check.diagnostics.first { $0.severity == .error })
        let text = DiagnosticFormatter.text(error)
        #expect(text.hasPrefix("\(workspace.source.path)/2026-03-02-reservations-blank.md:4:7: error: "))
        #expect(page.body.contains(DevPages.escape(text)))
        #expect(page.body.contains("&lt;b&gt;soon&lt;/b&gt;") && !page.body.contains("<b>soon</b>"))
        let missing = try await RawHTTP.request(port, "/no-such-page.html")
        #expect(missing.status == 404 && missing.body.contains("id=\"postmortem-serve-error\""))

        try workspace.write("postmortems/2026-03-02-reservations-blank.md", Workspace.first)
        try await events.waitFor("event: reload\ndata: built\n\n")
        let fixed = try await RawHTTP.request(port, "/incidents/INC-2026-001.html")
        #expect(!fixed.body.contains("postmortem-serve-error"))
        events.close()
        await server.stop()
    }

    @Test func filesFoldersNotFoundAndNothingOutsideTheSite() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("secret.txt", "not for the browser\n")
        let server = DevServer(options: workspace.options())
        let port = try await server.start()
        defer { Task { await server.stop() } }

        let index = try await RawHTTP.request(port, "/")
        #expect(index.status == 200 && index.body.contains("Reservations page blank after release"))
        let folder = try await RawHTTP.request(port, "/causes")
        #expect(folder.status == 301 && folder.headers["location"] == "/causes/")
        let causes = try await RawHTTP.request(port, "/causes/")
        #expect(causes.status == 200 && causes.body.contains("href=\"n-plus-one.html\""), "\(causes.status) \(causes.body.suffix(3000))")
        let japanese = try await RawHTTP.request(port, "/tags/%E4%BA%88%E7%B4%84.html")
        #expect(japanese.status == 200 && japanese.body.contains("予約メールが遅れた"))
        let css = try await RawHTTP.request(port, "/assets/style.css")
        #expect(css.status == 200 && css.headers["content-type"] == "text/css; charset=utf-8" && !css.body.contains("EventSource"))
        #expect(try await RawHTTP.request(port, "/feed.xml").headers["content-type"] == "application/atom+xml; charset=utf-8")
        #expect(try await RawHTTP.request(port, "/data/incidents.json").headers["content-type"] == "application/json; charset=utf-8")
        let head = try await RawHTTP.request(port, "/index.html", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && Int(head.headers["content-length"] ?? "") ?? 0 > 1000)
        #expect(try await RawHTTP.request(port, "/index.html", method: "POST").status == 405)

        let notFound = try await RawHTTP.request(port, "/incidents/INC-9999.html")
        #expect(notFound.status == 404)
        #expect(notFound.body.contains("<code>/incidents/INC-9999.html</code>") && notFound.body.contains("EventSource"))
        for target in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/incidents/../../secret.txt",
                       "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/.postmortem-kb-site", "//etc/passwd"] {
            let response = try await RawHTTP.request(port, target)
            #expect(response.status == 404, "\(target)")
            #expect(!response.body.contains("not for the browser") && !response.body.contains("root:"), "\(target)")
        }
    }

    @Test func aTakenPortIsAClearError() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let first = DevServer(options: workspace.options())
        let port = try await first.start()
        let other = try Workspace()
        defer { other.remove() }
        await #expect {
            _ = try await DevServer(options: other.options(port: port)).start()
        } throws: { error in
            "\(error)".hasPrefix("cannot listen on 127.0.0.1:\(port): ")
        }
        await first.stop()
    }

    @Test func anOutputFolderBuildRefusesIsRefusedBeforeServing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("postmortems/notes.txt", "mine\n")
        var options = workspace.options()
        options.build.outputFolder = workspace.source.path
        await #expect(throws: SiteWriter.Failure.self) { _ = try await DevServer(options: options).start() }
        #expect(try String(contentsOf: workspace.source.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine\n")
    }
}

@Suite struct SiteFilesTests {
    @Test func resolvesFilesAndFoldersInsideTheSiteOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("causes"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: site.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: site.appendingPathComponent("causes/index.html"))
        try Data("x".utf8).write(to: site.appendingPathComponent("causes/接続プール.html"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
        try FileManager.default.createSymbolicLink(at: site.appendingPathComponent("escape.txt"),
                                                   withDestinationURL: root.appendingPathComponent("secret.txt"))
        let resolvedSite = site.resolvingSymlinksInPath()

        #expect(SiteFiles.resolve("/causes/", in: site) == .file(resolvedSite.appendingPathComponent("causes/index.html")))
        #expect(SiteFiles.resolve("/causes", in: site) == .redirect("/causes/"))
        #expect(SiteFiles.resolve("/causes/接続プール.html", in: site)
            == .file(resolvedSite.appendingPathComponent("causes/接続プール.html")))
        #expect(SiteFiles.resolve("/empty/", in: site) == .notFound, "a folder without index.html")
        #expect(SiteFiles.resolve("/escape.txt", in: site) == .notFound, "a symbolic link out of the site")
        for path in ["/../secret.txt", "/causes/../../secret.txt", "/./causes/index.html", "relative", "/.hidden"] {
            #expect(SiteFiles.resolve(path, in: site) == .notFound, "\(path)")
        }
    }

    @Test func contentTypes() {
        let cases = ["a.html": "text/html; charset=utf-8", "s.css": "text/css; charset=utf-8",
                     "f.js": "text/javascript; charset=utf-8", "feed.xml": "application/atom+xml; charset=utf-8",
                     "sitemap.xml": "application/xml; charset=utf-8", "d.csv": "text/csv; charset=utf-8",
                     "p.PNG": "image/png", "c.svg": "image/svg+xml", "x.bin": "application/octet-stream"]
        for (name, type) in cases {
            #expect(SiteFiles.contentType(URL(fileURLWithPath: "/site/\(name)")) == type, "\(name)")
        }
    }

    @Test func theOverlayAndTheScriptGoBeforeTheBodyEnds() {
        let page = DevPages.inject(into: "<html><body><p>x</p></BODY></html>", failure: "pm.md:1:1: error: <bad> & \"worse\"\n")
        #expect(page.hasPrefix("<html><body><p>x</p><div id=\"postmortem-serve-error\""))
        #expect(page.hasSuffix("</script></BODY></html>"))
        #expect(page.contains("pm.md:1:1: error: &lt;bad&gt; &amp; &quot;worse&quot;"))
        #expect(DevPages.inject(into: "<p>no body</p>", failure: nil) == "<p>no body</p>" + LiveReload.script)
        #expect(DevPages.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }

    @Test func theWatcherSeesAddedChangedAndRemovedFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let a = root.appendingPathComponent("a.md"), b = root.appendingPathComponent("b.md")
        try Data("a".utf8).write(to: a)
        let config = root.appendingPathComponent("missing.yml")
        let site = root.appendingPathComponent("_site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data("<p>".utf8).write(to: site.appendingPathComponent("index.html"))
        let watcher = SourceWatcher(folders: [root.path], files: [config.path], excluded: site.path)
        let before = watcher.snapshot()
        #expect(before.keys.sorted() == [a.path])
        try Data("b".utf8).write(to: b)
        try Data("aa".utf8).write(to: a)
        try Data("x: 1".utf8).write(to: config)
        try Data("hidden".utf8).write(to: root.appendingPathComponent(".a.md.swp"))
        let after = watcher.snapshot()
        #expect(SourceWatcher.changes(from: before, to: after) == [a.path, b.path, config.path].sorted())
        try FileManager.default.removeItem(at: b)
        #expect(SourceWatcher.changes(from: after, to: watcher.snapshot()) == [b.path])
        // The same size, the modification time set back (`touch -r`, `cp -p`): the change time tells.
        let settled = watcher.snapshot()
        // Past the file system clock's tick (a few milliseconds), or the change time could be the same.
        Thread.sleep(forTimeInterval: 0.05)
        var old = stat()
        #expect(stat(a.path, &old) == 0)
        try Data("ab".utf8).write(to: a)
        var times = [old.st_atim, old.st_mtim]
        #expect(utimensat(AT_FDCWD, a.path, &times, 0) == 0)
        let restored = watcher.snapshot()
        #expect(restored[a.path]?.size == settled[a.path]?.size && restored[a.path]?.modified == settled[a.path]?.modified)
        #expect(SourceWatcher.changes(from: settled, to: restored) == [a.path])
    }

    /// On Linux, inotify says when a watched folder (or one below it, once
    /// looked into) changed, so an idle `serve` does not list 10,000 files
    /// three times a second; the notices are read once.
    @Test func theWakeupHearsOfAChangeBelowTheWatchedFolders() throws {
        #if os(Linux)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-wakeup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("2024/03")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try Data("a".utf8).write(to: nested.appendingPathComponent("a.md"))
        let watcher = SourceWatcher(folders: [root.path], files: [], excluded: nil)
        let wakeup = try #require(SourceWatcher.Wakeup())
        let look = watcher.look()
        #expect(Set(look.folders) == [root.path, root.path + "/2024", root.path + "/2024/03"])
        wakeup.watch(look.folders)
        #expect(!wakeup.pending(), "nothing happened yet")
        try Data("b".utf8).write(to: nested.appendingPathComponent("a.md"))
        #expect(wakeup.pending(), "a file written two folders down")
        #expect(!wakeup.pending(), "each notice is read once")
        // A folder made after the look is heard of in its parent, and watched after the next look.
        let later = root.appendingPathComponent("2025")
        try FileManager.default.createDirectory(at: later, withIntermediateDirectories: true)
        #expect(wakeup.pending())
        wakeup.watch(watcher.look().folders)
        try Data("c".utf8).write(to: later.appendingPathComponent("c.md"))
        #expect(wakeup.pending())
        #endif
    }
}
