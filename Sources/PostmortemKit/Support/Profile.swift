import Dispatch
import Foundation

/// Where a build's time goes, when `POSTMORTEM_PROFILE=1` is set: seconds
/// of CPU per named step, summed over every core, printed to standard error
/// at the end of a build (see docs/benchmarks.md). With
/// `POSTMORTEM_PROFILE=timeline`, when each step of the build's own thread
/// began and ended instead, in seconds from the first: what runs on one
/// core and what beside it. Off, it costs one check.
enum Profile {
    static let setting = ProcessInfo.processInfo.environment["POSTMORTEM_PROFILE"]
    static let enabled = setting == "1" || timeline
    static let timeline = setting == "timeline"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var totals: [String: (seconds: Double, count: Int)] = [:]
    /// Steps measured once (a page's view and render are measured per page), for the timeline.
    nonisolated(unsafe) private static var spans: [(step: String, start: UInt64, end: UInt64)] = []

    static func start() -> UInt64 { enabled ? DispatchTime.now().uptimeNanoseconds : 0 }

    static func add(_ step: String, since start: UInt64, until end: UInt64? = nil) {
        guard enabled else { return }
        let stop = end ?? DispatchTime.now().uptimeNanoseconds
        let seconds = Double(stop &- start) / 1e9
        lock.withLock {
            let old = totals[step] ?? (0, 0)
            totals[step] = (old.seconds + seconds, old.count + 1)
            if timeline { spans.append((step, start, stop)) }
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
        timeline ? timelineReport() : totalsReport()
    }

    /// Each step measured once, by when it began: start and end in seconds from the first step's start.
    private static func timelineReport() -> String {
        lock.withLock {
            let once = spans.filter { totals[$0.step]?.count == 1 }
            let origin = once.map(\.start).min() ?? 0
            return once.sorted { $0.start < $1.start }.map { span in
                String(format: "%7.3f %7.3f  %@", Double(span.start &- origin) / 1e9, Double(span.end &- origin) / 1e9, span.step)
            }.joined(separator: "\n")
        }
    }

    private static func totalsReport() -> String {
        lock.withLock {
            totals.sorted { $0.value.seconds > $1.value.seconds }.map { step, total in
                String(format: "%9.3f s %7d× %@", total.seconds, total.count, step)
            }.joined(separator: "\n")
        }
    }
}
