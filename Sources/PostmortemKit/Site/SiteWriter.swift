import Foundation
#if canImport(Glibc)
import CGlibc
#endif

/// The write stage, the only one that writes the disk. The new site is
/// built beside the old one and swapped in at the end, so a failed or
/// interrupted build leaves the previous site as it was; and the output
/// folder must be one this tool wrote (a marker file tells).
public enum SiteWriter {
    /// Written at the root of every site; its presence allows replacing the folder.
    public static let markerName = ".postmortem-kb-site"

    public enum Failure: Error, CustomStringConvertible {
        case unsafeOutput(String, String)
        case io(String)
        /// Files the user put in the site at paths the new site needs.
        case userFileClash([String])

        public var description: String {
            switch self {
            case let .unsafeOutput(path, why): "will not write the site to '\(path)': \(why)"
            case let .io(what): what
            case let .userFileClash(paths):
                paths.map { "'\($0)'" }.joined(separator: ", ")
                    + (paths.count == 1 ? " was" : " were") + " not written by Postmortem KB, and the new site has its own file there;"
                    + " move or rename \(paths.count == 1 ? "it" : "them") (Postmortem KB never overwrites a file it did not write);"
                    + " the previous site is unchanged"
            }
        }
    }

    /// Checks that `output` may be replaced by a site: never `/`, a home
    /// folder, the working folder, the source folder or one around or inside
    /// it, nor a folder of files this tool did not write.
    public static func checkOutput(_ output: String, sourceFolder: String) throws {
        let fileManager = FileManager.default
        let out = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
        let source = URL(fileURLWithPath: sourceFolder).standardizedFileURL.resolvingSymlinksInPath().path
        let home = fileManager.homeDirectoryForCurrentUser.standardizedFileURL.resolvingSymlinksInPath().path
        let working = URL(fileURLWithPath: fileManager.currentDirectoryPath).standardizedFileURL.resolvingSymlinksInPath().path
        func within(_ path: String, _ folder: String) -> Bool { path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") }
        if out == "/" || out == home || out == working {
            throw Failure.unsafeOutput(output, "it is \(out == "/" ? "the root folder" : out == home ? "the home folder" : "the working folder")")
        }
        if within(source, out) { throw Failure.unsafeOutput(output, "it holds the postmortems of '\(sourceFolder)'") }
        if within(out, source) { throw Failure.unsafeOutput(output, "it is inside the source folder '\(sourceFolder)'") }
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure.unsafeOutput(output, "it is a file") }
            let contents = (try? fileManager.contentsOfDirectory(atPath: out)) ?? []
            if !contents.isEmpty, !contents.contains(markerName) {
                throw Failure.unsafeOutput(output, "it holds files that Postmortem KB did not write (no \(markerName)); choose another --out or empty it")
            }
        }
    }

    public struct Report: Sendable {
        /// Every file of the new site.
        public var filesWritten: Int
        /// Of those, the files whose bytes differ from the previous site's (or are new).
        public var filesChanged: Int = 0
        /// Files (and folders) of the previous site that the tool did not write, kept in the new one.
        public var kept: [Kept] = []
    }

    /// A file, or a folder holding nothing of the tool's (`pdfs/`), that the
    /// tool did not write and kept in the new site.
    public struct Kept: Sendable, Hashable {
        /// The site path; a folder's ends with `/`.
        public var path: String
        /// The files in a folder (1 for a file).
        public var files: Int

        /// `_site/CNAME: note: not written by postmortem; kept in the new site as it is`
        public func note(in output: String) -> String {
            let place = output.hasSuffix("/") ? output + path : output + "/" + path
            let what = path.hasSuffix("/")
                ? "\(DiagnosticFormatter.plural(files, "file")) not written by postmortem; kept in the new site as \(files == 1 ? "it is" : "they are")"
                : "not written by postmortem; kept in the new site as it is"
            return "\(place): note: \(what)"
        }
    }

    /// Writes a whole plan made in memory (tests and small sites; builds stream into `Staging`).
    public static func write(_ plan: OutputPlan, to output: String, sourceFolder: String) throws -> Report {
        let staging = try Staging(output: output, sourceFolder: sourceFolder)
        do {
            try plan.replay(into: staging)
            return try staging.commit()
        } catch {
            staging.abandon()
            throw error
        }
    }

    /// The new site while it is made: a hidden folder beside the output that
    /// the render stage fills file by file from every core (each page leaves
    /// memory once written), swapped in by `commit`. A file whose bytes equal
    /// the previous site's is a hard link to it, so it keeps its modification
    /// time and a deploy copies only what changed.
    ///
    /// The site the swap retires is not removed but kept in the cache folder
    /// (`spare`), and the next build takes it as its staging folder: its
    /// files are hard links to the files of the site then in place, all but
    /// those the swap's build made, so a page whose key did not change is
    /// already where it goes (one `lstat` says so). A rebuild after one edit
    /// at 10,000 postmortems then neither links 12,500 files into a new
    /// folder nor unlinks 12,500 from the old one. Its other entries (the
    /// files of a site before, the user's files, anything put there) are
    /// taken out before the swap (`commit`); a file is only ever written
    /// after its old entry is unlinked, never into a file the site in place
    /// shares.
    public final class Staging: KeepingSink, @unchecked Sendable {
        let target: URL
        let staging: URL
        let retired: URL
        /// Where the retired site waits for the next build.
        let spare: URL
        /// Whether `staging` is a spare: a tree with entries already in it.
        let reusing: Bool
        /// The previous site, when there is one.
        let previous: URL?
        /// `staging` and `previous` as paths: a file's path is one of them, "/" and its site path
        /// (`URL.appendingPathComponent` took a tenth of a one-edit rebuild's CPU).
        private let stagingPath: String
        /// The staging folder, open while the staging is a spare: a page's entry is looked at
        /// relative to it (`keep`), its path resolved from there, not from the root (a third of
        /// the cost of 12,500 `lstat`s).
        private let stagingFolder: Int32
        private let previousPath: String?
        /// The files the tool wrote in the previous site (its marker's list, else
        /// the build record's); nil for a site of an older version, all its own.
        let previousOwn: Set<String>?
        private let lock = NSLock()
        private var folders: Set<String> = []
        private var written = 0, changed = 0
        /// Paths whose spare entry `hasPrevious` found to be the site's file, with that file's stamp.
        private var vouched: [String: FileIO.Stamp] = [:]
        /// Site path → stamp of every file placed: what a later build compares the site with.
        private var stamps: [String: FileIO.Stamp] = [:]

        /// `ownFilesRead`: the previous site's list of the tool's files, read
        /// ahead; used while its marker is the one it was read from.
        init(output: String, sourceFolder: String, ownFilesRead: SiteManifest.OwnFilesRead? = nil) throws {
            try checkOutput(output, sourceFolder: sourceFolder)
            let fileManager = FileManager.default
            target = URL(fileURLWithPath: output).standardizedFileURL
            let parent = target.deletingLastPathComponent()
            let name = target.lastPathComponent
            let pid = ProcessInfo.processInfo.processIdentifier
            staging = parent.appendingPathComponent(".\(name).building-\(pid)")
            retired = parent.appendingPathComponent(".\(name).old-\(pid)")
            spare = BuildRecord.cacheFolder(of: output).appendingPathComponent(Self.spareName)
            previous = fileManager.fileExists(atPath: target.appendingPathComponent(markerName).path) ? target : nil
            previousOwn = previous.flatMap { previous in
                ownFilesRead?.files(of: previous) ?? SiteManifest.ownFiles(of: previous) ?? BuildRecord.siteFiles(from: output)
            }
            do {
                try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
                SiteWriter.recover(target)
                try? fileManager.removeItem(at: staging)
                // Taken by a rename, so two builds at once never share it. Without a
                // previous site its links would be to nothing: a new folder.
                if previousOwn != nil, rename(spare.path, staging.path) == 0 {
                    reusing = true
                } else {
                    reusing = false
                    try? fileManager.removeItem(at: spare)
                    try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
                }
            } catch {
                throw Failure.io("cannot write the site to '\(output)': \(error.localizedDescription); the previous site is unchanged")
            }
            stagingPath = staging.path
            stagingFolder = reusing ? open(stagingPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1
            previousPath = previous?.path
            folders.insert(stagingPath)
            // Grown under the lock, the table of every placed file was copied a dozen times while the other cores waited.
            stamps.reserveCapacity(previousOwn?.count ?? 0)
        }

        deinit {
            if stagingFolder >= 0 { close(stagingFolder) }
        }

        /// Puts `bytes` at the site path `path`.
        public func put(_ path: String, _ bytes: [UInt8]) throws {
            let file = try prepare(path)
            // Only a file the tool wrote: a user's file of the same bytes stays the user's (and a clash).
            let old = previousOwn.map { $0.contains(path) } ?? true ? previousPath.map { $0 + "/" + path } : nil
            var stamp: FileIO.Stamp?
            if let old, let existing = FileIO.stamp(old), existing.isRegularFile, existing.size == Int64(bytes.count),
               FileIO.read(old) == bytes {
                stamp = place(old, at: file, stamp: existing)
            }
            let isNew = stamp == nil
            if stamp == nil {
                clear(file)
                do { stamp = try FileIO.write(bytes, to: file) } catch {
                    throw Failure.io("cannot write '\(path)' of the site: \(error.localizedDescription)")
                }
            }
            lock.withLock {
                written += 1
                if isNew { changed += 1 }
                stamps[path] = stamp
            }
        }

        /// Links the previous site's file of `path` into the new site, if it still has `stamp`.
        func keep(_ path: String, stamp: FileIO.Stamp) throws -> Bool {
            // A spare's entry that is the site's file as it was stamped (the same inode, size and
            // modification time) is the file in place: one `lstat` (none when `hasPrevious` made
            // it already), and the site in place is not looked at.
            if lock.withLock({ vouched[path] == stamp }) || spareHas(path, stamp: stamp) {
                lock.withLock {
                    written += 1
                    stamps[path] = stamp
                }
                return true
            }
            guard let old = previousFile(path, stamp: stamp) else { return false }
            guard let linked = place(old, at: try prepare(path), stamp: stamp) else { return false }
            lock.withLock {
                written += 1
                stamps[path] = linked
            }
            return true
        }

        func previousBytes(_ path: String, stamp: FileIO.Stamp) -> [UInt8]? {
            guard let old = previousFile(path, stamp: stamp), let bytes = FileIO.read(old),
                  FileIO.stamp(old) == stamp else { return nil }
            return bytes
        }

        /// Whether the previous site's file of `path` still has `stamp`: the
        /// spare's entry of it looked at first, as `keep` does (and then
        /// `keep` takes it without looking again).
        func hasPrevious(_ path: String, stamp: FileIO.Stamp) -> Bool {
            if spareHas(path, stamp: stamp) {
                lock.withLock { vouched[path] = stamp }
                return true
            }
            return previousFile(path, stamp: stamp) != nil
        }

        /// Whether the spare's entry of `path` is the site's file as it was
        /// stamped: the same inode, size and modification time. One `fstatat`
        /// from the open staging folder.
        private func spareHas(_ path: String, stamp: FileIO.Stamp) -> Bool {
            guard reusing, previousOwn.map({ $0.contains(path) }) ?? true else { return false }
            var info = stat()
            let found = stagingFolder >= 0 ? fstatat(stagingFolder, path, &info, AT_SYMLINK_NOFOLLOW)
                : lstat(stagingPath + "/" + path, &info)
            return found == 0 && FileIO.Stamp(info) == stamp
        }

        /// The path of the previous site's file of `path`, a file this tool
        /// wrote that still has `stamp`.
        private func previousFile(_ path: String, stamp: FileIO.Stamp) -> String? {
            guard previousOwn.map({ $0.contains(path) }) ?? true,
                  let old = previousPath.map({ $0 + "/" + path }), FileIO.stamp(old) == stamp else { return nil }
            return old
        }

        /// Copies the file at `source` (a file of the source folder) to the site path `path`.
        public func copy(_ path: String, from source: String) throws {
            guard let bytes = FileIO.read(source) else { throw Failure.io("cannot read '\(source)' to copy it into the site") }
            try put(path, bytes)
        }

        /// The folder of `path` made once; the path of its file in the staging folder.
        private func prepare(_ path: String) throws -> String {
            let file = stagingPath + "/" + path
            let folder = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? stagingPath
            if lock.withLock({ !folders.contains(folder) }) {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch where reusing {
                    // A spare with a file where this folder goes, somewhere above it.
                    var above = folder
                    while above.count > stagingPath.count {
                        var info = stat()
                        if lstat(above, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR { unlink(above) }
                        above = above.lastIndex(of: "/").map { String(above[..<$0]) } ?? stagingPath
                    }
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
                lock.withLock { _ = folders.insert(folder) }
            }
            return file
        }

        /// `old`, a file of the previous site with `stamp`, at `file` in the
        /// staging folder: already there in a spare that has its link, else
        /// linked; nil when it cannot be.
        private func place(_ old: String, at file: String, stamp: FileIO.Stamp) -> FileIO.Stamp? {
            if reusing {
                var info = stat()
                if lstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, UInt64(info.st_ino) == stamp.inode,
                   Int64(info.st_size) == stamp.size {
                    return stamp
                }
                clear(file)
            }
            return FileIO.link(old, file, stamp: stamp)
        }

        /// Whatever a spare has at `file`, gone: a file is written anew, never
        /// through an entry that may be a link to the site in place.
        private func clear(_ file: String) {
            guard reusing, unlink(file) != 0, errno == EISDIR || errno == EPERM else { return }
            try? FileManager.default.removeItem(atPath: file)
        }

        /// Removes every entry of a spare the new site does not have (the
        /// files of the site before, the user's files, which are carried
        /// again from the site in place, folders left empty), so that the
        /// staging folder holds the new site and nothing else.
        private func prune(keeping placed: [String: FileIO.Stamp]) {
            let walked = FileIO.tree(stagingPath)
            // Folders that may be left empty: those that are, and those around what goes.
            var emptied: Set<String> = []
            func mayEmpty(_ path: String, itself: Bool) {
                var folder = path
                if itself { guard emptied.insert(folder).inserted else { return } }
                while let slash = folder.lastIndex(of: "/") {
                    folder = String(folder[..<slash])
                    guard emptied.insert(folder).inserted else { return }
                }
            }
            for folder in walked.emptyFolders() { mayEmpty(folder, itself: true) }
            for entry in walked.files() where placed[entry] == nil {
                if unlink(stagingPath + "/" + entry) != 0 { try? FileManager.default.removeItem(atPath: stagingPath + "/" + entry) }
                mayEmpty(entry, itself: false)
            }
            // Deepest first: a folder whose folders went may then be empty; one that is not stays.
            for folder in emptied.sorted(by: { $0.count > $1.count }) { rmdir(stagingPath + "/" + folder) }
        }

        /// Every file placed so far and its stamp.
        var placed: [String: FileIO.Stamp] { lock.withLock { stamps } }

        /// Every file placed so far, in UTF-8 order: sorted once for the build record and the marker.
        var placedInOrder: [String] {
            lock.withLock {
                // Files are only ever added (or placed again): as many as when sorted means the same ones.
                if let sortedPlaced, sortedPlaced.count == stamps.count { return sortedPlaced }
                let sorted = stamps.keys.sortedByUTF8()
                sortedPlaced = sorted
                return sorted
            }
        }
        private var sortedPlaced: [String]?

        /// Swaps the new site in: the files of the old one that the tool did
        /// not write carried into the new one (a path both have is an error,
        /// and nothing changes), the old one aside, the new one in, the old one
        /// gone. The marker lists the files written, for the next build.
        /// `alongside`, work of the caller's, runs on another core during the
        /// swap's last look at the old site, which holds one; it runs only if
        /// the new site went in.
        public func commit(alongside: @Sendable () -> Void = {}) throws -> Report {
            let fileManager = FileManager.default
            let placed = self.placed
            let own = placed.keys
            var kept: [String] = []
            /// The first look at the site in place, for the last one.
            var firstLook: (tree: FileIO.Tree, reference: Int64)?
            do {
                // Three independent pieces of work on two cores: the spare pruned (a walk of the
                // staging folder), the user's files found (a walk of the site in place), the marker's list.
                let (_, (look, marker)) = Parallel.both({
                    if self.reusing { Profile.measure("swap: prune the spare") { self.prune(keeping: placed) } }
                    // Sorted here, the shorter lane, for the marker and the build record.
                    _ = Profile.measure("swap: order") { self.placedInOrder }
                }, {
                    let look = self.previous.flatMap { previous in
                        self.previousOwn.map { own in
                            Profile.measure("swap: user files") {
                                // The file system's time first: the last look reads again what changed after it.
                                let reference = FileIO.fileSystemTime(touching: self.stagingPath, for: previous.path)
                                let tree = FileIO.tree(previous.path)
                                return (tree: tree, reference: reference, entries: SiteManifest.userEntries(in: tree, own: own))
                            }
                        }
                    }
                    return (look, Profile.measure("swap: marker") { SiteManifest.text(ofSorted: self.placedInOrder) })
                })
                if let previous, let look {
                    kept = try SiteManifest.carry(look.entries, from: previous, to: staging, strict: true)
                    firstLook = (look.tree, look.reference)
                }
                _ = try FileIO.write(marker, to: staging.appendingPathComponent(markerName).path)
                if fileManager.fileExists(atPath: target.path) {
                    try Self.exchange(staging, into: target, retiring: retired)
                } else {
                    try fileManager.moveItem(at: staging, to: target)
                }
            } catch {
                abandon()
                if let failure = error as? Failure { throw failure }
                throw Failure.io("cannot write the site to '\(target.path)': \(error.localizedDescription); the previous site is unchanged")
            }
            // A file put in the old site while this build ran goes along too, before the old site goes:
            // only the folders changed since the first look are read again, and only what is in them
            // is carried now (what the others hold went with the first look). At 10,000, all 12,500
            // names were read again, the longer lane beside the caller's work.
            let previousOwn = self.previousOwn, retired = self.retired, target = self.target, first = firstLook
            kept += Parallel.both(alongside, {
                guard let previousOwn, FileManager.default.fileExists(atPath: retired.path) else { return [String]() }
                return Profile.measure("swap: late user files") {
                    let tree = FileIO.tree(retired.path, earlier: first?.tree, readBefore: first?.reference ?? .min)
                    return (try? SiteManifest.carry(SiteManifest.userEntries(in: tree, own: previousOwn, readOnly: true),
                                                    from: retired, to: target, strict: false)) ?? []
                }
            }).1
            let unshared = lock.withLock { changed }
            Profile.measure("swap: keep the old site as the spare") {
                // Its files are links to the new site's, but for the `changed` ones this build
                // made: kept while those are few, so it costs little room (a quarter of the site's
                // files at most) and saves the next build what it would have to link again.
                try? fileManager.removeItem(at: spare)
                guard unshared <= Self.spareLimit(files: own.count), fileManager.fileExists(atPath: retired.path) else {
                    try? fileManager.removeItem(at: retired)
                    return
                }
                try? fileManager.createDirectory(at: spare.deletingLastPathComponent(), withIntermediateDirectories: true)
                if rename(retired.path, spare.path) != 0 { try? fileManager.removeItem(at: retired) }
            }
            return lock.withLock {
                Report(filesWritten: written, filesChanged: changed, kept: SiteManifest.grouped(Array(Set(kept)), own: own))
            }
        }

        /// The new site at `staging` in place of the site at `target`, which
        /// goes to `retired`. In one step where the file system swaps two paths
        /// (`renameat2`'s exchange: ext4, XFS, Btrfs, tmpfs…), so the site's
        /// path is never without a site, not even for the moment between two
        /// renames, when a program writing into it (`mkdir -p site/pdfs`) made
        /// a new folder there, the new site could not go in and the old one was
        /// left aside. Elsewhere, two renames.
        static func exchange(_ staging: URL, into target: URL, retiring retired: URL) throws {
            #if canImport(Glibc)
            // The new site takes the name the old one will have, and the two swap: the old site
            // is at `retired` in the same step. (Killed between the two, the next build's
            // `recover` finds a site in place and an `.old-` folder of a dead build: removed.)
            if rename(staging.path, retired.path) == 0 {
                if renameat2(AT_FDCWD, retired.path, AT_FDCWD, target.path, UInt32(PMKB_RENAME_EXCHANGE)) == 0 { return }
                // No exchange on this file system: the new site back under its name, and two renames.
                guard rename(retired.path, staging.path) == 0 else {
                    throw Failure.io("cannot write the site to '\(target.path)': \(String(cString: strerror(errno))); "
                                     + "the previous site is unchanged")
                }
            }
            #endif
            try FileManager.default.moveItem(at: target, to: retired)
            try FileManager.default.moveItem(at: staging, to: target)
        }

        /// The spare's name in the cache folder.
        static let spareName = "spare-site"

        /// How many files of its own (not links to the site in place) a spare
        /// may hold: a quarter of the site's, and never fewer than 64.
        static func spareLimit(files: Int) -> Int { max(64, files / 4) }

        /// Leaves the previous site as it was and removes the staging folder.
        public func abandon() {
            let fileManager = FileManager.default
            // A spare taken stays one: the next build checks every entry it uses and prunes the rest.
            if !reusing || rename(staging.path, spare.path) != 0 { try? fileManager.removeItem(at: staging) }
            if !fileManager.fileExists(atPath: target.path), fileManager.fileExists(atPath: retired.path) {
                try? fileManager.moveItem(at: retired, to: target)
            }
        }
    }

    /// What a build killed midway (`kill -9`, a power cut) left beside
    /// `target`: its staging folders go, and a site moved aside but never
    /// replaced is put back. Folders of a build still running are left alone.
    static func recover(_ target: URL) {
        let fileManager = FileManager.default
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        guard let entries = try? fileManager.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in entries.sorted() {
            for (prefix, isOld) in [(".\(name).building-", false), (".\(name).old-", true)] where entry.hasPrefix(prefix) {
                guard let pid = Int32(entry.dropFirst(prefix.count)), !isRunning(pid) else { continue }
                let url = parent.appendingPathComponent(entry)
                if isOld, !fileManager.fileExists(atPath: target.path) {
                    try? fileManager.moveItem(at: url, to: target)
                } else {
                    try? fileManager.removeItem(at: url)
                }
            }
        }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        pid == ProcessInfo.processInfo.processIdentifier || kill(pid, 0) == 0 || errno == EPERM
    }
}
