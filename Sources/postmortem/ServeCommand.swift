import ArgumentParser
import Foundation
import PostmortemKit
import PostmortemServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, serve it on 127.0.0.1 and rebuild and reload open pages when a postmortem, template or the configuration changes.",
        discussion: """
            A build with errors writes nothing: the last good site stays served, with the errors over each page \
            until they are fixed. Ctrl-C stops. Exit status: 0 stopped, 2 the site cannot be served (output folder \
            refused, source folder missing, port in use), 64 a wrong command line.
            """
    )

    @Option(help: "The port to listen on, on 127.0.0.1 (0: any free port).")
    var port: UInt16 = 4000

    @OptionGroup var site: SiteOptions

    func run() async throws {
        let fixedNow = try site.now.map { try CommandLineTime.parse($0) }
        let out = site.outputFolder
        let server = DevServer(options: DevServer.Options(build: site.build(now: Date()), fixedNow: fixedNow, port: port)) { log in
            Output.write(log.diagnostics + log.summary)
        }
        let signals = Signals.stream([SIGINT, SIGTERM])
        let listening: UInt16
        do {
            listening = try await server.start()
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        Output.write("Serving \(out) on http://127.0.0.1:\(listening)/ — watching \(site.source)\(site.templatesFolder.map { ", \($0)" } ?? "") and \(site.config ?? "postmortem.yml"); Ctrl-C stops.\n")
        for await _ in signals { break }
        await server.stop()
        Output.write("Stopped.\n")
    }
}

/// SIGINT and SIGTERM as an async stream, so the command stops cleanly instead of being killed.
enum Signals {
    static func stream(_ numbers: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let queue = DispatchQueue(label: "postmortem.signals")
            // Kept alive by the termination handler, which cancels them when the stream ends.
            nonisolated(unsafe) let sources = numbers.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            continuation.onTermination = { _ in sources.forEach { $0.cancel() } }
        }
    }
}

/// Standard output written at once, also when it is a pipe or a file (a long-running command's log).
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
