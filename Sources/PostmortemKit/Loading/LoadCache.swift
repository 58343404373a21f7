import Foundation

/// What a build keeps of its load stage so the next one loads only the
/// files that changed: per file, the digest of its bytes, its id, and its
/// finished postmortem with its diagnostics. A file's entry is reused while
/// its bytes and the configuration are the same and, since its links point
/// into the whole folder, while the folder's index of ids and files is the
/// same; when only the index changed, the id still spares reading the front
/// matter of an unchanged file to know it.
///
/// `serve` keeps one in memory across its rebuilds. (Kept on disk for
/// `build`, as JSON, it cost more to read and write than loading again:
/// docs/benchmarks.md.)
public final class LoadCache: @unchecked Sendable {
    struct Entry: Sendable {
        /// `StableHasher` digest of the file's bytes.
        var digest: UInt64
        /// The id in the folder's index; nil for a file that is no postmortem (not text).
        var id: String?
        var finished: LoadedFile
    }

    /// One build's entries, read-only.
    struct Snapshot: Sendable {
        var configurationKey: String
        /// `SourceIndex.digest` of the folder the entries were finished in.
        var index: UInt64
        /// Path of the file (as `SourceFile.path`) → its entry.
        var entries: [String: Entry]

        func entry(_ file: SourceFile, digest: UInt64) -> Entry? {
            guard let entry = entries[file.path], entry.digest == digest else { return nil }
            return entry
        }
    }

    private let lock = NSLock()
    private var snapshot: Snapshot?
    /// Files loaded and reused by the last build, for tests and `--verbose`.
    public private(set) var lastCounts = (loaded: 0, reused: 0)

    public init() {}

    /// The last build's entries, or none when the configuration changed since.
    func snapshot(configurationKey: String) -> Snapshot? {
        lock.withLock {
            guard let snapshot, snapshot.configurationKey == configurationKey else { return nil }
            return snapshot
        }
    }

    func store(_ new: Snapshot, loaded: Int, reused: Int) {
        lock.withLock {
            snapshot = new
            lastCounts = (loaded, reused)
        }
    }
}
