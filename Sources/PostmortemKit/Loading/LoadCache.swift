import Foundation

/// What a long-running process (`serve`) keeps between builds so a rebuild
/// loads only the files that changed: each file's front matter and its
/// finished postmortem, reused while the file's bytes and the configuration
/// are the same, and (for the finished half, whose links point into the
/// whole folder) while the folder's index of ids and files is the same.
public final class LoadCache: @unchecked Sendable {
    struct Entry: Sendable {
        var contents: SourceFile.Contents
        var prepared: PreparedFile
        var finished: LoadedFile?
    }

    /// What one build reads: the entries of the last build, read-only.
    struct Snapshot: Sendable {
        var configurationKey: String
        var index: SourceIndex?
        var entries: [String: Entry]

        /// The file's front matter as last read, when its bytes are unchanged.
        func prepared(_ file: SourceFile) -> PreparedFile? {
            guard let entry = entries[file.path], entry.contents == file.contents else { return nil }
            return entry.prepared
        }

        /// The file's finished postmortem, when its bytes and the index are unchanged.
        func finished(_ file: SourceFile, index: SourceIndex) -> LoadedFile? {
            guard let entry = entries[file.path], entry.contents == file.contents,
                  let previous = self.index, previous.postmortemIDs == index.postmortemIDs, previous.assets == index.assets
            else { return nil }
            return entry.finished
        }
    }

    private let lock = NSLock()
    private var snapshot = Snapshot(configurationKey: "", index: nil, entries: [:])
    /// Files loaded and reused by the last build, for tests and `--verbose`.
    public private(set) var lastCounts = (loaded: 0, reused: 0)

    public init() {}

    /// The last build's entries, or none when the configuration changed since.
    func snapshot(configurationKey: String) -> Snapshot {
        lock.withLock {
            snapshot.configurationKey == configurationKey ? snapshot
                : Snapshot(configurationKey: configurationKey, index: nil, entries: [:])
        }
    }

    func store(_ new: Snapshot, loaded: Int, reused: Int) {
        lock.withLock {
            snapshot = new
            lastCounts = (loaded, reused)
        }
    }
}
