import ArgumentParser
import Foundation
import PostmortemCLI
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

    @OptionGroup var site: SiteOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let started = Date()
        let reference = try CommandLineTime.parse(site.now)
        let config = site.config
        output.note("configuration: \(config ?? (FileManager.default.fileExists(atPath: ConfigurationLoader.defaultFileName) ? ConfigurationLoader.defaultFileName : "none, the defaults"))")
        output.note("theme: built-in\(site.templatesFolder.map { ", files in \($0) replacing its own" } ?? "")")
        output.note("memory: glibc's heaps on \(Build.heapPages)")
        let folder = site.outputFolder
        let progress = ProgressLine(enabled: !output.quiet && Terminal.isTerminal(STDERR_FILENO))
        let verbose = output.verbose
        let result: Build.Result
        do {
            defer { progress.finish() }
            var options = site.build(now: reference)
            options.progress = { stage in
                progress.update(stage)
                if verbose { Terminal.error(String(format: "[%.2f s] ", Date().timeIntervalSince(started)) + stage) }
            }
            result = try Build.run(options)
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
        if !output.quiet {
            for kept in written.kept { print(kept.note(in: folder)) }
            if !written.kept.isEmpty {
                print("    note: postmortem never changes or deletes a file it did not write; delete \(written.kept.count == 1 ? "it" : "them") from \(folder) if \(written.kept.count == 1 ? "it" : "they") should not be published")
            }
        }
        if !result.upToDate {
            output.note("files loaded: \(result.filesLoaded.loaded), read from the load cache: \(result.filesLoaded.cached)"
                + " (\(result.filesUnread) of them unread: their stamps vouched for their bytes)")
            output.note(result.overviewKept
                ? "overview: the last build's, nothing it shows changed (index, groups, action items, trends, recurrences)"
                : "overview: made")
        }
        output.note("skipped as index pages: \(result.check.skipped.isEmpty ? "none" : result.check.skipped.joined(separator: ", "))")
        // The process ends here: its memory goes with it, not freed value by value (tenths of a second at 10,000).
        defer { Build.exitWithoutFreeing(result) }
        guard !output.quiet else { return }
        let nothingChanged = result.upToDate ? " (nothing changed since the last build)" : ""
        print("Built \(result.pages) pages (\(result.pagesRendered) rendered, \(written.filesWritten) files, \(written.filesChanged) changed) from \(result.check.fileCount) postmortem\(result.check.fileCount == 1 ? "" : "s") into \(folder) in \(seconds) s\(nothingChanged): \(counts).")
    }
}
