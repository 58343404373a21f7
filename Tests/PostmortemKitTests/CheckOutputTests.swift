import Foundation
import Testing
@testable import PostmortemKit

/// `check --format text|json|github` and its exit status.
@Suite struct CheckOutputTests {
    static let fixtures = packageRoot.appendingPathComponent("Tests/PostmortemKitTests/Fixtures")

    func invalidReport() throws -> CheckReport {
        try Check.run(folder: Self.fixtures.appendingPathComponent("invalid").path, configurationFile: nil)
    }

    func relative(_ text: String) -> String {
        text.replacingOccurrences(of: Self.fixtures.path + "/", with: "")
    }

    /// The whole GitHub Actions output for the invalid fixtures, compared with a golden
    /// file (`RECORD_GOLDEN=1 swift test` re-records it and fails).
    @Test func githubAnnotationsGolden() throws {
        let output = relative(CheckOutput.render(try invalidReport(), folder: "invalid", format: .github))
        let golden = Self.fixtures.appendingPathComponent("invalid.expected.github.txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            try output.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.lastPathComponent); run again without RECORD_GOLDEN")
            return
        }
        #expect(output == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func githubEscapesDataAndProperties() throws {
        let problem = Diagnostic(.warning, .inferredValue, at: SourceLocation(file: "a,b:c%.md", line: 3, column: 7),
                                 "50% done\r\nnext: step", notes: ["one, two"])
        let report = CheckReport(configuration: .default, load: LoadResult(postmortems: [], diagnostics: []),
                                 diagnostics: [problem], skipped: [], fileCount: 1)
        #expect(CheckOutput.render(report, folder: "pm", format: .github) == """
            ::warning file=a%2Cb%3Ac%25.md,line=3,col=7,title=postmortem inferred-value::50%25 done%0D%0Anext: step%0Anote: one, two
            Checked 1 postmortem in pm: 0 errors, 1 warning.

            """)
        #expect(CheckOutput.workflowCommand("notice", properties: [], message: "a::b") == "::notice::a::b")
    }

    @Test func jsonShape() throws {
        let output = CheckOutput.render(try invalidReport(), folder: "invalid", format: .json, strict: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["version", "folder", "files", "errors", "warnings", "strict", "passed",
                                     "skipped", "diagnostics", "suggestions"])
        #expect(object["version"] as? Int == 1)
        #expect(object["folder"] as? String == "invalid")
        #expect(object["files"] as? Int == 10)
        #expect(object["passed"] as? Bool == false)
        #expect(object["strict"] as? Bool == true)
        #expect(object["suggestions"] is NSNull)
        let items = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(items.count == (object["errors"] as? Int ?? 0) + (object["warnings"] as? Int ?? 0))
        for item in items {
            #expect(Set(item.keys) == ["file", "line", "column", "severity", "code", "message", "notes", "source_line"])
        }
        let first = try #require(items.first)
        #expect(relative(first["file"] as? String ?? "") == "invalid/a-first.md")
        #expect(first["line"] as? Int == 4)
        #expect(first["column"] as? Int == 11)
        #expect(first["severity"] as? String == "error")
        #expect(first["code"] as? String == "related-not-found")
        #expect(first["source_line"] as? String == "related: [INC-404]")
        #expect(first["notes"] as? [String] == ["use the 'id' of another postmortem (or its file name without .md)"])
        let empty = try #require(items.first { relative($0["file"] as? String ?? "") == "invalid/empty.md" })
        #expect(empty["source_line"] is NSNull)
    }

    @Test func textIsTheCompilerStyleOutput() throws {
        let report = try invalidReport()
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("invalid.expected.txt"), encoding: .utf8)
        #expect(relative(CheckOutput.render(report, folder: "invalid", format: .text)) == expected)
    }

    @Test func quietLeavesOutTheSummary() throws {
        let report = try invalidReport()
        let text = relative(CheckOutput.render(report, folder: "invalid", format: .text, summary: false))
        let github = CheckOutput.render(report, folder: "invalid", format: .github, summary: false)
        #expect(!text.contains("Checked 10 postmortems"))
        #expect(text.hasPrefix("invalid/a-first.md:4:11: error:"))
        #expect(github.split(separator: "\n").allSatisfy { $0.hasPrefix("::") })
    }

    @Test func exitStatusCountsWarningsOnlyWhenStrict() throws {
        let warning = Diagnostic.warning(.unknownKey, at: SourceLocation(file: "a.md", line: 1, column: 1), "w")
        var report = CheckReport(configuration: .default, load: LoadResult(postmortems: [], diagnostics: []),
                                 diagnostics: [warning], skipped: [], fileCount: 1)
        #expect(CheckOutput.exitStatus(report, strict: false) == 0)
        #expect(CheckOutput.exitStatus(report, strict: true) == 1)
        report.diagnostics = []
        #expect(CheckOutput.exitStatus(report, strict: true) == 0)
        #expect(CheckOutput.exitStatus(try invalidReport(), strict: false) == 1)
    }
}
