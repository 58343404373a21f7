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

    @Test func colorsPaintPlaceSeverityCaretAndNotes() {
        let text = DiagnosticFormatter.text(diagnostic(
            .warning, .unknownKey, 2, 1, "unknown key 'x'", notes: ["remove it"], source: "x: 1", file: "a.md"), colors: true)
        let escape = "\u{1B}["
        #expect(text == """
            \(escape)1ma.md:2:1:\(escape)0m \(escape)1;33mwarning:\(escape)0m \(escape)1munknown key 'x'\(escape)0m
                x: 1
                \(escape)1;32m^\(escape)0m
                \(escape)1;36mnote:\(escape)0m remove it

            """)
    }

    @Test func colorsOnlyOnATerminalAndNeverWithNoColor() {
        #expect(DiagnosticFormatter.usesColors(isTerminal: true, environment: ["TERM": "xterm-256color"]))
        #expect(!DiagnosticFormatter.usesColors(isTerminal: false, environment: ["TERM": "xterm-256color"]))
        #expect(!DiagnosticFormatter.usesColors(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(DiagnosticFormatter.usesColors(isTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!DiagnosticFormatter.usesColors(isTerminal: true, environment: ["TERM": "dumb"]))
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
