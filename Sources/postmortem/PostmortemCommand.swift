import ArgumentParser
import PostmortemKit

@main
struct PostmortemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Turns a folder of Markdown postmortems into a knowledge base.",
        version: "0.1.0",
        subcommands: [BuildCommand.self, CheckCommand.self, StatsCommand.self, InitCommand.self]
    )
}
