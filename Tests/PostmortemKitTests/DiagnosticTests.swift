import Foundation
import Testing
@testable import PostmortemKit

/// Each problem has its own message at the right line and column; the tests
/// compare whole diagnostics.
@Suite struct DiagnosticTests {
    @Test func yamlSyntaxErrorWithHint() {
        #expect(problems(frontMatter("title: Outage: DB down")) == [
            diagnostic(.error, .yamlSyntax, 2, 14, "YAML syntax error: mapping values are not allowed in this context",
                       notes: ["a value holding ': ' must be quoted, e.g. title: \"Outage: DB down\""],
                       source: "title: Outage: DB down"),
        ])
    }

    @Test func unclosedFlowListPointsAtTheEndWithContext() {
        #expect(problems(frontMatter("title: x\ntags: [a, b")) == [
            diagnostic(.error, .yamlSyntax, 4, 1, "YAML syntax error: did not find expected ',' or ']'",
                       notes: ["while parsing a flow sequence at line 3"], source: "---"),
        ])
    }

    @Test func wrongType() {
        #expect(problems(frontMatter("title: x\nseverity: [1,2]")) == [
            diagnostic(.error, .wrongType, 3, 11, "'severity' must be text, not a list", source: "severity: [1,2]"),
        ])
        #expect(problems(frontMatter("services:\n  owner: x")) == [
            diagnostic(.error, .wrongType, 3, 3, "'services' must be a list or text, not a mapping", source: "  owner: x"),
        ])
    }

    @Test func frontMatterMustBeAMapping() {
        #expect(problems(frontMatter("- a\n- b")) == [
            diagnostic(.error, .frontMatterNotMapping, 2, 1, "front matter must be 'key: value' lines, not a list",
                       notes: ["see docs/front-matter.md for the fields"], source: "- a"),
        ])
    }

    @Test func resolvedBeforeStarted() {
        #expect(problems(frontMatter("started_at: 2024-03-02T22:10+09:00\nresolved_at: 2024-03-02T21:00+09:00")) == [
            diagnostic(.error, .milestoneOrder, 3, 14,
                       "'resolved_at' (2024-03-02T21:00+09:00) is before 'started_at' (2024-03-02T22:10+09:00)",
                       notes: ["milestones go in the order started_at, detected_at, mitigated_at, resolved_at; times without an offset are in UTC"],
                       source: "resolved_at: 2024-03-02T21:00+09:00"),
        ])
    }

    @Test func detectedBeforeStartedInTokyo() {
        #expect(problems(frontMatter("detected_at: 2024-03-02 21:00\nstarted_at: 2024-03-02 21:30"), configuration: tokyo) == [
            diagnostic(.error, .milestoneOrder, 2, 14,
                       "'detected_at' (2024-03-02 21:00) is before 'started_at' (2024-03-02 21:30)",
                       notes: ["milestones go in the order started_at, detected_at, mitigated_at, resolved_at; times without an offset are in Asia/Tokyo"],
                       source: "detected_at: 2024-03-02 21:00"),
        ])
    }

    @Test func impossibleDueDate() {
        #expect(problems(frontMatter("recurrence_fix:\n  - title: a\n    due: 2024-02-30")) == [
            diagnostic(.error, .invalidValue, 4, 10, "'due' is not a real date: '2024-02-30': February 2024 has 29 days",
                       source: "    due: 2024-02-30"),
        ])
    }

    @Test func milestoneNeedsATime() {
        #expect(problems(frontMatter("started_at: 2024-03-02")) == [
            diagnostic(.error, .invalidValue, 2, 13, "'started_at' needs a time of day, not just a date: '2024-03-02'",
                       notes: ["write it like 2024-03-02T21:40 (times without an offset are in UTC) or 2024-03-02T21:40+09:00"],
                       source: "started_at: 2024-03-02"),
        ])
    }

    @Test func unknownKeyWithSuggestion() {
        #expect(problems(frontMatter("title: x\nrecurence_fix: Add an alert")) == [
            diagnostic(.warning, .unknownKey, 3, 1, "unknown front-matter key 'recurence_fix'",
                       notes: ["did you mean 'recurrence_fix'?"], source: "recurence_fix: Add an alert"),
        ])
        #expect(problems(frontMatter("sevirity: SEV1")).first?.notes == ["did you mean 'severity'?"])
        #expect(problems(frontMatter("colour: red")).first?.notes == ["it is ignored; the fields are listed in docs/front-matter.md"])
    }

    @Test func unknownKeyInsideStructuredField() {
        #expect(problems(frontMatter("impact:\n  users_afected: 3")) == [
            diagnostic(.warning, .unknownKey, 3, 3, "unknown key 'users_afected' in 'impact'",
                       notes: ["did you mean 'users_affected'?"], source: "  users_afected: 3"),
        ])
    }

    @Test func unknownValues() {
        #expect(problems(frontMatter("status: finished")) == [
            diagnostic(.error, .invalidValue, 2, 9, "'status' must be one of draft, review, published, not 'finished'",
                       source: "status: finished"),
        ])
        #expect(problems(frontMatter("severity: P1")) == [
            diagnostic(.warning, .unknownSeverity, 2, 11, "unknown severity 'P1'; the levels are SEV1, SEV2, SEV3, SEV4 (first is worst)",
                       notes: ["set the levels with 'severity_levels' in postmortem.yml"], source: "severity: P1"),
        ])
        #expect(problems(frontMatter("cause: {category: relase-bug, key: k}")) == [
            diagnostic(.warning, .unknownCategory, 2, 19, "unknown cause category 'relase-bug'",
                       notes: ["did you mean 'release-bug'?"], source: "cause: {category: relase-bug, key: k}"),
        ])
        #expect(problems(frontMatter("impact:\n  users_affected: many")) == [
            diagnostic(.error, .invalidValue, 3, 19, "'impact.users_affected' must be a whole number such as 1200, not 'many'",
                       source: "  users_affected: many"),
        ])
    }

    /// With `services:` in the configuration, a service it does not list is
    /// a warning where the postmortem names it; without, any name goes.
    @Test func unconfiguredServices() {
        let configuration = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: """
            services:
              - reservations
              - {id: admin-panel, label: {en: Admin panel, ja: 管理画面}}
              - booking-widget
            """)).configuration
        #expect(configuration.services.map(\.id) == ["reservations", "admin-panel", "booking-widget"])
        func warnings(_ text: String, _ configuration: SiteConfiguration) -> [Diagnostic] {
            problems(text, configuration: configuration).filter { $0.code == .unknownService }
        }
        #expect(warnings(frontMatter("services: [reservations, Admin-Panel]"), configuration).isEmpty, "ids in any case")
        #expect(warnings(frontMatter("services:\n  - reservations\n  - reservation\n  - payments"), configuration) == [
            diagnostic(.warning, .unknownService, 4, 5, "unknown service 'reservation': postmortem.yml does not list it",
                       notes: ["did you mean 'reservations'?"], source: "  - reservation"),
            diagnostic(.warning, .unknownService, 5, 5, "unknown service 'payments': postmortem.yml does not list it",
                       notes: ["the services are reservations, admin-panel, booking-widget; add it to 'services' in postmortem.yml if it is one"],
                       source: "  - payments"),
        ])
        // One text of names: each at its own column; a label points to its id.
        #expect(warnings(frontMatter("id: A\nservices: booking-widgte, 管理画面"), configuration) == [
            diagnostic(.warning, .unknownService, 3, 11, "unknown service 'booking-widgte': postmortem.yml does not list it",
                       notes: ["did you mean 'booking-widget'?"], source: "services: booking-widgte, 管理画面"),
            diagnostic(.warning, .unknownService, 3, 27, "unknown service '管理画面': postmortem.yml does not list it",
                       notes: ["did you mean 'admin-panel'? ('管理画面' is its label; postmortems name services by id)"],
                       source: "services: booking-widgte, 管理画面"),
        ])
        #expect(warnings(frontMatter("services: [reservations, \"payments\"]"), configuration).map(\.location.column) == [26],
                "a quoted name at its quote")
        // No services configured: no warning.
        #expect(warnings(frontMatter("services: [anything, at-all]"), .default).isEmpty)
    }

    @Test func durationProblems() {
        #expect(problems(frontMatter("duration: soon")) == [
            diagnostic(.error, .invalidValue, 2, 11, "cannot read 'soon' as a duration",
                       notes: ["write e.g. 90m, 1h30m, 2 hours, 01:30, PT1H30M, 90分 or 1時間30分"], source: "duration: soon"),
        ])
        #expect(problems(frontMatter("duration: 90")) == [
            diagnostic(.warning, .invalidValue, 2, 11, "'duration: 90' has no unit; read as 1h 30m",
                       notes: ["write the unit, e.g. '90m' or '90h'"], source: "duration: 90"),
        ])
        #expect(problems(frontMatter("started_at: 2024-03-02T10:00Z\nresolved_at: 2024-03-02T11:10Z\nduration: 2h")) == [
            diagnostic(.warning, .durationMismatch, 4, 11,
                       "'duration' (2h) disagrees with the milestones (started_at to resolved_at is 1h 10m)",
                       notes: ["the milestones are used; correct the duration or remove it"], source: "duration: 2h"),
        ])
        // Within the tolerance of an approximate duration: no warning.
        #expect(problems(frontMatter("started_at: 2024-03-02T10:00Z\nresolved_at: 2024-03-02T11:50Z\nduration: 約2時間")).isEmpty)
    }

    @Test func actionItemProblems() {
        #expect(problems(frontMatter("recurrence_fix:\n  - owner: x")) == [
            diagnostic(.error, .invalidValue, 3, 5, "an item of 'recurrence_fix' needs a 'title'",
                       notes: ["say what will be done, e.g. title: Add an alert on pool usage"], source: "  - owner: x"),
        ])
        #expect(problems(frontMatter("recurrence_fix:\n  - title: a\n    status: open\n    completed: 2024-01-02")) == [
            diagnostic(.warning, .invalidValue, 4, 13, "'completed' is set but the status is 'open'",
                       notes: ["set 'status: done', or remove 'completed'"], source: "    status: open"),
        ])
    }

    @Test func unfilledTemplateValuesAreNotErrors() {
        #expect(problems(frontMatter("cause:\n  category:\n  key:\nrecurrence_fix:\n  - title:\n    status: open")).isEmpty)
        #expect(postmortem(frontMatter("cause:\n  key:\nrecurrence_fix:\n  - title:\n    owner:"))?.recurrenceFix == [])
    }

    @Test func duplicateKey() {
        #expect(problems(frontMatter("id: a\nid: b")) == [
            diagnostic(.error, .yamlDuplicateKey, 2, 1, "key 'id' appears more than once in the same mapping",
                       notes: ["keep one of them: YAML would silently use only the last"], source: "id: a"),
        ])
        #expect(problems(frontMatter("recurrence_fix: a\naction_items: b")) == [
            diagnostic(.warning, .yamlDuplicateKey, 3, 1,
                       "'action_items' gives 'recurrence_fix' again (already given as 'recurrence_fix'); this one is ignored",
                       source: "action_items: b"),
        ])
    }

    @Test func tabInIndentation() {
        #expect(problems(frontMatter("impact:\n\tsummary: x")) == [
            diagnostic(.error, .yamlTab, 3, 1, "tab character in YAML indentation",
                       notes: ["YAML allows only spaces for indentation: replace the tab with spaces"], source: "\tsummary: x"),
        ])
    }

    @Test func unterminatedFrontMatter() {
        #expect(load("---\ntitle: x\n\n# Heading\n").diagnostics == [
            diagnostic(.error, .frontMatterUnterminated, 1, 1, "front matter opened by '---' on line 1 is never closed",
                       notes: ["add a line '---' after the last front-matter field, before the Markdown text"], source: "---"),
        ])
    }

    @Test func deeplyNestedYAMLIsRefused() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(problems(frontMatter("tags: \(deep)")).map(\.code) == [.frontMatterTooDeep])
    }

    @Test func idWithSlashIsRefused() {
        #expect(problems(frontMatter("id: ../../etc/passwd")).map(\.message)
            == ["'id' cannot hold '/', '\\' or control characters: '../../etc/passwd'"])
    }

    // MARK: Files that are not postmortems

    @Test func emptyFile() {
        for text in ["", "  \n\n"] {
            #expect(load(text).diagnostics == [
                diagnostic(.error, .fileEmpty, 1, 1, "file is empty",
                           notes: ["write the postmortem (see docs/front-matter.md) or delete the file"]),
            ])
            #expect(load(text).postmortem == nil)
        }
    }

    @Test func binaryFile() {
        let file = SourceFile(path: "pm.md", relativePath: "pm.md", contents: .bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x00]))
        #expect(PostmortemLoader(configuration: .default).load(file).diagnostics == [
            diagnostic(.error, .fileBinary, 2, 1, "file holds a NUL byte: it looks like a binary file, not Markdown",
                       notes: ["keep images and other binaries out of the postmortem's text; give them a non-.md name"]),
        ])
    }

    @Test func invalidUTF8() {
        // "# 障害\n" then Shift_JIS bytes for 障害.
        let bytes = Array("# 障害\nabc ".utf8) + [0x8F, 0xE1, 0x8A, 0x51]
        let file = SourceFile(path: "pm.md", relativePath: "pm.md", contents: .bytes(bytes))
        #expect(PostmortemLoader(configuration: .default).load(file).diagnostics == [
            diagnostic(.error, .fileInvalidUTF8, 2, 5, "file is not valid UTF-8 (byte 0x8F at offset 13)",
                       notes: ["save the file as UTF-8 (e.g. `iconv -f SHIFT_JIS -t UTF-8`)"]),
        ])
    }

    @Test func fileTooLarge() {
        let file = SourceFile(path: "big.md", relativePath: "big.md", contents: .tooLarge(size: 6 * 1024 * 1024))
        #expect(PostmortemLoader(configuration: .default).load(file).diagnostics == [
            diagnostic(.error, .fileTooLarge, 1, 1, "file is 6 MiB, over the 5 MiB limit for a postmortem",
                       notes: ["move logs and data dumps into attachments and link them from the postmortem"], file: "big.md"),
        ])
    }

    // MARK: Line endings, BOM

    @Test func crlfAndBOMKeepLineNumbersAndValues() throws {
        let text = "\u{FEFF}---\r\ntitle: CRLF title\r\nseverity: [1]\r\n---\r\n# Body\r\n"
        let loaded = load(text)
        #expect(loaded.postmortem?.title == "CRLF title")
        #expect(loaded.diagnostics == [
            diagnostic(.error, .wrongType, 3, 11, "'severity' must be text, not a list", source: "severity: [1]"),
        ])
        #expect(postmortem("\u{FEFF}# Title with BOM\r\n\r\ntext\r\n")?.title == "Title with BOM")
    }

    // MARK: Missing fields

    @Test func missingFieldsAreOneWarningForPublishedIncidents() {
        #expect(load(frontMatter("title: x\nseverity: SEV2")).diagnostics == [
            diagnostic(.warning, .missingFields, 1, 1,
                       "front matter does not give: started_at/resolved_at or duration, impact, services, cause, recurrence_fix, date",
                       notes: ["statistics and recurrence links leave this postmortem out where a value is missing"]),
        ])
        #expect(load(frontMatter("title: x\nstatus: draft")).diagnostics.isEmpty)
    }

    @Test func noFrontMatterListsWhatIsUnknown() {
        #expect(load("# Title\n\ntext\n", path: "2024-01-02-x.md").diagnostics == [
            diagnostic(.warning, .noFrontMatter, 1, 1,
                       "no front matter, so these are unknown: severity, started_at/resolved_at or duration, impact, services, cause, recurrence_fix",
                       notes: ["add a block of 'key: value' lines between two '---' lines at the top; see docs/front-matter.md"],
                       file: "2024-01-02-x.md"),
        ])
    }
}
