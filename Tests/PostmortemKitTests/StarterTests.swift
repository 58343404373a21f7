import Foundation
import Testing
@testable import PostmortemKit

/// `postmortem init`: what it writes is clean, it never overwrites, and the
/// result builds.
@Suite struct StarterTests {
    func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-init-\(UUID().uuidString)")
    }

    @Test(arguments: Language.allCases)
    func exampleAndConfigurationLoadWithoutAProblem(language: Language) throws {
        let files = Dictionary(uniqueKeysWithValues: Starter.files(
            Starter.Options(folder: ".", language: language, copyTheme: false)).map { ($0.path, $0.text) })
        #expect(files.count == 2)
        let configuration = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: try #require(files["postmortem.yml"])))
        #expect(configuration.diagnostics.isEmpty, "\(configuration.diagnostics.map(DiagnosticFormatter.text).joined())")
        #expect(configuration.configuration.language == language)
        let (path, text) = try #require(files.first { $0.key.hasPrefix("postmortems/") })
        let loaded = load(text, path: path, configuration: configuration.configuration)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(DiagnosticFormatter.text).joined())")
        let pm = try #require(loaded.postmortem)
        // A worked example: every part of the front matter shows, so a new team sees what each field does.
        #expect(pm.status == .published && pm.severity == "SEV2" && pm.services.count == 2)
        #expect(pm.timings.recover?.minutes == 85)
        #expect(pm.causes.map(\.key) == ["missing-db-migration"])
        #expect(pm.recurrenceFix.map(\.status) == [.inProgress, .done])
        #expect(pm.body.html.contains("<table>") && pm.body.tasks.count == 2)
    }

    @Test func writesTheFilesThenRefusesToOverwriteThem() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let options = Starter.Options(folder: folder.appendingPathComponent("kb").path, language: .ja, copyTheme: true)
        let written = try Starter.run(options)
        #expect(written.count == 2 + Theme.builtIn.files.count)
        let config = folder.appendingPathComponent("kb/postmortem.yml")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("kb/site-templates/layout.mustache").path))

        try Data("title: mine\n".utf8).write(to: config)
        let example = try #require(written.first { $0.contains("/postmortems/") })
        try FileManager.default.removeItem(atPath: example)
        #expect {
            try Starter.run(options)
        } throws: { error in
            guard case let .exists(paths) = error as? Starter.Failure else { return false }
            return paths.contains(config.path) && !paths.contains(example)
        }
        #expect(try String(contentsOf: config, encoding: .utf8) == "title: mine\n", "the user's file is untouched")
        #expect(!FileManager.default.fileExists(atPath: example), "nothing was written, not even the missing file")
    }

    @Test func theNewKnowledgeBaseBuilds() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Starter.run(Starter.Options(folder: folder.path, language: .en, copyTheme: false))
        let result = try Build.run(Build.Options(
            sourceFolder: folder.appendingPathComponent("postmortems").path,
            outputFolder: folder.appendingPathComponent("_site").path,
            configurationPath: folder.appendingPathComponent("postmortem.yml").path,
            templatesFolder: nil, now: Date(timeIntervalSince1970: 1_764_547_200)))
        #expect(result.check.errorCount == 0 && result.check.warningCount == 0)
        let page = folder.appendingPathComponent("_site/incidents/INC-2024-001.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("Checkout failed for 40 minutes after the 3.8 release"))
    }
}
