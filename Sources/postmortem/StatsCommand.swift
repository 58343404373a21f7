import ArgumentParser
import Foundation
import PostmortemCLI
import PostmortemKit

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print outage statistics: incidents, time to recover (median, p90, mean), per period.",
        discussion: """
            The same figures as trends.html and data/metrics.json (definitions: docs/metrics.md). \
            Exit status: 0 printed; 1 errors in the postmortems or configuration (printed to standard error); \
            2 the folder or the configuration cannot be read.
            """
    )

    @Argument(help: "The folder of postmortems.", completion: .directory)
    var folder: String = "postmortems"

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).",
            completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Option(help: "The period length: month, quarter or year (default: metrics.granularity, else month).")
    var granularity: Granularity?

    @Option(help: "Only incidents that began in or after this period: 2024, 2024-Q2, 2024-03 or 2024-03-08.")
    var since: String?

    @Option(help: "Only incidents that began in or before this period: 2024, 2024-Q2, 2024-03 or 2024-03-08.")
    var until: String?

    @Option(help: "text (aligned columns), json (as data/metrics.json) or csv (as data/metrics.csv).")
    var format: Stats.Format = .text

    @OptionGroup var buildCache: BuildCacheOptions

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Period.bounds(value) == nil {
                throw ValidationError("\(name) must be a year, quarter, month or day (2024, 2024-Q2, 2024-03, 2024-03-08), not '\(value)'")
            }
        }
        if let since, let until, let first = Period.bounds(since)?.first, let last = Period.bounds(until)?.last, last < first {
            throw ValidationError("--until (\(until)) is before --since (\(since))")
        }
    }

    func run() throws {
        let options = Stats.Options(granularity: granularity, since: since.flatMap { Period.bounds($0)?.first },
                                    until: until.flatMap { Period.bounds($0)?.last })
        /// The figures; errors that prevent them are printed, and end the command.
        func figures(_ cache: LoadCache?) throws -> String {
            let report: CheckReport
            do {
                report = try Check.run(folder: folder, configurationFile: Check.configurationFile(path: config), cache: cache)
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode(2)
            }
            guard report.errorCount == 0 else {
                for diagnostic in report.diagnostics where diagnostic.severity == .error {
                    Terminal.error(DiagnosticFormatter.text(diagnostic), newline: false)
                }
                Terminal.error("No statistics: \(report.errorCount) error\(report.errorCount == 1 ? "" : "s") in \(folder) (postmortem check \(folder) lists them).")
                throw ExitCode(1)
            }
            return try Stats.render(Stats.report(report, options: options, cache: cache), format: format, folder: folder)
        }
        print(try buildCache.withCache(configurationPath: config, figures).result, terminator: "")
    }
}

extension Granularity: ExpressibleByArgument {}
extension Stats.Format: ExpressibleByArgument {}
