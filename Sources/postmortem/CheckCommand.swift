import ArgumentParser
import Foundation
import PostmortemCLI
import PostmortemKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every postmortem and print each problem as file:line:col.",
        discussion: """
            --format github prints GitHub Actions annotations, --format json one document \
            (both described in docs/ci.md). Exit status: 0 when there is no error (and, with --strict, \
            no warning); 1 when there is; 2 when the folder or the configuration cannot be read; \
            64 a wrong command line.
            """
    )

    @Argument(help: "The folder of postmortems.", completion: .directory)
    var folder: String = "postmortems"

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).",
            completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Flag(name: [.long, .customLong("warnings-as-errors")], help: "Fail on warnings too (exit status 1).")
    var strict = false

    @Option(help: "text (compiler style), json (one document) or github (GitHub Actions annotations).")
    var format: CheckOutput.Format = .text

    @Flag(help: "Also propose cause keys to merge: different keys whose incidents tell a similar story.")
    var suggestCauses = false

    @Option(help: "The date and time drafts' age is measured from (ISO 8601; default: now), for reproducible checks.")
    var now: String?

    @OptionGroup var buildCache: BuildCacheOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let started = Date()
        let reference = try CommandLineTime.parse(now)
        let report: CheckReport, merges: [TextSimilarity.Merge]?, cache: LoadCache?
        do {
            // The stories read for --suggest-causes come from the cache's files too.
            ((report, merges), cache) = try buildCache.withCache(configurationPath: config) { cache in
                let report = try Check.run(folder: folder, configurationFile: Check.configurationFile(path: config), now: reference,
                                           cache: cache)
                return (report, suggestCauses ? TextSimilarity.suggestedMerges(report.load.postmortems) : nil)
            }
        } catch {
            if format == .github {
                print(CheckOutput.workflowCommand("error", properties: [("title", "postmortem check")], message: "\(error)"))
            }
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        output.note("configuration: \(config ?? (FileManager.default.fileExists(atPath: ConfigurationLoader.defaultFileName) ? ConfigurationLoader.defaultFileName : "none, the defaults"))")
        output.note("read \(report.fileCount) files in \(String(format: "%.2f", Date().timeIntervalSince(started))) s; skipped as index pages: \(report.skipped.isEmpty ? "none" : report.skipped.joined(separator: ", "))")
        output.note(BuildCacheOptions.summary(cache))
        print(CheckOutput.render(report, folder: folder, format: format, strict: strict, merges: merges,
                                 summary: !output.quiet, colors: format == .text && Terminal.colors(STDOUT_FILENO)),
              terminator: "")
        let status = CheckOutput.exitStatus(report, strict: strict)
        if status != 0 { throw ExitCode(status) }
    }
}

extension CheckOutput.Format: ExpressibleByArgument {}
