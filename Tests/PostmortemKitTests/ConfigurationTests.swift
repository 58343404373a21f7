import Testing
@testable import PostmortemKit

@Suite struct ConfigurationTests {
    func loadConfiguration(_ text: String) -> ConfigurationLoader.Loaded {
        ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: text))
    }

    @Test func fullConfiguration() {
        let loaded = loadConfiguration("""
            title: ミセナビ 障害ナレッジベース
            description: Postmortems of MiseNavi
            base_url: https://kb.example.jp/
            language: ja
            timezone: Asia/Tokyo
            severity_levels:
              - id: P1
                label: {en: Outage, ja: 全面停止}
                color: "#b00020"
              - P2
            cause_categories:
              - release-bug
              - id: vendor
                label: {en: Vendor, ja: 委託先}
            """)
        #expect(loaded.diagnostics.isEmpty)
        let configuration = loaded.configuration
        #expect(configuration.title == "ミセナビ 障害ナレッジベース")
        #expect(configuration.description == "Postmortems of MiseNavi")
        #expect(configuration.baseURL == "https://kb.example.jp/")
        #expect(configuration.language == .ja)
        #expect(configuration.timeZoneName == "Asia/Tokyo")
        #expect(configuration.timeZone.identifier == "Asia/Tokyo")
        #expect(configuration.severityLevels == [
            SeverityLevel(id: "P1", label: LocalizedText(en: "Outage", ja: "全面停止"), color: "#b00020"),
            SeverityLevel(id: "P2", label: LocalizedText(en: "P2", ja: "P2")),
        ])
        #expect(configuration.causeCategories == [
            CauseCategory.defaults[0],
            CauseCategory(id: "vendor", label: LocalizedText(en: "Vendor", ja: "委託先")),
        ])
    }

    @Test func defaultsWhenEmpty() {
        let loaded = loadConfiguration("")
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.configuration.timeZoneName == "UTC")
        #expect(loaded.configuration.severityLevels.map(\.id) == ["SEV1", "SEV2", "SEV3", "SEV4"])
        #expect(loaded.configuration.causeCategories.map(\.id) == [
            "release-bug", "human-error", "traffic-overload", "attack", "provider-outage", "power-or-disaster",
            "config-change", "dependency-failure", "hardware", "capacity", "unknown",
        ])
    }

    @Test func mistakesGetTheSameDiagnostics() {
        let loaded = loadConfiguration("titel: x\ntimezone: Asia/Tokio\nlanguage: fr\n")
        #expect(loaded.diagnostics == [
            diagnostic(.warning, .unknownKey, 1, 1, "unknown key 'titel' in postmortem.yml",
                       notes: ["did you mean 'title'?"], source: "titel: x", file: "postmortem.yml"),
            diagnostic(.error, .configInvalid, 2, 11, "unknown time zone 'Asia/Tokio'",
                       notes: ["use an IANA name such as Asia/Tokyo, Europe/Berlin or UTC"],
                       source: "timezone: Asia/Tokio", file: "postmortem.yml"),
            diagnostic(.error, .invalidValue, 3, 11, "'language' must be one of en, ja, not 'fr'",
                       source: "language: fr", file: "postmortem.yml"),
        ])
        #expect(loaded.configuration.timeZoneName == "UTC")
    }

    @Test func listsOfLevelsAndCategoriesAreChecked() {
        let loaded = loadConfiguration("severity_levels: SEV1\ncause_categories:\n  - label: x\n  - id: vendor\n    colour: red\n")
        #expect(loaded.diagnostics == [
            diagnostic(.error, .wrongType, 1, 18, "'severity_levels' must be a list, not text",
                       source: "severity_levels: SEV1", file: "postmortem.yml"),
            diagnostic(.error, .configInvalid, 3, 5, "a cause category needs an 'id' (e.g. release-bug)",
                       source: "  - label: x", file: "postmortem.yml"),
            diagnostic(.warning, .unknownKey, 5, 5, "unknown key 'colour' in a cause category",
                       notes: ["known keys: id, label"], source: "    colour: red", file: "postmortem.yml"),
        ])
        #expect(loaded.configuration.severityLevels == SeverityLevel.defaults)
        #expect(loaded.configuration.causeCategories == [CauseCategory(id: "vendor", label: LocalizedText(en: "vendor", ja: "vendor"))])
    }

    @Test func markdownSwitches() {
        let loaded = loadConfiguration("markdown:\n  unsafe_html: true\n  smart_punctuation: yes\n")
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.configuration.unsafeHTML && loaded.configuration.smartPunctuation)
        var configuration = SiteConfiguration.default
        let body = "Text with <b>raw</b> HTML -- \"quoted\".\n"
        #expect(postmortem(frontMatter("status: draft", body: body), configuration: configuration)?.body.html
            == "<p>Text with <!-- raw HTML omitted -->raw<!-- raw HTML omitted --> HTML -- &quot;quoted&quot;.</p>\n")
        configuration.unsafeHTML = true
        configuration.smartPunctuation = true
        #expect(postmortem(frontMatter("status: draft", body: body), configuration: configuration)?.body.html
            == "<p>Text with <b>raw</b> HTML – “quoted”.</p>\n")
    }

    @Test func yamlErrorInConfiguration() {
        #expect(loadConfiguration("title: [unclosed\n").diagnostics.map(\.code) == [.yamlSyntax])
    }

    @Test func configuredTimeZoneReachesPostmortems() {
        var configuration = SiteConfiguration.default
        let known = configuration.setTimeZone(named: "America/New_York")
        let unknown = configuration.setTimeZone(named: "Mars/Olympus")
        #expect(known && !unknown)
        #expect(configuration.timeZoneName == "America/New_York")
        let summer = postmortem(frontMatter("started_at: 2024-07-01 09:00\nresolved_at: 2024-07-01 10:00"),
                                configuration: configuration)
        #expect(summer?.milestones.startedAt == instant("2024-07-01T13:00Z"))  // EDT, UTC-4
        let winter = postmortem(frontMatter("started_at: 2024-01-15 09:00"), configuration: configuration)
        #expect(winter?.milestones.startedAt == instant("2024-01-15T14:00Z"))  // EST, UTC-5
        // 02:30 on 2024-03-10 does not exist in New York (clocks jump to 03:00),
        // 01:30 on 2024-11-03 exists twice: both load, neither is an error.
        #expect(problems(frontMatter("started_at: 2024-03-10 02:30\nresolved_at: 2024-03-10 04:00"),
                         configuration: configuration).isEmpty)
        #expect(problems(frontMatter("started_at: 2024-11-03 01:30\nresolved_at: 2024-11-03 03:00"),
                         configuration: configuration).isEmpty)
    }
}
