import Foundation
import Glibc

/// What a build keeps of its load stage so the next one loads only the
/// files that changed: per file, the digest of its bytes, its id, and its
/// finished postmortem with its diagnostics. A file's entry is reused while
/// its bytes and the configuration are the same and, since its links point
/// into the folder, while what its links read of the folder's index of ids
/// and files (`IndexReads`) gets the answers it got; when they changed, the id still
/// spares reading the front matter of an unchanged file to know it.
///
/// `serve` keeps one in memory across its rebuilds; `build` keeps its
/// entries on disk, one file per postmortem in the site's cache folder
/// (`Folder`), and writes only the entries of the files it loaded.
public final class LoadCache: @unchecked Sendable {
    struct Entry: Sendable {
        /// `StableHasher` digest of the file's bytes.
        var digest: UInt64
        /// The id in the folder's index; nil for a file that is no postmortem (not text).
        var id: String?
        var finished: LoadedFile
    }

    /// The last build's entries, read-only.
    enum Snapshot: Sendable {
        /// Kept in memory (`serve`): the entries by `SourceFile.path`, each with the digest of the
        /// answers its links' reads got (`IndexReads.digest`), all with the configuration `configurationKey`.
        case memory(configurationKey: String, entries: [String: (entry: Entry, answers: UInt64)])
        /// Kept on disk (`build`): each entry read when asked for.
        case folder(Folder)

        /// The file's entry when its bytes are the same, and the digest of the answers its links' reads got.
        func entry(_ file: SourceFile, digest: UInt64) -> (entry: Entry, answers: UInt64)? {
            switch self {
            case let .folder(folder):
                return folder.entry(file.path, digest: digest)
            case let .memory(_, entries):
                guard let kept = entries[file.path], kept.entry.digest == digest else { return nil }
                return kept
            }
        }
    }

    private let lock = NSLock()
    /// The last build's entries, when kept in memory.
    private var snapshot: Snapshot?
    /// The cache folder of `build`; nil for one kept in memory.
    private let folder: URL?
    /// Files loaded and reused by the last build, for tests and `--verbose`.
    public private(set) var lastCounts = (loaded: 0, reused: 0)

    /// A cache kept in memory, for a process that builds again and again (`serve`).
    public init() { folder = nil }

    /// A cache kept in `folder` between processes (`build`: the site's cache folder).
    public init(folder: URL) { self.folder = folder }

    /// Reads of texts left in the cache's files (`BodyText`) that failed in this build.
    let textFailures = TextFile.Failures()

    /// The first text of a postmortem that could not be read back from the
    /// cache during the build (its entry was changed or removed meanwhile),
    /// and how many did not; nil when every read succeeded.
    public var unreadText: (file: String, count: Int)? { textFailures.first.map { ($0.path, $0.count) } }

    /// Throws when a text or a field's site left in the cache could not be
    /// read back (what was made from it lacks it: publish nothing), after
    /// removing those entries, so the next build loads their files again.
    func requireEveryTextRead() throws {
        guard let unread = unreadText else { return }
        for path in textFailures.paths { unlink(path) }
        throw SiteWriter.Failure.io(
            "the build cache changed while the site was built: \(unread.file) no longer holds what its entry says"
                + " (\(DiagnosticFormatter.plural(unread.count, "read")) failed; was another build writing to the same"
                + " folder?); the previous site is unchanged, and the next build loads those files again")
    }

    /// The last build's entries, or none when the configuration changed since.
    func snapshot(configurationKey: String) -> Snapshot? {
        if let folder { return .folder(Folder(url: folder, configurationKey: configurationKey, failures: textFailures)) }
        return lock.withLock {
            guard case let .memory(kept, _)? = snapshot, kept == configurationKey else { return nil }
            return snapshot
        }
    }

    /// Where `build` writes each entry as soon as its postmortem is finished
    /// (`Folder.keep`); nil for a cache kept in memory.
    func folder(configurationKey: String) -> Folder? {
        guard let folder else { return nil }
        let kept = Folder(url: folder, configurationKey: configurationKey, failures: textFailures)
        kept.prepare()
        return kept
    }

    /// Keeps this build's entries (`path`: `SourceFile.path`; `answers`: the
    /// digest of what its links read of the index; `reused`: read from the
    /// cache, unchanged): in memory, or, on disk, where `folder` wrote them
    /// already, by removing the entries of files that are gone.
    func store(configurationKey: String, entries: [(path: String, entry: Entry, answers: UInt64, reused: Bool)]) {
        let reused = entries.count { $0.reused }
        if let folder {
            Folder(url: folder, configurationKey: configurationKey).removeAllBut(entries.map(\.path))
        } else {
            var kept: [String: (entry: Entry, answers: UInt64)] = [:]
            kept.reserveCapacity(entries.count)
            for item in entries { kept[item.path] = (item.entry, item.answers) }
            lock.withLock { snapshot = .memory(configurationKey: configurationKey, entries: kept) }
        }
        lock.withLock { lastCounts = (entries.count - reused, reused) }
    }
}
