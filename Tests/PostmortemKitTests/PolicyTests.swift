import Foundation
import Testing
@testable import PostmortemKit

/// `policy:` in postmortem.yml: its loading and each rule as whole diagnostics.
@Suite struct PolicyTests {
    static let configurationText = """
        timezone: Asia/Tokyo
        policy:
          required_sections: [summary, root-cause, 再発防止策]
          required_fields:
            SEV1: [impact, detected_at, recurrence_fix.owner, recurrence_fix.due]
            SEV2: [recurrence_fix]
          max_draft_days: 14
          personal_data:
            allow: [misenavi.example]
        """

    var configuration: SiteConfiguration {
        ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: Self.configurationText)).configuration
    }

    /// The policy findings for files given as path → text.
    func findings(_ files: [(String, String)], now: String = "2024-06-01T00:00+09:00",
                  policy: ((inout Policy) -> Void)? = nil) -> [Diagnostic] {
        var configuration = configuration
        policy?(&configuration.policy)
        let load = LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: configuration)
        return PolicyCheck.run(load.postmortems, policy: configuration.policy, configuration: configuration,
                               texts: Dictionary(uniqueKeysWithValues: files), now: instant(now))
    }

    @Test func loadsEveryRule() {
        let loaded = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: Self.configurationText))
        #expect(loaded.diagnostics.isEmpty)
        let policy = loaded.configuration.policy
        #expect(policy.requiredSections == [.summary, .rootCause, .actionItems])
        #expect(policy.requiredFields == ["SEV1": ["impact", "detected_at", "recurrence_fix.owner", "recurrence_fix.due"],
                                          "SEV2": ["recurrence_fix"]])
        #expect(policy.maxDraftDays == 14)
        #expect(policy.personalData)
        #expect(policy.personalDataAllowedDomains == ["misenavi.example"])
        #expect(policy.reportAs == .warning)
    }

    @Test func mistakesInThePolicyAreLocated() {
        let loaded = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: """
            policy:
              required_sections: [root-cuase]
              required_fields:
                SEV9: [impact]
                SEV1: [recurrence_fix.owners]
              max_draft_days: soon
              report_as: fatal
              personal: true
            """))
        #expect(loaded.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.severity.rawValue): \($0.message)" } == [
            "8:3 warning: unknown key 'personal' in 'policy'",
            "2:23 error: unknown section 'root-cuase'",
            "4:5 error: unknown severity 'SEV9' in policy.required_fields",
            "5:12 error: unknown field 'recurrence_fix.owners' in policy.required_fields",
            "6:19 error: 'policy.max_draft_days' must be a whole number of days, not 'soon'",
            "7:14 error: 'policy.report_as' must be one of warning, error, not 'fatal'",
        ])
        #expect(loaded.diagnostics.dropFirst().first?.notes == ["did you mean 'root-cause'?"])
    }

    @Test func requiredSectionsInEnglishAndJapanese() {
        let complete = frontMatter("id: A\nstatus: published", body: """
            # A
            ## 概要
            x
            ## Root cause
            y
            ## 再発防止策
            z
            """)
        let missing = frontMatter("id: B\nstatus: review", body: "# B\n\n## Summary\n\nx\n")
        let draft = frontMatter("id: C\nstatus: draft\ndate: 2024-05-30", body: "# C\n")
        #expect(findings([("a.md", complete), ("b.md", missing), ("c.md", draft)]) == [
            diagnostic(.warning, .policyRequiredSection, 5, 1, "no 'root-cause', 'action-items' sections (policy.required_sections)",
                       notes: ["add a heading such as '## Root cause' (## 根本原因), '## Action items' (## 再発防止策)"], file: "b.md"),
        ])
    }

    @Test func requiredFieldsBySeverity() {
        let body = "# T\n## Summary\nx\n## Root cause\ny\n## Action items\nz\n"
        let sev1 = frontMatter("""
            id: A
            severity: SEV1
            started_at: 2024-05-01T10:00
            recurrence_fix:
              - title: Add an index
                owner: tanaka
                due: 2024-05-20
              - title: Alert on queue length
              - title: Write the runbook
                owner: sato
                status: done
            """, body: body)
        let sev2 = frontMatter("id: B\nseverity: SEV2", body: body)
        let sev3 = frontMatter("id: C\nseverity: SEV3", body: body)
        #expect(findings([("a.md", sev1), ("b.md", sev2), ("c.md", sev3)]) == [
            diagnostic(.warning, .policyRequiredField, 3, 11, "SEV1 postmortems must give 'impact', 'detected_at' (policy.required_fields)",
                       source: "severity: SEV1", file: "a.md"),
            diagnostic(.warning, .policyRequiredField, 6, 3,
                       "SEV1 postmortems need an owner on every recurrence_fix item; 1 of 3 have none: 'Alert on queue length'",
                       notes: ["policy.required_fields.SEV1 lists 'recurrence_fix.owner'"], source: "  - title: Add an index", file: "a.md"),
            diagnostic(.warning, .policyRequiredField, 6, 3,
                       "SEV1 postmortems need a due date on every recurrence_fix item; 1 of 3 have none: 'Alert on queue length'",
                       notes: ["policy.required_fields.SEV1 lists 'recurrence_fix.due'"], source: "  - title: Add an index", file: "a.md"),
            diagnostic(.warning, .policyRequiredField, 3, 11, "SEV2 postmortems must give 'recurrence_fix' (policy.required_fields)",
                       source: "severity: SEV2", file: "b.md"),
        ])
    }

    @Test func draftAgeAgainstNowInTheSiteZone() {
        let body = "# T\n## Summary\nx\n## Root cause\ny\n## Action items\nz\n"
        let old = frontMatter("id: A\nstatus: draft\ndate: 2024-05-17", body: body)
        let fresh = frontMatter("id: B\nstatus: draft\ndate: 2024-05-18", body: body)
        let published = frontMatter("id: C\nstatus: published\ndate: 2020-01-01", body: body)
        // 2024-05-31T15:30Z is already 2024-06-01 in Tokyo: 15 days after the 17th, 14 after the 18th.
        #expect(findings([("a.md", old), ("b.md", fresh), ("c.md", published)], now: "2024-05-31T15:30Z") == [
            diagnostic(.warning, .policyDraftAge, 3, 9,
                       "still a draft 15 days after the incident (2024-05-17); policy.max_draft_days allows 14",
                       notes: ["finish it and set 'status: review' or 'status: published'"], source: "status: draft", file: "a.md"),
        ])
        let asErrors = findings([("a.md", old)], now: "2024-05-31T15:30Z") { $0.reportAs = .error }
        #expect(asErrors.map(\.severity) == [.error])
    }

    @Test func personalDataWithJapaneseAndInternationalFormats() {
        let text = frontMatter("id: A\nstatus: draft\nimpact: お客様 taro.yamada@gmail.com から問い合わせ", body: """
            # T
            携帯 090-1234-5678 と固定 03-1234-5678、09012345678 にも電話した。
            Caller: +81 90-1234-5678, (415) 555-0100 and 415-555-0199.
            Mail oncall@misenavi.example or someone@example.com, see `git@github.com:org/repo`.
            全角で ０９０－１２３４－５６７８ と書かれていた。
            """)
        let found = findings([("a.md", text)])
        #expect(found.map { "\($0.location.line):\($0.location.column) \($0.message)" } == [
            "4:13 this looks like an end user's e-mail address ('taro.•••••••••••l.com'); postmortems must not carry personal data",
            "7:4 this looks like an end user's phone number ('090•••••••678'); postmortems must not carry personal data",
            "7:22 this looks like an end user's phone number ('03-••••••678'); postmortems must not carry personal data",
            "7:35 this looks like an end user's phone number ('09•••••••78'); postmortems must not carry personal data",
            "8:9 this looks like an end user's phone number ('+81 ••••••••5678'); postmortems must not carry personal data",
            "8:27 this looks like an end user's phone number ('(41••••••••100'); postmortems must not carry personal data",
            "8:46 this looks like an end user's phone number ('415••••••199'); postmortems must not carry personal data",
            "10:5 this looks like an end user's phone number ('０９０•••••••６７８'); postmortems must not carry personal data",
        ])
        #expect(found.first?.sourceLine == "impact: お客様 taro.yamada@gmail.com から問い合わせ")
        #expect(found.allSatisfy { $0.code == .policyPersonalData && $0.severity == .warning })
    }

    @Test func noPersonalDataInNumbersThatAreNotPhones() {
        let text = frontMatter("id: A\nstarted_at: 2024-03-02T21:40+09:00\nresolved_at: 2024-03-02T23:10+09:00", body: """
            # T
            INC-2024-001 at 2024-03-02 10:05, v2.31.0, 10.0.0.1:5432, 1,200店舗, 約 2 時間, +09:00.
            Request 123e4567-e89b-12d3-a456-426614174000 took 1234567890 ns; ticket OPS-1234-5678.
            Order 0000-0000-0000 and build 2024-0302-1234; 07:30-08:45; 0.5-1.5-2.0.
            """)
        #expect(findings([("a.md", text)]).filter { $0.code == .policyPersonalData } == [])
    }

    @Test func policyRunsInCheckAndItsExitStatus() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try frontMatter("id: A\nstatus: draft\ndate: 2024-01-01", body: "# A\n## Summary\n")
            .write(to: root.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        let config = SourceFile(path: "postmortem.yml", text: "policy: {max_draft_days: 30}\n")
        let report = try Check.run(folder: root.path, configurationFile: config, now: instant("2024-03-01T00:00Z"))
        #expect(report.diagnostics.filter { $0.code == .policyDraftAge }.map(\.message)
            == ["still a draft 60 days after the incident (2024-01-01); policy.max_draft_days allows 30"])
        #expect(CheckOutput.exitStatus(report, strict: false) == 0)
        #expect(CheckOutput.exitStatus(report, strict: true) == 1)
        let early = try Check.run(folder: root.path, configurationFile: config, now: instant("2024-01-20T00:00Z"))
        #expect(early.diagnostics.allSatisfy { $0.code != .policyDraftAge })
    }
}
