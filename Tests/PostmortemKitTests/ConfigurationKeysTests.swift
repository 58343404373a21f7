import Foundation
import Testing
@testable import PostmortemKit

/// The keys of postmortem.yml that reach behaviour: services with owners,
/// severity colours, the output folder; unknown keys and a missing file.
@Suite struct ConfigurationKeysTests {
    func loadConfiguration(_ text: String) -> ConfigurationLoader.Loaded {
        ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: text))
    }

    @Test func servicesWithLabelsAndOwners() {
        let loaded = loadConfiguration("""
            services:
              - id: admin-panel
                label: {en: Admin panel, ja: 管理画面}
                owner: team-admin
              - reservations
              - id: Admin-Panel
            """)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.configuration.services == [
            ServiceDefinition(id: "admin-panel", label: LocalizedText(en: "Admin panel", ja: "管理画面"), owner: "team-admin"),
            ServiceDefinition(id: "reservations"),
        ])
        #expect(loaded.configuration.service("ADMIN-PANEL")?.owner == "team-admin")
        #expect(loaded.configuration.service("payments") == nil)
    }

    @Test func unknownKeysAreWarningsAtTheirLine() {
        let loaded = loadConfiguration("""
            title: KB
            ouput: public
            services:
              - id: admin-panel
                owners: team-admin
            """)
        #expect(loaded.diagnostics == [
            diagnostic(.warning, .unknownKey, 2, 1, "unknown key 'ouput' in postmortem.yml",
                       notes: ["did you mean 'output'?"], source: "ouput: public", file: "postmortem.yml"),
            diagnostic(.warning, .unknownKey, 5, 5, "unknown key 'owners' in a service",
                       notes: ["did you mean 'owner'?"], source: "    owners: team-admin", file: "postmortem.yml"),
        ])
        #expect(loaded.configuration.title == "KB")
        #expect(loaded.configuration.outputFolder == nil)
    }

    @Test func outputFolderAndItsMistakes() {
        #expect(loadConfiguration("output: public\n").configuration.outputFolder == "public")
        #expect(loadConfiguration("output: \"  \"\n").configuration.outputFolder == nil)
        let list = loadConfiguration("output: [a, b]\n")
        #expect(list.configuration.outputFolder == nil)
        #expect(list.diagnostics.map(\.message) == ["'output' must be text, not a list"])
    }

    @Test func severityColoursAreCheckedAndReachTheTheme() throws {
        let loaded = loadConfiguration("""
            severity_levels:
              - {id: P1, color: "#b00020"}
              - {id: P2, color: "red; } body { display: none"}
              - {id: P3, color: "rgb(10, 20, 30)"}
              - P4
            """)
        #expect(loaded.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.message)" }
            == ["3:21 'red; } body { display: none' is not a colour the theme can use"])
        let levels = loaded.configuration.severityLevels
        #expect(levels.map(\.color) == ["#b00020", nil, "rgb(10, 20, 30)", nil])
        #expect(PageContext.severityStyle(levels)
            == ":root { --sev1: #b00020; --sev1-bg: color-mix(in srgb, #b00020 16%, transparent); "
            + "--sev3: rgb(10, 20, 30); --sev3-bg: color-mix(in srgb, rgb(10, 20, 30) 16%, transparent); }")
        #expect(PageContext.severityStyle(SeverityLevel.defaults) == nil)
        // Levels get the theme's colours by position, whatever their ids.
        #expect(PageContext.severityClass("p2", levels: levels) == "sev2")
        #expect(PageContext.severityClass("SEV1", levels: levels) == "other")
        #expect(PageContext.severityClass("SEV3") == "sev3")

        var configuration = loaded.configuration
        configuration.services = [ServiceDefinition(id: "admin-panel", label: LocalizedText(en: "Admin panel", ja: "管理画面"),
                                                    owner: "team-admin")]
        let incident = try #require(postmortem(
            frontMatter("id: A\nseverity: P1\nservices: [admin-panel]\nstarted_at: 2024-05-01T10:00Z\nresolved_at: 2024-05-01T11:00Z"),
            configuration: configuration))
        let plan = try SiteRenderer.render([incident], configuration: configuration, theme: .builtIn, sourceFolder: "/tmp",
                                           now: instant("2024-06-01T00:00Z"))
        let index = String(decoding: plan.files["index.html"] ?? [], as: UTF8.self)
        #expect(index.contains("<style>:root { --sev1: #b00020;"))
        #expect(index.contains(#"<span class="badge sev-sev1">P1</span>"#))
        let service = String(decoding: plan.files["services/admin-panel.html"] ?? [], as: UTF8.self)
        #expect(service.contains("<h1>Admin panel</h1>"))
        #expect(service.contains("<div class=\"figure\"><dt>Owner</dt><dd>team-admin</dd></div>"))
    }

    /// The example at the top of docs/configuration.md loads without a diagnostic, every key read.
    @Test func documentedExampleLoadsCleanly() throws {
        let doc = try String(contentsOf: packageRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "```yaml\n"))
        let end = try #require(doc.range(of: "\n```", range: start.upperBound..<doc.endIndex))
        let loaded = loadConfiguration(String(doc[start.upperBound..<end.lowerBound]))
        #expect(loaded.diagnostics.isEmpty)
        let configuration = loaded.configuration
        #expect(configuration.outputFolder == "public")
        #expect(configuration.service("admin-panel")?.owner == "team-store-admin")
        #expect(configuration.policy.requiredFields["SEV1"]?.count == 4)
        #expect(configuration.policy.personalDataAllowedDomains == ["misenavi.example"])
        #expect(configuration.severityLevels.first?.color == "#b00020")
        #expect(Set(ConfigurationLoader.keys).isSuperset(of: ["output", "services", "policy"]))
    }

    @Test func missingFileMeansDefaults() throws {
        #expect(try Check.configurationFile(path: nil) == nil || FileManager.default.fileExists(atPath: "postmortem.yml"))
        #expect(throws: SourceDiscovery.Failure.self) { try Check.configurationFile(path: "/nonexistent/postmortem.yml") }
        let report = try Check.run(folder: packageRoot.appendingPathComponent("Tests/PostmortemKitTests/Fixtures/valid").path,
                                   configurationFile: nil)
        #expect(report.configuration.title == "Postmortems")
        #expect(report.configuration.timeZoneName == "UTC")
        #expect(report.configuration.outputFolder == nil)
        #expect(report.configuration.services.isEmpty)
    }

    @Test func outputFolderComesFromTheConfigurationFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let config = root.appendingPathComponent("postmortem.yml")
        try "output: public\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(ConfigurationLoader.outputFolder(configurationPath: config.path) == "public")
        try "title: KB\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(ConfigurationLoader.outputFolder(configurationPath: config.path) == "_site")
        #expect(ConfigurationLoader.outputFolder(configurationPath: root.appendingPathComponent("missing.yml").path) == "_site")
    }
}
