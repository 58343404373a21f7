import ArgumentParser
import Foundation
import PostmortemCLI
import PostmortemKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a new knowledge base: postmortem.yml and postmortems/ with one example.",
        discussion: """
            Never overwrites: when a file it would write exists, nothing is written. With --theme it also \
            copies the default theme into site-templates/, where `build` picks up your changes file by file.
            """
    )

    @Argument(help: "The folder to start the knowledge base in (made when missing).", completion: .directory)
    var folder: String = "."

    @Option(help: "The language of the example and the site's UI.")
    var language: Language = .en

    @Flag(help: "Also copy the default theme into site-templates/ for customising.")
    var theme = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let written: [String]
        do {
            written = try Starter.run(Starter.Options(folder: folder, language: language, copyTheme: theme))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        guard !output.quiet else { return }
        let base = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL.path
        for path in written {
            let relative = path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
            print("created \(folder == "." ? relative : folder + "/" + relative)")
        }
        let enter = folder == "." ? "" : "cd \(folder) && "
        print("Next: \(enter)postmortem build, then open _site/index.html")
    }
}

extension Language: ExpressibleByArgument {}
