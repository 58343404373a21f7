import Dispatch
import Foundation
import Synchronization

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

    /// `items.map(transform)`, computed on all workers. Small inputs (or one
    /// worker) run on the calling thread.
    ///
    /// Work is handed out as it is done ("guided" scheduling): each worker
    /// takes the next run of items, a share of what is left, never fewer than
    /// `minimumChunk`; runs shrink toward the end, so a stretch of slow items
    /// (a site's long list pages all come last) is shared by every core
    /// instead of falling into one fixed chunk while the other cores idle.
    static func map<Input: Sendable, Output: Sendable>(
        _ items: [Input], minimumChunk: Int = 8, _ transform: @Sendable (Input) -> Output
    ) -> [Output] {
        let count = items.count
        guard workers > 1, count > minimumChunk else { return items.map(transform) }
        let results = Results<Output>(count: count)
        let cursor = Cursor(count: count, workers: workers, minimumRun: max(1, minimumChunk))
        items.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let run = cursor.next() {
                    for index in run { results.set(index, transform(input[index])) }
                }
            }
        }
        return results.values()
    }

    /// The next items to take, shared by the workers.
    private final class Cursor: Sendable {
        private let taken = Atomic<Int>(0)
        private let count: Int, workers: Int, minimumRun: Int

        init(count: Int, workers: Int, minimumRun: Int) {
            self.count = count
            self.workers = workers
            self.minimumRun = minimumRun
        }

        /// A run of half of what is left per worker (at least `minimumRun`), or nil when all are taken.
        func next() -> Range<Int>? {
            var start = taken.load(ordering: .relaxed)
            while start < count {
                let end = min(count, start + max(minimumRun, (count - start) / (2 * workers)))
                let (exchanged, original) = taken.compareExchange(expected: start, desired: end, ordering: .relaxed)
                if exchanged { return start..<end }
                start = original
            }
            return nil
        }
    }

    /// `(first(), second())`, the two computed at once (one after the other
    /// with one worker): for independent stages that are each one core's work.
    ///
    /// `second` runs on a thread of its own and `first` on the caller's, not
    /// as two lanes of a `concurrentPerform`: Dispatch runs an apply nested in
    /// another's lane on that lane's thread alone, so a stage that spreads
    /// over every core itself (`map`) would keep to one core, and leave the
    /// other idle once the shorter lane ends (2.3 s of a full build at 10,000,
    /// text similarity beside recurrences).
    static func both<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
        guard workers > 1 else { return (first(), second()) }
        return withoutActuallyEscaping(second) { second in
            let lane = Lane(second)
            let thread = Thread { lane.run() }
            thread.stackSize = 8 << 20
            thread.start()
            let a = first()
            return (a, lane.result())
        }
    }

    /// The work of `both`'s second lane, and its result.
    private final class Lane<Output>: @unchecked Sendable {
        private var work: (() -> Output)?
        private let slot = Results<Output>(count: 1)
        private let done = DispatchSemaphore(value: 0)

        init(_ work: @escaping () -> Output) { self.work = work }

        /// Runs the work on the calling thread, and lets go of it before saying it is done:
        /// `both` must hold the only reference to it when it returns.
        func run() {
            do {
                let work = self.work.take()!
                slot.set(0, work())
            }
            done.signal()
        }

        /// The result, once `run` is done.
        func result() -> Output {
            done.wait()
            return slot.take()
        }
    }

    /// `items.forEach(body)` on all workers.
    static func forEach<Input: Sendable>(_ items: [Input], minimumChunk: Int = 8, _ body: @Sendable (Input) -> Void) {
        _ = map(items, minimumChunk: minimumChunk, body)
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
    ///
    /// Outputs are moved in and moved out, never copied: a copy retains every
    /// text and list an output holds, and at 10,000 postmortems those objects
    /// are cold in the cache, so copies were a tenth of the load stage's CPU.
    private final class Results<Output>: @unchecked Sendable {
        private let slots: UnsafeMutablePointer<Output>
        private let count: Int
        /// Whether the slots were moved out (`values`, `take`); until then every slot is set.
        private var moved = false

        init(count: Int) {
            self.count = count
            slots = UnsafeMutablePointer<Output>.allocate(capacity: count)
        }

        deinit {
            // The transforms cannot throw, so when the workers return every slot is set.
            if !moved { slots.deinitialize(count: count) }
            slots.deallocate()
        }

        func set(_ index: Int, _ value: consuming Output) { (slots + index).initialize(to: value) }

        /// Slot 0 of a one-slot result, moved out (each slot was set once by `concurrentPerform`).
        func take() -> Output {
            precondition(count == 1 && !moved)
            moved = true
            return slots.move()
        }

        /// Every slot, in order, moved out (each was set once by `concurrentPerform`, which returns only when all are done).
        func values() -> [Output] {
            precondition(!moved)
            moved = true
            guard count > 0 else { return [] }
            return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                buffer.baseAddress!.moveInitialize(from: slots, count: count)
                initialized = count
            }
        }
    }
}
