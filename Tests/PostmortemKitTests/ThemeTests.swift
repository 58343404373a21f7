import Foundation
import Testing
@testable import PostmortemKit

@Suite struct ThemeTests {
    /// The theme built into the tool is site-templates/ as it is now: run
    /// scripts/embed-theme after changing the folder.
    @Test func builtInThemeMatchesSiteTemplates() throws {
        let folder = packageRoot.appendingPathComponent("site-templates")
        var onDisk: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            onDisk[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        #expect(Set(onDisk.keys) == Set(Theme.builtIn.files.keys), "run scripts/embed-theme")
        for (path, text) in onDisk { #expect(Theme.builtIn.files[path] == text, "\(path) changed: run scripts/embed-theme") }
    }

    @Test func aFolderReplacesFilesOneByOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("assets"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("body { color: red; }\n".utf8).write(to: folder.appendingPathComponent("assets/style.css"))
        let theme = try Theme.load(overrides: folder.path)
        #expect(theme.files["assets/style.css"] == "body { color: red; }\n")
        #expect(theme.files["index.mustache"] == Theme.builtIn.files["index.mustache"])
    }

    @Test func aBrokenTemplateIsAClearError() throws {
        var theme = Theme.builtIn
        theme.files["index.mustache"] = "{{#incidents}}never closed"
        #expect(throws: Theme.Failure.self) { try theme.library() }
    }

    /// Four incidents of one cause and service, each related to the others.
    static let poolIncidents: [Postmortem] = {
        let files = (1...4).map { n in
            SourceFile(path: "p\(n).md", text: frontMatter("""
                id: P\(n)
                title: Pool exhausted \(n)
                severity: SEV\(n % 2 + 1)
                started_at: 2024-01-0\(n)T10:00Z
                services: [api]
                cause: {key: pool}
                """))
        }
        return LoadStage.load(files, configuration: .default).postmortems
    }()

    /// Every file of the site of `poolIncidents` with `theme`.
    static func site(_ theme: Theme) throws -> [String: [UInt8]] {
        try SiteRenderer.render(poolIncidents, configuration: .default, theme: theme, sourceFolder: "/tmp",
                                now: instant("2024-02-01T00:00Z")).files
    }

    /// Related and similar entries show their incident's head as
    /// `partials/connection` renders it once per incident; a theme can
    /// replace the partial, and an incident template that still writes the
    /// head inline (the values are on the entry too) gives the same page.
    @Test func connectionHeadsComeFromTheirPartial() throws {
        func page(_ theme: Theme) throws -> String {
            String(decoding: try Self.site(theme)["incidents/P1.html"] ?? [], as: UTF8.self)
        }
        let builtIn = try page(.builtIn)
        #expect(builtIn.contains(#"<a class="connection-title" href="P2.html">Pool exhausted 2</a>"#
            + "\n" + #"<span class="connection-meta"><span class="badge sev-sev1">SEV1</span> <time datetime="2024-01-02">2024-01-02</time> <span class="connection-id">P2</span></span>"#))

        var replaced = Theme.builtIn
        replaced.files["partials/connection.mustache"] = "<b>{{id}} · {{t.nearMiss}}</b>\n"
        let custom = try page(replaced)
        for id in ["P2", "P3", "P4"] { #expect(custom.contains("<li class=\"connection\">\n<b>\(id) · near miss</b>\n<ul class=\"reasons\">")) }
        #expect(!custom.contains("connection-title"))

        var inline = Theme.builtIn
        let head = try #require(Theme.builtIn.files["partials/connection.mustache"])
        inline.files["incident.mustache"] = Theme.builtIn.files["incident.mustache"]?.replacingOccurrences(of: "{{{head}}}\n", with: head)
        #expect(try page(inline) == builtIn)
    }

    /// The site's header and footer (once per folder and navigation entry)
    /// and the reasons of related and similar entries (once per distinct
    /// list) come from their partials; a theme can replace them, and a
    /// layout or incident template that still writes them inline (their
    /// values are on every page and entry) makes the same site.
    @Test func headerFooterAndReasonsComeFromTheirPartials() throws {
        let builtIn = try Self.site(.builtIn)
        let incident = String(decoding: builtIn["incidents/P1.html"] ?? [], as: UTF8.self)
        #expect(incident.contains(##"<a class="skip" href="#main">"##) && incident.contains(#"<footer class="site-footer">"#))
        #expect(incident.contains(#"<li><a href="../index.html" aria-current="page">"#))
        #expect(incident.contains(#"<ul class="reasons"><li class="reason reason-strong">"#))

        var inline = Theme.builtIn
        let header = try #require(Theme.builtIn.files["partials/site-header.mustache"])
        let footer = try #require(Theme.builtIn.files["partials/site-footer.mustache"])
        let reasons = try #require(Theme.builtIn.files["partials/reasons.mustache"])
        inline.files["layout.mustache"] = Theme.builtIn.files["layout.mustache"]?
            .replacingOccurrences(of: "{{{siteHeader}}}\n", with: header).replacingOccurrences(of: "{{{siteFooter}}}\n", with: footer)
        inline.files["incident.mustache"] = Theme.builtIn.files["incident.mustache"]?
            .replacingOccurrences(of: "{{{reasonList}}}\n", with: reasons)
        #expect(inline.files["layout.mustache"] != Theme.builtIn.files["layout.mustache"])
        #expect(try Self.site(inline) == builtIn)

        var replaced = Theme.builtIn
        replaced.files["partials/site-footer.mustache"] = "<footer>custom {{root}}x</footer>\n"
        let custom = try Self.site(replaced)
        #expect(String(decoding: custom["index.html"] ?? [], as: UTF8.self).contains("<footer>custom x</footer>\n</body>"))
        #expect(String(decoding: custom["incidents/P1.html"] ?? [], as: UTF8.self).contains("<footer>custom ../x</footer>\n</body>"))
    }
}
