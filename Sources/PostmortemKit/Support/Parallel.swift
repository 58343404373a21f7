import Dispatch
import Foundation

/// Data parallelism for the pure stages: the same function over many
/// independent values, on every core, results in input order (so the output
/// never depends on scheduling).
enum Parallel {
    /// How many workers: the machine's active cores, or `POSTMORTEM_THREADS` when set (1 turns parallelism off).
    static let workers: Int = {
        if let text = ProcessInfo.processInfo.environment["POSTMORTEM_THREADS"], let count = Int(text), count >= 1 {
            return count
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// `items.map(transform)`, computed in chunks on all workers. Small inputs
    /// (or one worker) run on the calling thread.
    static func map<Input: Sendable, Output: Sendable>(
        _ items: [Input], minimumChunk: Int = 8, _ transform: @Sendable (Input) -> Output
    ) -> [Output] {
        let count = items.count
        guard workers > 1, count > minimumChunk else { return items.map(transform) }
        // A few chunks per worker, so one slow file does not leave a core idle.
        let chunks = min(count / minimumChunk, workers * 8)
        let results = Results<Output>(count: count)
        items.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
                for index in start..<end { results.set(index, transform(input[index])) }
            }
        }
        return results.values()
    }

    /// `try items.forEach(body)` on all workers: every item is tried, and the
    /// error of the first item (in input order) that failed is thrown.
    static func forEach<Input: Sendable>(
        _ items: [Input], minimumChunk: Int = 8, _ body: @Sendable (Input) throws -> Void
    ) throws {
        let failures = map(items, minimumChunk: minimumChunk) { item -> (any Error)? in
            do { try body(item) } catch { return error }
            return nil
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Slots written by index from many threads, each slot by exactly one
    /// (raw memory: no exclusivity check serialises or traps the writes).
    private final class Results<Output>: @unchecked Sendable {
        private let slots: UnsafeMutablePointer<Output?>
        private let count: Int

        init(count: Int) {
            self.count = count
            slots = UnsafeMutablePointer<Output?>.allocate(capacity: count)
            slots.initialize(repeating: nil, count: count)
        }

        deinit {
            slots.deinitialize(count: count)
            slots.deallocate()
        }

        func set(_ index: Int, _ value: Output) { slots[index] = value }

        /// Every slot, in order (each was set once by `concurrentPerform`, which returns only when all are done).
        func values() -> [Output] { UnsafeBufferPointer(start: slots, count: count).compactMap { $0 } }
    }
}
