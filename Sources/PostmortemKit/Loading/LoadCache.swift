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
/// (`Folder`), and writes only the entries of the files it loaded; `check`
/// and `stats` read that one and write nothing (`reading(siteFolder:)`).
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
        /// answers its links' reads got (`IndexReads.digest`) and the stamp its file had when its
        /// bytes were read, all with the configuration `configurationKey`.
        case memory(configurationKey: String, entries: [String: Kept])
        /// Kept on disk (`build`): each entry read when asked for.
        case folder(Folder)

        /// The file's entry when its bytes are the same, and the digest of the answers its links' reads got.
        func entry(_ file: SourceFile, digest: UInt64) -> (entry: Entry, answers: UInt64)? {
            switch self {
            case let .folder(folder):
                return folder.entry(file.path, digest: digest)
            case let .memory(_, entries):
                guard let kept = entries[file.path], kept.entry.digest == digest else { return nil }
                return (kept.entry, kept.answers)
            }
        }

        /// The entry of the file at `path`, unread, when its stamp now
        /// vouches that its bytes are those the entry was made from
        /// (`SourceStamp.vouches`): what spares reading every unchanged file.
        func entry(_ path: String, stamp: SourceStamp, window: Int64) -> (entry: Entry, answers: UInt64)? {
            switch self {
            case let .folder(folder):
                return folder.entry(path, stamp: stamp, window: window)
            case let .memory(_, entries):
                guard let kept = entries[path], let recorded = kept.stamp, stamp.vouches(for: recorded, window: window) else {
                    return nil
                }
                return (kept.entry, kept.answers)
            }
        }
    }

    /// An entry kept in memory, with what the next build checks it against.
    struct Kept: Sendable {
        var entry: Entry
        var answers: UInt64
        var stamp: SourceStamp?
    }

    /// One file's entry as this build leaves it (`store`).
    struct Stored: Sendable {
        /// `SourceFile.path`.
        var path: String
        var entry: Entry
        /// The digest of what its links read of the index.
        var answers: UInt64
        /// The stamp its file had before its bytes were read (or before the last build read them).
        var stamp: SourceStamp?
        var reuse: Reuse
    }

    /// How a build came by a file's entry.
    enum Reuse: Sendable {
        /// Loaded from its bytes.
        case none
        /// Kept from the last build, its bytes read and found the same.
        case byDigest
        /// Kept from the last build, its bytes not read: its stamp vouched for them.
        case byStamp
    }

    private let lock = NSLock()
    /// The last build's entries, when kept in memory.
    private var snapshot: Snapshot?
    /// The cache folder of `build`; nil for one kept in memory.
    private let folder: URL?
    /// The heads the last `snapshot` opened, until `store` writes the next table.
    private var heads: Heads?
    /// Files loaded and reused by the last build, for tests and `--verbose`.
    public private(set) var lastCounts = (loaded: 0, reused: 0)
    /// Of the files the last build reused, how many it did not even read (`Reuse.byStamp`).
    public private(set) var lastUnread = 0
    /// Of the entries the last build reused, how many it read from the heads file (`Heads`).
    private(set) var lastFromHeadsFile = 0

    /// Whether this cache only reads what `build` left (`check`, `stats`):
    /// it writes, renames and removes nothing in its folder.
    private let readOnly: Bool

    /// For a cache kept in memory: the entries' folder of a cache `build`
    /// keeps, read (never written) while this one has no entries of its own,
    /// so its first build loads only the files changed since that build.
    private var seed: URL?

    /// A cache kept in memory, for a process that builds again and again
    /// (`serve`): empty, or starting from the entries `build` keeps beside the
    /// site in `siteFolder` (none there: empty).
    public init(seededFrom siteFolder: String? = nil) {
        folder = nil
        readOnly = false
        seed = siteFolder.flatMap(Self.builtFolder)
    }

    /// The folder of the entries `build` keeps beside the site in `siteFolder`.
    static func folder(ofSite siteFolder: String) -> URL {
        BuildRecord.cacheFolder(of: siteFolder).appendingPathComponent("load")
    }

    /// `folder(ofSite:)` when a build made it; nil when there is none.
    private static func builtFolder(ofSite siteFolder: String) -> URL? {
        let folder = folder(ofSite: siteFolder)
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && isFolder.boolValue ? folder : nil
    }

    /// A cache kept in `folder` between processes (`build`: the site's cache folder).
    public init(folder: URL) {
        self.folder = folder
        readOnly = false
    }

    private init(reading folder: URL) {
        self.folder = folder
        readOnly = true
    }

    /// The load cache `build` keeps beside the site in `siteFolder`, to be
    /// read and never written (`check`, `stats`: a file unchanged since the
    /// last build is not loaded again); nil when no build left one there.
    public static func reading(siteFolder: String) -> LoadCache? {
        builtFolder(ofSite: siteFolder).map(LoadCache.init(reading:))
    }

    /// Reads of texts left in the cache's files (`BodyText`) that failed in this build.
    let textFailures = TextFile.Failures()

    /// The first text of a postmortem that could not be read back from the
    /// cache during the build (its entry was changed or removed meanwhile),
    /// and how many did not; nil when every read succeeded.
    public var unreadText: (file: String, count: Int)? { textFailures.first.map { ($0.path, $0.count) } }

    /// Texts or fields' sites left in the cache that could not be read back.
    struct TextsLost: Error {
        var message: String
    }

    /// Throws when a text or a field's site left in the cache could not be
    /// read back (what was made from it lacks it: publish nothing), after
    /// removing those entries, so the next build loads their files again. A
    /// cache kept in memory whose entries came from `build`'s (`seed`)
    /// forgets every entry and that folder instead: the next build loads
    /// every file.
    func requireEveryTextRead() throws(TextsLost) {
        guard let unread = unreadText else { return }
        if folder == nil {
            lock.withLock {
                snapshot = nil
                seed = nil
            }
            textFailures.reset()
        } else if !readOnly {
            for path in textFailures.paths { unlink(path) }
            // The heads table names those entries too.
            if let files = headsFiles { unlink(files.table) }
        }
        throw TextsLost(message:
            "the build cache changed while the site was built: \(unread.file) no longer holds what its entry says"
                + " (\(DiagnosticFormatter.plural(unread.count, "read")) failed; was another build writing to the same"
                + " folder?); the previous site is unchanged, and the next build loads those files again")
    }

    /// The last build's entries, or none when the configuration changed since.
    func snapshot(configurationKey: String) -> Snapshot? {
        if let folder, let files = headsFiles {
            var entries = Folder(url: folder, configurationKey: configurationKey, failures: textFailures)
            entries.heads = Heads(table: files.table, records: files.records, generation: entries.generation)
            lock.withLock { heads = entries.heads }
            return .folder(entries)
        }
        return lock.withLock {
            if snapshot == nil, let seed {
                var entries = Folder(url: seed, configurationKey: configurationKey, failures: textFailures)
                let files = Self.headsFiles(of: seed)
                entries.heads = Heads(table: files.table, records: files.records, generation: entries.generation)
                return .folder(entries)
            }
            guard case let .memory(kept, _)? = snapshot, kept == configurationKey else { return nil }
            return snapshot
        }
    }

    /// Where `build` writes each entry as soon as its postmortem is finished
    /// (`Folder.keep`); nil for a cache kept in memory.
    func folder(configurationKey: String) -> Folder? {
        guard let folder, !readOnly else { return nil }
        let kept = Folder(url: folder, configurationKey: configurationKey, failures: textFailures)
        kept.prepare()
        return kept
    }

    /// Where `build` keeps every entry's head (`Heads`), beside the entries' folder: the table, and the records it names.
    private var headsFiles: (table: String, records: String)? {
        folder.map(Self.headsFiles)
    }

    private static func headsFiles(of folder: URL) -> (table: String, records: String) {
        let parent = folder.deletingLastPathComponent()
        return (parent.appendingPathComponent("load-heads.table").path, parent.appendingPathComponent("load-heads.records").path)
    }

    /// Where `build` keeps which cause keys are close (`LoadStage.closeCauseKeys`),
    /// beside the entries' folder; nil for a cache kept in memory.
    func closeKeysMemo() -> DigestMemo? { memo(named: "close-cause-keys") }

    /// The build's memo `name` (`DigestMemos`) beside the entries' folder,
    /// read-only when this cache is (`stats` reads `recurrences`); nil for a
    /// cache kept in memory.
    func memo(named name: String) -> DigestMemo? {
        folder.map { DigestMemo(named: name, in: $0.deletingLastPathComponent(), readOnly: readOnly) }
    }

    /// Keeps this build's entries: in memory, or, on disk, where `folder`
    /// wrote them already, by removing the entries of files that are gone
    /// and giving those whose bytes were read and found the same the stamp
    /// their files have now, which the next build may trust. A cache that
    /// only reads keeps nothing: it counts what was reused.
    func store(configurationKey: String, entries: [Stored]) {
        let reused = entries.count { $0.reuse != .none }
        if readOnly {
            lock.withLock { heads = nil }
        } else if let folder, let files = headsFiles {
            let kept = Folder(url: folder, configurationKey: configurationKey)
            let previous = lock.withLock {
                defer { heads = nil }
                return heads
            }
            // No heads table while the entries' files change: one left by a build stopped here is none.
            unlink(files.table)
            let names = entries.map { Folder.digest(of: $0.path) }
            // The folder is listed only when the files are not those the last table named: every
            // entry file but those of the paths the last build had was removed then (a listing of
            // 10,000 files, a third of this step). A build stopped after writing the entry of a file
            // since deleted leaves it there until the files change; it is never read meanwhile.
            if previous?.names(are: names.sorted()) != true {
                kept.removeAllBut(entries.map(\.path))
            }
            let restamped = entries.filter { $0.reuse == .byDigest && $0.stamp != nil }
            Parallel.forEach(restamped, minimumChunk: 64) { item in
                if let stamp = item.stamp { kept.restamp(item.path, stamp) }
            }
            Profile.measure("load: heads file") {
                Heads.write(entries, names: names, previous: previous, folder: kept, table: files.table, records: files.records)
            }
            lock.withLock { lastFromHeadsFile = previous?.takenCount ?? 0 }
        } else {
            var kept: [String: Kept] = [:]
            kept.reserveCapacity(entries.count)
            for item in entries { kept[item.path] = Kept(entry: item.entry, answers: item.answers, stamp: item.stamp) }
            lock.withLock { snapshot = .memory(configurationKey: configurationKey, entries: kept) }
        }
        let unread = entries.count { $0.reuse == .byStamp }
        lock.withLock {
            lastCounts = (entries.count - reused, reused)
            lastUnread = unread
        }
    }
}
