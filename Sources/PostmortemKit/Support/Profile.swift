import Dispatch
import Foundation

/// Where a build's time goes, when `POSTMORTEM_PROFILE=1` is set: seconds
/// of CPU per named step, summed over every core, printed to standard error
/// at the end of a build (see docs/benchmarks.md). Off, it costs one check.
enum Profile {
    static let enabled = ProcessInfo.processInfo.environment["POSTMORTEM_PROFILE"] == "1"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var totals: [String: (seconds: Double, count: Int)] = [:]

    static func start() -> UInt64 { enabled ? DispatchTime.now().uptimeNanoseconds : 0 }

    static func add(_ step: String, since start: UInt64, until end: UInt64? = nil) {
        guard enabled else { return }
        let seconds = Double((end ?? DispatchTime.now().uptimeNanoseconds) &- start) / 1e9
        lock.withLock {
            let old = totals[step] ?? (0, 0)
            totals[step] = (old.seconds + seconds, old.count + 1)
        }
    }

    /// Times `body` as `step`.
    static func measure<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
        let started = start()
        defer { add(step, since: started) }
        return try body()
    }

    /// The steps, the slowest first.
    static func report() -> String {
        lock.withLock {
            totals.sorted { $0.value.seconds > $1.value.seconds }.map { step, total in
                String(format: "%9.3f s %7d× %@", total.seconds, total.count, step)
            }.joined(separator: "\n")
        }
    }
}
