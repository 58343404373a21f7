import ArgumentParser
import PostmortemKit

@main
struct PostmortemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Turns a folder of Markdown postmortems into a knowledge base.",
        version: "0.1.0",
        subcommands: [BuildCommand.self, CheckCommand.self, StatsCommand.self, InitCommand.self, NewCommand.self, ServeCommand.self,
                      ImportCommand.self]
    )

    static func main() async {
        // The commands that load a whole folder once and end, set up before another thread allocates
        // (`serve` lives on between builds and keeps glibc's defaults).
        let command = CommandLine.arguments.dropFirst().first
        let oneShot: [any ParsableCommand.Type] = [BuildCommand.self, CheckCommand.self, StatsCommand.self]
        if oneShot.contains(where: { $0.configuration.commandName == command }) {
            Build.prepareOneShotProcess()
        }
        await main(nil)
    }
}
