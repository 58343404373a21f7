import Foundation
import Testing
@testable import PostmortemKit

/// Every real postmortem renders, with each of its pipe tables as a `<table>`.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: realPostmortemsFolder.path),
                "../shared/real-postmortems is not beside this checkout"))
struct RealPostmortemRenderingTests {
    /// Delimiter rows in the source outside code blocks: each starts one table.
    static func delimiterRows(_ markdown: String) -> Int {
        var inFence = false
        var count = 0
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle(); continue }
            if !inFence, trimmed.hasPrefix("|"), trimmed.contains("-"),
               trimmed.allSatisfy({ "|-: \t".contains($0) }) { count += 1 }
        }
        return count
    }

    @Test func everyTableRendersAsATable() throws {
        let report = try Check.run(folder: realPostmortemsFolder.path, configurationFile: nil)
        var withTables = 0
        for postmortem in report.load.postmortems {
            let expected = Self.delimiterRows(try bodyMarkdown(postmortem))
            let rendered = postmortem.body.html.components(separatedBy: "<table>").count - 1
            #expect(rendered == expected, "\(postmortem.source.relativePath): \(rendered) tables for \(expected) delimiter rows")
            #expect(!postmortem.body.html.contains("<p>|"), "\(postmortem.source.relativePath) has a paragraph of pipes")
            if expected > 0 { withTables += 1 }
        }
        #expect(withTables >= 35)
    }

    @Test func summariesAndOutlines() throws {
        let report = try Check.run(folder: realPostmortemsFolder.path, configurationFile: nil)
        for postmortem in report.load.postmortems {
            #expect(!postmortem.body.summary.isEmpty, "\(postmortem.source.relativePath) has no summary")
            #expect(postmortem.body.summary.count <= 242)
            #expect(Set(postmortem.body.outline.map(\.id)).count == postmortem.body.outline.count)
        }
        let dfds = report.load.postmortems.filter { $0.source.relativePath.hasPrefix("dfds") }
        // All name their causes ("Contributing Factors") but the Log4Shell investigation.
        #expect(dfds.filter { $0.body.section(.rootCause) == nil }.map(\.title) == ["Log4Shell investigations"])
    }
}
