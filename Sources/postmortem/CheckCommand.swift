import ArgumentParser
import Foundation
import PostmortemKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every postmortem and print each problem as file:line:col.",
        discussion: """
            Exit status: 0 when there is no error (and, with --strict, no warning); \
            1 when there is; 2 when the folder or the configuration cannot be read.
            """
    )

    @Argument(help: "The folder of postmortems.")
    var folder: String = "postmortems"

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).")
    var config: String?

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(help: "Also propose cause keys to merge: different keys whose incidents tell a similar story.")
    var suggestCauses = false

    func run() throws {
        let report: CheckReport
        do {
            report = try Check.run(folder: folder, configurationFile: Check.configurationFile(path: config))
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        for diagnostic in report.diagnostics {
            print(DiagnosticFormatter.text(diagnostic), terminator: "")
        }
        if suggestCauses {
            let merges = TextSimilarity.suggestedMerges(report.load.postmortems)
            for merge in merges { print("suggestion: \(merge.description)") }
            print(merges.isEmpty ? "No cause keys to merge." : "\(merges.count) cause key merge\(merges.count == 1 ? "" : "s") to consider.")
        }
        print(report.summary(folder: folder))
        if report.errorCount > 0 || (strict && report.warningCount > 0) {
            throw ExitCode(1)
        }
    }
}
