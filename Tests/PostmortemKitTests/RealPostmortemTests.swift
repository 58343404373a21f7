import Foundation
import Testing
@testable import PostmortemKit

/// Every real published postmortem in `../shared/real-postmortems/` loads
/// without a crash or an error, with a sensible title.
let realPostmortemsFolder = sharedFolder.appendingPathComponent("real-postmortems")

@Suite(.enabled(if: FileManager.default.fileExists(atPath: realPostmortemsFolder.path),
                "../shared/real-postmortems is not beside this checkout"))
struct RealPostmortemTests {
    static let folder = realPostmortemsFolder

    @Test func everyFileLoadsWithoutErrors() throws {
        let report = try Check.run(folder: Self.folder.path, configurationFile: nil)
        let errors = report.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(DiagnosticFormatter.text).joined())")
        #expect(report.fileCount >= 49)
        #expect(report.load.postmortems.count == report.fileCount)
        #expect(report.skipped == ["README.md"])
    }

    @Test func everyTitleIsSensible() throws {
        let report = try Check.run(folder: Self.folder.path, configurationFile: nil)
        for postmortem in report.load.postmortems {
            let title = postmortem.title
            #expect(!title.isEmpty && title.count <= 200, "\(postmortem.source.relativePath): '\(title)'")
            #expect(!title.contains("#") && !title.contains("**") && !title.contains("\n"),
                    "\(postmortem.source.relativePath): '\(title)'")
            // A title from the file name only when the file has no H1 at all.
            if postmortem.origins.title == .fileName {
                let markdown = try bodyMarkdown(postmortem)
                #expect(!markdown.contains("\n# ") && !markdown.hasPrefix("# "),
                        "\(postmortem.source.relativePath) has an H1 that was not used")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: report.load.postmortems.map { ($0.source.relativePath, $0) })
        #expect(byName["PostHog__post-mortems__2025-11-15-persons-db-migration.md"]?.title
            == "PostHog Data Processing Delays - Events & Persons Ingestion (November 2025)")
        #expect(byName["Kaikei-e__Alt__docs__postmortems__PM-2026-001-recap-pipeline-cascading-oom.md"]?.title
            == "PM-2026-001: recap パイプライン連鎖 OOM 障害")
        #expect(byName["jenkins-infra__status__content__issues__2021-06-08-fastly-outage.md"]?.title == "Websites are down")
    }

    @Test func statusPageFrontMatterIsUnderstood() throws {
        let report = try Check.run(folder: Self.folder.path, configurationFile: nil)
        let fastly = try #require(report.load.postmortems.first { $0.source.relativePath.hasSuffix("2021-06-08-fastly-outage.md") })
        #expect(fastly.services == ["www.jenkins.io", "pkg.jenkins.io", "plugins.jenkins.io"])
        #expect(fastly.milestones.startedAt == instant("2021-06-08T09:58Z"))
        #expect(fastly.milestones.resolvedAt == instant("2021-06-08T12:41Z"))
    }
}
