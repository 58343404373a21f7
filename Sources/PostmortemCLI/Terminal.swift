import ArgumentParser
import Foundation
import PostmortemKit

/// Output to the terminal: results on standard output, errors, verbose notes
/// and the progress line on standard error.
public enum Terminal {
    public static func error(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((newline ? text + "\n" : text).utf8))
    }

    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Whether to paint what goes to `descriptor` (DiagnosticFormatter.usesColors).
    public static func colors(_ descriptor: Int32) -> Bool {
        DiagnosticFormatter.usesColors(isTerminal: isTerminal(descriptor), environment: ProcessInfo.processInfo.environment)
    }
}

/// `--quiet` and `--verbose`, shared by the commands that report as they go.
public struct OutputOptions: ParsableArguments {
    public init() {}

    @Flag(name: .shortAndLong, help: "Print only the problems (and errors), no summary or progress.")
    public var quiet = false

    @Flag(name: .shortAndLong, help: "Also print what is read and how long each stage takes (to standard error).")
    public var verbose = false

    public func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    /// A line for `--verbose`, on standard error.
    public func note(_ text: String) {
        if verbose { Terminal.error(text) }
    }
}

/// `Building… rendering 154 pages (1.4 s)` on standard error, only on a
/// terminal, only once a build has taken a second, rewritten in place and
/// erased when done.
public final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var stage = "checking"
    private var shown = false
    private var finished = false
    private let started = Date()
    private let timer: DispatchSourceTimer?

    public init(enabled: Bool) {
        guard enabled else {
            timer = nil
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        self.timer = timer
        timer.schedule(deadline: .now() + 1, repeating: 0.2)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
    }

    public func update(_ stage: String) {
        lock.withLock { self.stage = stage }
    }

    private func draw() {
        lock.withLock {
            guard !finished else { return }
            shown = true
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            Terminal.error("\r\u{1B}[2KBuilding… \(stage) (\(seconds) s)", newline: false)
        }
    }

    /// Stops the timer and erases the line, if it was ever drawn.
    public func finish() {
        timer?.cancel()
        lock.withLock {
            finished = true
            if shown { Terminal.error("\r\u{1B}[2K", newline: false) }
        }
    }
}
