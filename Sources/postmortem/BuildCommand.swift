import ArgumentParser
import Foundation
import PostmortemKit

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render the knowledge base as a static HTML site.",
        discussion: """
            Prints every problem like `check`. With an error nothing is written and the previous site stays; \
            otherwise the new site is built beside the old one and swapped in. Exit status: 0 built, \
            1 errors in the postmortems or configuration, 2 the site cannot be written.
            """
    )

    @Option(help: "The folder of postmortems.")
    var source: String = "postmortems"

    @Option(help: "The folder to write the site to (replaced as a whole; it must be one this tool wrote, or empty).")
    var out: String = "_site"

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).")
    var config: String?

    @Option(help: "A folder of templates and assets that replace the built-in theme's file by file (default: site-templates/ when present).")
    var templates: String?

    @Option(help: "The date and time to count overdue items from (ISO 8601), for reproducible builds.")
    var now: String?

    func run() throws {
        let started = Date()
        var reference = Date()
        if let now {
            guard case let .dateTime(instant, _) = DateTimeParsing.parse(now, timeZone: TimeZone(secondsFromGMT: 0) ?? .current) else {
                throw ValidationError("--now must be a date-time such as 2026-01-31T09:00Z, not '\(now)'")
            }
            reference = instant
        }
        let templatesFolder = templates ?? (FileManager.default.fileExists(atPath: "site-templates") ? "site-templates" : nil)
        let result: Build.Result
        do {
            result = try Build.run(Build.Options(sourceFolder: source, outputFolder: out, configurationPath: config,
                                                 templatesFolder: templatesFolder, now: reference))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        if let profile = Build.profileReport { Terminal.error(profile) }
        for diagnostic in result.check.diagnostics {
            print(DiagnosticFormatter.text(diagnostic), terminator: "")
        }
        let counts = DiagnosticFormatter.counts(errors: result.check.errorCount, warnings: result.check.warningCount)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        guard let written = result.written else {
            print("Not built: \(counts) in \(result.check.fileCount) postmortems; the previous site in \(out) is unchanged.")
            throw ExitCode(1)
        }
        let nothingChanged = result.upToDate ? " (nothing changed since the last build)" : ""
        print("Built \(result.pages) pages (\(written.filesWritten) files, \(written.filesChanged) changed) from \(result.check.fileCount) postmortem\(result.check.fileCount == 1 ? "" : "s") into \(out) in \(seconds) s\(nothingChanged): \(counts).")
    }
}
