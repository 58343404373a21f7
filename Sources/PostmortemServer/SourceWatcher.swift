import Foundation
import Glibc

/// What `serve` watches: the size, modification and change times of every
/// file below the postmortems and templates folders and of the configuration
/// file, compared between two looks (`snapshot`).
///
/// A look at 10,000 postmortems lists every folder and stats every file
/// (tens of milliseconds). On Linux, inotify says when anything below the
/// watched folders changed (`Wakeup`), so `serve` looks only then, and,
/// in case a change went unreported (a network file system, a folder past
/// the system's limit of watches), once in a while anyway; elsewhere it
/// looks every poll.
struct SourceWatcher: Sendable {
    /// A file's size, modification time and change time (ctime, which no
    /// program sets back as `touch -r` or `cp -p` set the modification
    /// time), in nanoseconds; a file that vanished has none.
    struct Stamp: Hashable, Sendable {
        var size: Int
        var modified: Int64
        var changed: Int64
    }

    var folders: [String]
    var files: [String]
    /// A folder never looked into (the site being written), so a build never sets off the next one.
    var excluded: String?

    /// Every watched file's stamp, by path. Hidden files and folders (editors' swap files, `.git`) are left out.
    func snapshot() -> [String: Stamp] { look().stamps }

    /// Every watched file's stamp, by path, and every folder looked into.
    func look() -> (stamps: [String: Stamp], folders: [String]) {
        var stamps: [String: Stamp] = [:]
        var seen: [String] = []
        func add(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
            stamps[path] = Stamp(size: Int(info.st_size), modified: info.st_mtim.nanoseconds,
                                 changed: info.st_ctim.nanoseconds)
        }
        let skipped = excluded.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        for folder in folders {
            // Paths as the folder was given, below it as listed (no URL made per file).
            let root = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
            var pending = [root]
            while let path = pending.popLast() {
                if let skipped, URL(fileURLWithPath: path).standardizedFileURL.path == skipped { continue }
                guard let directory = opendir(path) else { continue }
                defer { closedir(directory) }
                seen.append(path)
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    guard !name.hasPrefix(".") else { continue }
                    let child = path + "/" + name
                    var type = Int32(entry.pointee.d_type)
                    if type == Int32(DT_UNKNOWN) {
                        var info = stat()
                        guard lstat(child, &info) == 0 else { continue }
                        type = (info.st_mode & S_IFMT) == S_IFDIR ? Int32(DT_DIR) : Int32(DT_REG)
                    }
                    // A link to a folder is not followed (as before: a folder is one listing); to a file, it is.
                    if type == Int32(DT_DIR) { pending.append(child) } else { add(child) }
                }
            }
        }
        for file in files { add(file) }
        return (stamps, seen)
    }

    /// The paths whose stamp differs between two snapshots (added, changed or removed), sorted.
    static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }

    /// Whether anything changed below the watched folders since the last
    /// `pending` (Linux inotify: the folders looked into, and those of the
    /// watched files); nil where there is no such notice, or it could not be set up.
    final class Wakeup: @unchecked Sendable {
        private let lock = NSLock()
        private let descriptor: Int32
        private var watched: Set<String> = []

        init?() {
            #if os(Linux)
            descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            #else
            return nil
            #endif
        }

        deinit { close(descriptor) }

        /// Watches `folders` too (a folder watched already costs nothing more).
        func watch(_ folders: [String]) {
            #if os(Linux)
            let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
            lock.withLock {
                for folder in folders where !watched.contains(folder) {
                    // A folder that cannot be watched (gone, or past the limit) is looked at by the occasional look.
                    if inotify_add_watch(descriptor, folder, mask) >= 0 { watched.insert(folder) }
                }
            }
            #endif
        }

        /// Whether anything happened since the last call; the notices are read and dropped.
        func pending() -> Bool {
            lock.withLock {
                var any = false
                var buffer = [UInt8](repeating: 0, count: 16_384)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    guard count > 0 else { break }
                    any = true
                }
                // A removed or moved folder's watch is gone: it is watched again if it is looked into again.
                if any { watched.removeAll(keepingCapacity: true) }
                return any
            }
        }
    }
}
