import ArgumentParser
import Foundation
import PostmortemCLI
import PostmortemKit

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a postmortem: postmortems/YYYY-MM-DD-<title>.md from the team's template, front matter prefilled.",
        discussion: """
            The template is postmortem.md (or postmortem.ja.md) of the templates folder when it has one, else the \
            built-in one. The id is the next free one in the pattern of the ids already used (INC-<year>-001 when \
            there are none); the date is today in the configuration's time zone. Never overwrites: when the name \
            is taken, -2, -3… is added. Prints the path. Exit status: 0 created, 1 created but the (edited) \
            template gives errors, 2 nothing created, 64 a wrong command line.
            """
    )

    @Argument(help: "The postmortem's title, in quotes.")
    var title: String

    @Option(help: "The severity level (one of the configuration's, e.g. SEV2).")
    var severity: String?

    @Option(name: .customLong("service"), help: "A service that was hurt (repeat for several).")
    var services: [String] = []

    @Option(name: [.customLong("lang"), .customLong("language")], help: "The template's language (default: the site's).")
    var language: Language?

    @Option(help: "The folder of postmortems.")
    var source: String = "postmortems"

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).")
    var config: String?

    @Option(help: "A folder whose postmortem.md / postmortem.ja.md replace the built-in templates (default: site-templates/ when present).")
    var templates: String?

    @Option(help: "The date and time taken as now (ISO 8601), for reproducible files.")
    var now: String?

    func run() throws {
        let reference = try CommandLineTime.parse(now)
        let configuration: SiteConfiguration
        do {
            let loaded = try Check.configurationFile(path: config).map(ConfigurationLoader.load)
            for diagnostic in loaded?.diagnostics ?? [] { Terminal.error(DiagnosticFormatter.text(diagnostic), newline: false) }
            configuration = loaded?.configuration ?? .default
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        let result: NewPostmortem.Result
        do {
            result = try NewPostmortem.run(NewPostmortem.Options(
                title: title, sourceFolder: source, language: language, severity: severity, services: services,
                templatesFolder: templates ?? (FileManager.default.fileExists(atPath: "site-templates") ? "site-templates" : nil),
                configuration: configuration, now: reference))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        for diagnostic in result.diagnostics { Terminal.error(DiagnosticFormatter.text(diagnostic), newline: false) }
        print(result.path)
        if result.diagnostics.contains(where: { $0.severity == .error }) {
            Terminal.error("note: the file was created from the template, but `check` finds errors in it: fix the template")
            throw ExitCode(1)
        }
    }
}
