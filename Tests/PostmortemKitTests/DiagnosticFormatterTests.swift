import Testing
@testable import PostmortemKit

@Suite struct DiagnosticFormatterTests {
    @Test func compilerStyleWithCaretAndNotes() {
        let text = DiagnosticFormatter.text(diagnostic(
            .error, .milestoneOrder, 7, 14, "'resolved_at' is before 'started_at'",
            notes: ["check the offsets"], source: "resolved_at: 2024-03-02T21:00+09:00",
            file: "postmortems/2024-03-02-db.md"))
        #expect(text == """
            postmortems/2024-03-02-db.md:7:14: error: 'resolved_at' is before 'started_at'
                resolved_at: 2024-03-02T21:00+09:00
                             ^
                note: check the offsets

            """)
    }

    @Test func caretUnderJapaneseTextCountsWideCharacters() {
        let text = DiagnosticFormatter.text(diagnostic(
            .warning, .unknownSeverity, 3, 6, "unknown severity", source: "重大度: 高い"))
        // Column 6 is 高: before it 3 wide characters (6 cells) and ": " (2 cells).
        #expect(text == "pm.md:3:6: warning: unknown severity\n    重大度: 高い\n    " + String(repeating: " ", count: 8) + "^\n")
    }

    @Test func caretKeepsTabs() {
        #expect(DiagnosticFormatter.caretPadding(for: "\tsummary: x", column: 3) == "\t ")
    }

    @Test func countsInWords() {
        #expect(DiagnosticFormatter.counts(errors: 1, warnings: 0) == "1 error, 0 warnings")
        #expect(DiagnosticFormatter.counts(errors: 2, warnings: 1) == "2 errors, 1 warning")
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "recurence_fix", among: ["recurrence_fix", "related"]) == "recurrence_fix")
        #expect(Suggestion.closest(to: "sevirity", among: ["severity", "services"]) == "severity")
        #expect(Suggestion.closest(to: "colour", among: ["title", "cause"]) == nil)
    }
}
