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
}
