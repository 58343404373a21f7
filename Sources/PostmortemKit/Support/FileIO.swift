import Foundation
import Glibc

/// The few file operations of the hot paths, straight on POSIX: one `stat`
/// instead of an attribute dictionary, one `read` instead of a `Data` and
/// a copy. Everything else goes through Foundation. (Linux: the product
/// runs on Debian.)
enum FileIO {
    /// What tells a file apart from its earlier self without reading it:
    /// size, modification time to the nanosecond, inode and kind.
    struct Stamp: Hashable, Sendable, CustomStringConvertible {
        var size: Int64
        var modified: Int64
        var inode: UInt64
        var isRegularFile: Bool
        /// The inode's change time (ctime), in nanoseconds: unlike the
        /// modification time no program can set it back (`touch -r`,
        /// `cp -p`, `rsync -t` do), so the sources' fingerprint reads it.
        /// Not compared (nor stored in the build record): a build's hard links
        /// to a site file change it whenever they are made or removed.
        var changed: Int64 = 0

        var description: String { "\(size) \(modified) \(inode)" }

        static func == (a: Stamp, b: Stamp) -> Bool {
            a.size == b.size && a.modified == b.modified && a.inode == b.inode && a.isRegularFile == b.isRegularFile
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(size)
            hasher.combine(modified)
            hasher.combine(inode)
            hasher.combine(isRegularFile)
        }
    }

    /// The stamp of `path` (a symbolic link is followed), nil when it does not exist.
    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(info)
    }

    /// The stamps of `paths` (relative to the folder `root`; nil for one that
    /// does not exist), on every core: each `stat` starts from the open
    /// folder, so the kernel does not walk `root` again for every path.
    static func stamps(_ paths: [String], in root: String) -> [Stamp?] {
        let folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return Parallel.map(paths, minimumChunk: 256) { stamp(root + "/" + $0) } }
        defer { close(folder) }
        return Parallel.map(paths, minimumChunk: 256) { path in
            var info = stat()
            return fstatat(folder, path, &info, 0) == 0 ? Stamp(info) : nil
        }
    }

    /// The whole file, nil when it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let filled = bytes.withUnsafeMutableBytes { read(fd, at: 0, into: $0) }
        guard filled >= 0 else { return nil }
        // A file that shrank while read keeps what was read: the next build reads it again.
        return filled == bytes.count ? bytes : Array(bytes[..<filled])
    }

    /// Exactly `count` bytes of the file at `path` from `offset` on; nil when
    /// it cannot be read or holds fewer there.
    static func read(_ path: String, at offset: Int, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd, at: offset, count: count)
    }

    /// Exactly `count` bytes of the file open as `fd` from `offset` on; nil
    /// when it cannot be read or holds fewer there.
    static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        // Not zeroed first: every byte is read over, or the array is not returned.
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            complete = read(fd, at: offset, into: UnsafeMutableRawBufferPointer(buffer)) == count
            initialized = complete ? count : 0
        }
        return complete ? bytes : nil
    }

    /// Reads into `buffer` from `offset` until it is full or the file ends:
    /// the count read, or -1 when reading failed.
    static func read(_ fd: Int32, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let count = pread(fd, base + filled, buffer.count - filled, off_t(offset + filled))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? filled : -1 }
            filled += count
        }
        return filled
    }

    /// Writes `bytes` to a new file at `path` (replacing one that is there)
    /// and returns its stamp.
    static func write(_ bytes: [UInt8], to path: String) throws -> Stamp {
        try write(to: path) { put in try bytes.withUnsafeBytes(put) }
    }

    /// Writes the pieces `body` puts, one after the other, to a new file at
    /// `path` (replacing one that is there) and returns its stamp: a large
    /// file made piece by piece is never whole in memory.
    static func write(to path: String, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Stamp {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create", path) }
        defer { close(fd) }
        try body { buffer in try writeAll(buffer, to: fd, path: path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot read the state of", path) }
        return Stamp(info)
    }

    /// Replaces the file at `path` with `bytes`: written beside it and
    /// renamed over it, so a reader (or a build killed meanwhile) never sees
    /// half a file; the file beside is removed when either step fails.
    static func replace(_ bytes: [UInt8], at path: String) throws {
        let temporary = path + ".tmp\(getpid())"
        do {
            _ = try write(bytes, to: temporary)
            guard rename(temporary, path) == 0 else { throw failure("cannot rename", temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes all of `buffer` to the open file `fd` (`path` names it in the error).
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32, path: String) throws {
        guard let base = buffer.baseAddress else { return }
        var written = 0
        while written < buffer.count {
            let count = Glibc.write(fd, base + written, buffer.count - written)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write", path) }
            written += count
        }
    }

    /// What a walk found: every file, and every entry it could not take.
    struct Walk {
        var files: [(path: String, stamp: Stamp)] = []
        var problems: [WalkProblem] = []
    }

    /// An entry of the source folder the walk could not take, so a file never vanishes without a word.
    struct WalkProblem: Equatable {
        enum Kind: Equatable {
            /// The name is not valid UTF-8 (its bytes, for the message).
            case nameNotUTF8
            /// `opendir` or `stat` failed: the reason (`Permission denied`).
            case unreadable(String)
        }

        /// The relative path, invalid bytes written `\xNN`.
        var path: String
        var kind: Kind
        var isFolder: Bool
    }

    /// Every regular file below `root` (a symbolic link to a file counts as
    /// one when `followLink` says so for its relative path; a link to a
    /// folder is not followed), hidden files and folders
    /// left out: relative path with `/` separators, and stamp. One
    /// `readdir` per folder and one `stat` per file, in no particular order.
    /// A name that is not UTF-8, a folder that cannot be listed and an entry
    /// that cannot be `stat`ed are problems, not silence.
    static func walk(_ root: String, followLink: (String) -> Bool = { _ in true }) -> Walk {
        var walk = Walk()
        var folders = [""]
        while let relative = folders.popLast() {
            let path = relative.isEmpty ? root : root + "/" + relative
            guard let directory = opendir(path) else {
                walk.problems.append(WalkProblem(path: relative.isEmpty ? "." : relative,
                                                 kind: .unreadable(String(cString: strerror(errno))), isFolder: true))
                continue
            }
            defer { closedir(directory) }
            var candidates: [(child: String, name: String, isLink: Bool)] = []
            while let entry = readdir(directory) {
                let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                guard bytes.first != 0x2E else { continue }
                let type = Int32(entry.pointee.d_type)
                guard let name = String(validating: bytes, as: UTF8.self) else {
                    let shown = bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
                    walk.problems.append(WalkProblem(path: relative.isEmpty ? shown : relative + "/" + shown, kind: .nameNotUTF8,
                                                     isFolder: type == Int32(DT_DIR)))
                    continue
                }
                let child = relative.isEmpty ? name : relative + "/" + name
                if type == Int32(DT_DIR) {
                    folders.append(child)
                    continue
                }
                var isLink = type == Int32(DT_LNK)
                if type == Int32(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(root + "/" + child, &info) == 0 else {
                        walk.problems.append(WalkProblem(path: child, kind: .unreadable(String(cString: strerror(errno))), isFolder: false))
                        continue
                    }
                    if (info.st_mode & S_IFMT) == S_IFDIR {
                        folders.append(child)
                        continue
                    }
                    isLink = (info.st_mode & S_IFMT) == S_IFLNK
                }
                if isLink, !followLink(child) { continue }
                candidates.append((child, name, isLink))
            }
            // The stats, relative to the open folder (the kernel looks up one
            // name, not the whole path), on every core: a folder of 10,000
            // postmortems is 10,000 of them.
            let folder = dirfd(directory)
            let stamps = Parallel.map(candidates, minimumChunk: 256) { candidate -> (stamp: Stamp?, failure: String?) in
                var info = stat()
                guard fstatat(folder, candidate.name, &info, 0) == 0 else { return (nil, String(cString: strerror(errno))) }
                return (Stamp(info), nil)
            }
            for (candidate, result) in zip(candidates, stamps) {
                if let stamp = result.stamp {
                    if stamp.isRegularFile { walk.files.append((candidate.child, stamp)) }
                } else if !candidate.isLink, let failure = result.failure {
                    // A link leading nowhere inside the folder is the link check's to report.
                    walk.problems.append(WalkProblem(path: candidate.child, kind: .unreadable(failure), isFolder: false))
                }
            }
        }
        return walk
    }

    /// A hard link at `path` to `existing`, whose stamp was just read as
    /// `stamp`; nil when it cannot be made. A link is the same inode, size
    /// and modification time, so its stamp is `stamp` without another
    /// `stat` (10,000 of them in a one-edit rebuild). Should the file change
    /// between that read and the link, the stamp kept is the older one, and
    /// the next build, finding the file differ from it, makes it again.
    static func link(_ existing: String, _ path: String, stamp: Stamp) -> Stamp? {
        Glibc.link(existing, path) == 0 ? stamp : nil
    }

    /// A folder tree as read, hidden entries too, no symbolic link followed:
    /// each folder by its path under the root ("" for the root), with what
    /// it held and who it was (inode, device, change time) just before its
    /// entries were read. A later look at the same tree (`tree(_:earlier:readBefore:)`)
    /// takes a folder that is still the one it was from here, unread.
    struct Tree: Sendable {
        struct Folder: Sendable {
            var device: UInt64 = 0
            var inode: UInt64 = 0
            /// The change time (ctime, which no program can set back) in
            /// nanoseconds; nil when it could not be read (never reused).
            var changed: Int64?
            /// Paths under the root of everything in it but folders.
            var files: [String] = []
            /// Paths under the root of the folders in it.
            var folders: [String] = []
            /// Read by this look; false when taken from an earlier one.
            var isRead = true
        }

        var folders: [String: Folder] = [:]

        /// Every file below the root (anything but a folder), in no particular
        /// order; `readOnly`: only those in the folders this look read.
        func files(readOnly: Bool = false) -> [String] {
            folders.values.flatMap { !readOnly || $0.isRead ? $0.files : [] }
        }

        /// The folders below the root that hold nothing; `readOnly` as for `files`.
        func emptyFolders(readOnly: Bool = false) -> [String] {
            folders.compactMap { path, folder in
                !path.isEmpty && (!readOnly || folder.isRead) && folder.files.isEmpty && folder.folders.isEmpty ? path : nil
            }
        }
    }

    /// The tree below `root` (see `Tree`). A folder of `earlier` is taken as
    /// it was, unread, when it is still the same folder with the same change
    /// time and that time is before `reference` (the file system's time when
    /// `earlier`'s look began, `fileSystemTime(touching:)`): any entry made or
    /// removed in it since changed that time, unless it came in the same tick
    /// as the change before (a folder changed at or after `reference` may
    /// have), so such a folder is read again, as are all the folders of a
    /// tree walked without `earlier`.
    static func tree(_ root: String, earlier: Tree? = nil, readBefore reference: Int64 = .min) -> Tree {
        var tree = Tree()
        var pending = [""]
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? root : root + "/" + relative
            var folder: Tree.Folder
            var info = stat()
            if let known = earlier?.folders[relative], let changed = known.changed, changed < reference,
               lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, UInt64(info.st_dev) == known.device,
               UInt64(info.st_ino) == known.inode, info.st_ctim.nanoseconds == changed {
                folder = known
                folder.isRead = false
            } else {
                guard let read = readFolder(path, relative: relative, root: root) else { continue }
                folder = read
            }
            pending += folder.folders
            tree.folders[relative] = folder
        }
        return tree
    }

    /// The folder at `path` (`relative` under `root`) read now; nil when it cannot be opened.
    private static func readFolder(_ path: String, relative: String, root: String) -> Tree.Folder? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var folder = Tree.Folder()
        // Who the folder is before its entries are read: a change while they are read is after this time.
        var info = stat()
        if fstat(dirfd(directory), &info) == 0 {
            folder.device = UInt64(info.st_dev)
            folder.inode = UInt64(info.st_ino)
            folder.changed = info.st_ctim.nanoseconds
        }
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard bytes != [0x2E], bytes != [0x2E, 0x2E] else { continue }
            // Site paths are what the build wrote and what a user put there: names the file system gave.
            let child = (relative.isEmpty ? "" : relative + "/") + String(decoding: bytes, as: UTF8.self)
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                type = lstat(root + "/" + child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR ? Int32(DT_DIR) : Int32(DT_REG)
            }
            if type == Int32(DT_DIR) { folder.folders.append(child) } else { folder.files.append(child) }
        }
        return folder
    }

    /// The time of the file system that holds `folder`, as it stamps a
    /// change: `folder`'s times set to now and its change time read back
    /// (the clock of the machine that stamps it, a file server's for a
    /// network folder). `.min` when it cannot be, or when `other` (the
    /// folder whose changes are to be compared with it) is on another file
    /// system, which may keep another clock.
    static func fileSystemTime(touching folder: String, for other: String? = nil) -> Int64 {
        var info = stat(), otherInfo = stat()
        guard utimensat(AT_FDCWD, folder, nil, 0) == 0, stat(folder, &info) == 0 else { return .min }
        if let other, stat(other, &otherInfo) != 0 || otherInfo.st_dev != info.st_dev { return .min }
        return info.st_ctim.nanoseconds
    }

    /// Puts the file at `source` at `path` too, unchanged: a hard link (a
    /// symbolic link stays one), else a copy with the same permissions and
    /// modification time. False when neither can be made.
    static func carry(_ source: String, _ path: String) -> Bool {
        if linkat(AT_FDCWD, source, AT_FDCWD, path, 0) == 0 { return true }
        var info = stat()
        guard lstat(source, &info) == 0 else { return false }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(source, &target, target.count - 1)
            guard count >= 0 else { return false }
            target[count] = 0
            return symlink(target, path) == 0
        case S_IFREG:
            guard let bytes = read(source), (try? write(bytes, to: path)) != nil else { return false }
            chmod(path, info.st_mode & 0o7777)
            let times = [info.st_atim, info.st_mtim]
            return utimensat(AT_FDCWD, path, times, 0) == 0
        default:
            return false
        }
    }

    static func failure(_ what: String, _ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                 NSLocalizedDescriptionKey: "\(what) \(path): \(String(cString: strerror(errno)))"])
    }
}

extension FileIO.Stamp {
    init(_ info: stat) {
        size = Int64(info.st_size)
        modified = info.st_mtim.nanoseconds
        inode = UInt64(info.st_ino)
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
        changed = info.st_ctim.nanoseconds
    }
}

extension timespec {
    /// The time in nanoseconds since 1970, as file times and the wall clock count
    /// (public for `serve`'s watcher, which reads file times too).
    public var nanoseconds: Int64 { Int64(tv_sec) * 1_000_000_000 + Int64(tv_nsec) }
}

extension StableHasher {
    /// A file's size, modification time, inode and kind.
    mutating func combine(_ stamp: FileIO.Stamp) {
        combine(UInt64(bitPattern: stamp.size))
        combine(UInt64(bitPattern: stamp.modified))
        combine(stamp.inode)
        combine(stamp.isRegularFile)
    }
}
