import Foundation
import Testing
@testable import PostmortemKit

/// End-to-end runs of the check pipeline over fixture folders on disk.
@Suite struct FixtureTests {
    static let fixtures = packageRoot.appendingPathComponent("Tests/PostmortemKitTests/Fixtures")

    /// The check output for `folder`, paths shown relative to the fixtures folder.
    func checkOutput(_ folder: String) throws -> (CheckReport, String) {
        let path = Self.fixtures.appendingPathComponent(folder).path
        let report = try Check.run(folder: path, configurationFile: nil)
        var text = report.diagnostics.map(DiagnosticFormatter.text).joined()
        text += report.summary(folder: folder) + "\n"
        return (report, text.replacingOccurrences(of: Self.fixtures.path + "/", with: ""))
    }

    @Test func validFolderLoadsEveryFile() throws {
        let (report, _) = try checkOutput("valid")
        #expect(report.errorCount == 0)
        #expect(report.skipped == ["README.md"])
        #expect(report.load.postmortems.map(\.id) == [
            "2023-11-20-legacy", "INC-2024-001", "INC-2024-002", "2024-06-01-crlf",
        ])
        #expect(report.load.postmortems.map(\.title) == [
            "Legacy postmortem without front matter", "Admin panel down after release",
            "予約一覧が再び表示されない", "Windows line endings",
        ])
        let japanese = try #require(report.load.postmortems.first { $0.id == "INC-2024-002" })
        #expect(japanese.source.relativePath == "2024-05-10 予約一覧の再発.md")
        #expect(japanese.date == day(2024, 5, 10))  // from started_at
        #expect(japanese.severity == "SEV2")
        #expect(japanese.causes.first?.category == "human-error")
        #expect(japanese.causes.first?.key == "reservation-list-n-1-query")
        #expect(japanese.tags == ["再発", "データベース"])
        let crlf = try #require(report.load.postmortems.first { $0.id == "2024-06-01-crlf" })
        #expect(crlf.kind == .nearMiss)
        #expect(crlf.services == ["payments"])
    }

    /// The whole `check` output for the invalid fixtures, compared with a
    /// golden file. `RECORD_GOLDEN=1 swift test` re-records it and fails, so
    /// a recording run never passes silently.
    @Test func invalidFolderGolden() throws {
        let (report, output) = try checkOutput("invalid")
        let golden = Self.fixtures.appendingPathComponent("invalid.expected.txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            try output.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.lastPathComponent); run again without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(output == expected)
        #expect(report.fileCount == 10)
        let filesWithErrors = report.diagnostics.filter { $0.severity == .error }
            .map { URL(fileURLWithPath: $0.location.file).lastPathComponent }
        #expect(Set(filesWithErrors)
            == ["a-first.md", "b-second.md", "due.md", "empty.md", "fields.md", "image.md", "sjis.md",
                "tab.md", "unterminated.md", "yaml-syntax.md"])
    }

    @Test func missingFolderThrowsAClearError() {
        #expect(throws: SourceDiscovery.Failure.self) {
            try Check.run(folder: "/nonexistent/postmortems", configurationFile: nil)
        }
        #expect("\(SourceDiscovery.Failure.notAFolder("x"))"
            == "'x' is not a folder: give the folder that holds the postmortems' .md files")
    }
}
