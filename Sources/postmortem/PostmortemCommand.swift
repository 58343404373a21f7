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
        Allocator.tune()
        await main(nil)
    }
}
