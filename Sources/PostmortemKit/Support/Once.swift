import Foundation

/// A value made the first time any thread asks for it, and only then: for
/// what most builds never need (the "did you mean" names of a folder, read
/// only when a link is broken) but many threads may.
final class Once<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: Value?
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) { self.make = make }

    /// The value if something asked for it already; nil (and nothing made) if not.
    var ifMade: Value? { lock.withLock { made } }

    /// The value; the first call makes it while the others wait.
    var value: Value {
        lock.withLock {
            if let made { return made }
            let value = make()
            made = value
            return value
        }
    }
}
