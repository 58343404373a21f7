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

    @Option(help: "The folder of postmortems.", completion: .directory)
    var source: String = "postmortems"

    @Option(help: "The folder to write the site to (replaced as a whole; it must be one this tool wrote, or empty; default: 'output' of postmortem.yml, else _site).",
            completion: .directory)
    var out: String?

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).",
            completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Option(help: "A folder of templates and assets that replace the built-in theme's file by file (default: site-templates/ when present).",
            completion: .directory)
    var templates: String?

    @Option(help: "The date and time to count overdue items from (ISO 8601), for reproducible builds.")
    var now: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let started = Date()
        let reference = try CommandLineTime.parse(now)
        let templatesFolder = templates ?? (FileManager.default.fileExists(atPath: "site-templates") ? "site-templates" : nil)
        output.note("configuration: \(config ?? (FileManager.default.fileExists(atPath: ConfigurationLoader.defaultFileName) ? ConfigurationLoader.defaultFileName : "none, the defaults"))")
        output.note("theme: built-in\(templatesFolder.map { ", files in \($0) replacing its own" } ?? "")")
        let folder = outputFolder(out, config: config)
        let progress = ProgressLine(enabled: !output.quiet && Terminal.isTerminal(STDERR_FILENO))
        let verbose = output.verbose
        let result: Build.Result
        do {
            defer { progress.finish() }
            result = try Build.run(Build.Options(
                sourceFolder: source, outputFolder: folder, configurationPath: config, templatesFolder: templatesFolder,
                now: reference,
                progress: { stage in
                    progress.update(stage)
                    if verbose { Terminal.error(String(format: "[%.2f s] ", Date().timeIntervalSince(started)) + stage) }
                }))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        if let profile = Build.profileReport { Terminal.error(profile) }
        let colors = Terminal.colors(STDOUT_FILENO)
        for diagnostic in result.check.diagnostics {
            print(DiagnosticFormatter.text(diagnostic, colors: colors), terminator: "")
        }
        let counts = DiagnosticFormatter.counts(errors: result.check.errorCount, warnings: result.check.warningCount)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        guard let written = result.written else {
            print("Not built: \(counts) in \(result.check.fileCount) postmortems; the previous site in \(folder) is unchanged.")
            throw ExitCode(1)
        }
        output.note("skipped as index pages: \(result.check.skipped.isEmpty ? "none" : result.check.skipped.joined(separator: ", "))")
        guard !output.quiet else { return }
        let nothingChanged = result.upToDate ? " (nothing changed since the last build)" : ""
        print("Built \(result.pages) pages (\(result.pagesRendered) rendered, \(written.filesWritten) files, \(written.filesChanged) changed) from \(result.check.fileCount) postmortem\(result.check.fileCount == 1 ? "" : "s") into \(folder) in \(seconds) s\(nothingChanged): \(counts).")
    }
}
