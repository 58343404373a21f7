import Foundation
import Glibc

/// What `serve` watches, by polling: the size, modification and change times of every
/// file below the postmortems and templates folders and of the configuration
/// file. Portable (no inotify or FSEvents), and cheap at a few hundred files.
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

    /// Every watched file's stamp, by path. Hidden files (editors' swap files) are left out.
    func snapshot() -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        func add(_ url: URL) {
            var info = stat()
            guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
            stamps[url.path] = Stamp(size: Int(info.st_size), modified: info.st_mtim.nanoseconds,
                                     changed: info.st_ctim.nanoseconds)
        }
        let skipped = excluded.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        for folder in folders {
            let root = URL(fileURLWithPath: folder, isDirectory: true)
            guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [],
                                                                  options: [.skipsHiddenFiles]) else { continue }
            while let url = enumerator.nextObject() as? URL {
                if let skipped, url.standardizedFileURL.path == skipped {
                    enumerator.skipDescendants()
                    continue
                }
                add(url)
            }
        }
        for file in files { add(URL(fileURLWithPath: file)) }
        return stamps
    }

    /// The paths whose stamp differs between two snapshots (added, changed or removed), sorted.
    static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}
