import ArgumentParser
import Foundation
import PostmortemCLI
import PostmortemKit
import PostmortemServer

/// `postmortem serve`'s server. It is a program of its own so that the
/// other commands do not load the HTTP stack: FlyingFox brings in
/// FoundationNetworking, and with it libcurl and some thirty shared
/// libraries, which took 10 ms at every start of `postmortem` (twice for
/// `build`, which starts itself again: docs/benchmarks.md, twenty-eighth
/// round). `postmortem serve` checks the command line and starts this in
/// its place, with the same arguments; run alone, it takes them too.
@main
struct ServeMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem serve", abstract: ServeOptions.abstract, discussion: ServeOptions.discussion)

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let site = options.site, port = options.port
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
