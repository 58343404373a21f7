import ArgumentParser
import Foundation
import PostmortemCLI

/// `postmortem serve`: the command line checked here (help and mistakes
/// answered as for any command), then the server program beside this one
/// (`postmortem-serve`) started in this process's place with the same
/// arguments, so Ctrl-C, the output and the exit status are the server's.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: ServeOptions.abstract, discussion: ServeOptions.discussion)

    @OptionGroup var options: ServeOptions

    func run() throws {
        let program = Self.serverPath
        // What followed `serve` on the command line, as it was.
        let arguments = CommandLine.arguments.dropFirst().drop { $0 != Self.configuration.commandName }.dropFirst()
        guard FileManager.default.isExecutableFile(atPath: program) else {
            Terminal.error("""
                error: `serve` runs the server program \(program), which is not there: build it with \
                `swift build --product \(ServeOptions.serverProgram)` (scripts/build-release builds both), \
                or install it beside `postmortem`.
                """)
            throw ExitCode(2)
        }
        let argv = ([program] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        execv(program, argv + [nil])
        Terminal.error("error: cannot start the server program \(program): \(String(cString: strerror(errno)))")
        throw ExitCode(2)
    }

    /// The server program: beside this program's file (links followed).
    static var serverPath: String {
        let this = Bundle.main.executableURL?.resolvingSymlinksInPath()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return this.deletingLastPathComponent().appendingPathComponent(ServeOptions.serverProgram).path
    }
}
