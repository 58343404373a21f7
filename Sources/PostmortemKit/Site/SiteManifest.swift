import Foundation
import Glibc

/// What the tool owns in a site folder. The marker at the site's root
/// (`.postmortem-kb-site`) lists every file the build wrote, so the next
/// build knows which files are its own even when the cache beside the
/// site is gone; any other file in the folder is the user's (a `CNAME`, a
/// `.nojekyll`, a folder of PDFs) and is carried into each new site as it
/// is, never changed, never deleted.
enum SiteManifest {
    static let header = """
        Written by Postmortem KB. Each build replaces the files listed below, which it wrote;
        any other file in this folder is not its own and is kept in each new site as it is.
        files:

        """

    /// The marker's bytes: the header, then one site path a line (`\` and
    /// line breaks escaped), in byte order. Made as bytes: a site of 10,000
    /// postmortems lists 12,500 paths, and Foundation's string replacing
    /// took a twentieth of a second over them.
    static func text(of paths: some Sequence<String>) -> [UInt8] { text(ofSorted: paths.sortedByUTF8()) }

    /// `text(of:)` of paths already in UTF-8 order.
    static func text(ofSorted sorted: [String]) -> [UInt8] {
        var bytes = Array(header.utf8)
        bytes.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.utf8.count + 1 })
        for path in sorted {
            for byte in path.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// The list of the files the tool wrote, read ahead of the build's
    /// staging (`Build`), with the stamp its marker had before it was read.
    struct OwnFilesRead: Sendable {
        var marker: FileIO.Stamp
        var files: Set<String>

        /// The list of the site at `root`; nil as for `ownFiles(of:)`.
        init?(of root: URL) {
            guard let stamp = FileIO.stamp(root.appendingPathComponent(SiteWriter.markerName).path),
                  let list = SiteManifest.ownFiles(of: root) else { return nil }
            marker = stamp
            files = list
        }

        /// The list, if the site at `root` has the marker it was read from still.
        func files(of root: URL) -> Set<String>? {
            FileIO.stamp(root.appendingPathComponent(SiteWriter.markerName).path) == marker ? files : nil
        }
    }

    /// The files the tool wrote in the site at `root`, from its marker; nil
    /// when there is no marker or it holds no list (a site of a version
    /// before the list).
    static func ownFiles(of root: URL) -> Set<String>? {
        guard let bytes = FileIO.read(root.appendingPathComponent(SiteWriter.markerName).path),
              let start = bytes.firstRange(of: Array("\nfiles:\n".utf8))?.upperBound else { return nil }
        // Line by line over the bytes (12,500 lines at 10,000 postmortems; splitting the text as
        // characters took a twentieth of a one-edit rebuild).
        var files: Set<String> = []
        var line = start
        for index in start...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            if index > line { files.insert(unescape(String(decoding: bytes[line..<index], as: UTF8.self))) }
            line = index + 1
        }
        return files
    }

    static func unescape(_ line: String) -> String {
        guard line.utf8.contains(UInt8(ascii: "\\")) else { return line }
        var out = ""
        var escaped = false
        for character in line {
            if escaped {
                out.append(character == "n" ? "\n" : character == "r" ? "\r" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Files and folders in a site that the tool did not write.
    struct UserEntries: Sendable, Equatable {
        /// Site paths of files (any kind but a folder: symbolic links too).
        var files: [String] = []
        /// Site paths of empty folders (the tool never writes one).
        var emptyFolders: [String] = []
        var isEmpty: Bool { files.isEmpty && emptyFolders.isEmpty }
    }

    /// What in the site read as `tree` is not in `own` (nor the marker);
    /// `readOnly`: only what is in the folders `tree`'s look read (those it
    /// took from an earlier look hold what that look found).
    static func userEntries(in tree: FileIO.Tree, own: Set<String>, readOnly: Bool = false) -> UserEntries {
        UserEntries(files: tree.files(readOnly: readOnly).filter { $0 != SiteWriter.markerName && !own.contains($0) }.sorted(),
                    emptyFolders: tree.emptyFolders(readOnly: readOnly).sorted())
    }

    /// Puts the user's `entries` of the site at `from` into the site at `to`
    /// (a hard link, else a copy keeping the modification time), and returns
    /// the paths carried. A path the new site already has is a clash: with
    /// `strict` it throws (nothing is overwritten), else it is left out.
    static func carry(_ entries: UserEntries, from: URL, to: URL, strict: Bool) throws -> [String] {
        var clashes: [String] = []
        var carried: [String] = []
        let fileManager = FileManager.default
        for folder in entries.emptyFolders {
            let destination = to.appendingPathComponent(folder).path
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: destination, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { clashes.append(folder) }
                continue
            }
            do { try fileManager.createDirectory(atPath: destination, withIntermediateDirectories: true) } catch { clashes.append(folder) }
        }
        for file in entries.files {
            let source = from.appendingPathComponent(file).path
            let destination = to.appendingPathComponent(file).path
            var existing = stat()
            if lstat(destination, &existing) == 0 {
                var original = stat()
                // Already there (the same file, carried before the swap): nothing to do.
                if lstat(source, &original) == 0, original.st_ino == existing.st_ino, original.st_dev == existing.st_dev { continue }
                clashes.append(file)
                continue
            }
            let folder = (destination as NSString).deletingLastPathComponent
            do { try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                clashes.append(file)  // the new site has a file where this one needs a folder
                continue
            }
            guard FileIO.carry(source, destination) else {
                if strict {
                    throw SiteWriter.Failure.io("cannot keep '\(file)' (not written by Postmortem KB) in the new site: \(String(cString: strerror(errno))); the previous site is unchanged")
                }
                continue
            }
            carried.append(file)
        }
        if strict, !clashes.isEmpty { throw SiteWriter.Failure.userFileClash(clashes) }
        return carried + entries.emptyFolders.filter { !clashes.contains($0) }.map { $0 + "/" }
    }

    /// The kept paths as a reader wants them: a folder that holds nothing of
    /// the tool's is named once, with its number of files.
    static func grouped(_ kept: [String], own: some Sequence<String>) -> [SiteWriter.Kept] {
        // Nearly every build keeps nothing: no folder list of every page made for it.
        guard !kept.isEmpty else { return [] }
        var toolFolders = Set<Substring>()
        for path in own {
            var slash = path.lastIndex(of: "/")
            while let index = slash {
                guard toolFolders.insert(path[..<index]).inserted else { break }
                slash = path[..<index].lastIndex(of: "/")
            }
        }
        var counts: [String: Int] = [:]
        for path in kept {
            let isFolder = path.hasSuffix("/")
            var key = path
            var index = path.startIndex
            while let slash = path[index...].firstIndex(of: "/"), slash < path.index(before: path.endIndex) || !isFolder {
                if !toolFolders.contains(path[..<slash]) {
                    key = String(path[...slash])
                    break
                }
                index = path.index(after: slash)
            }
            counts[key, default: 0] += isFolder ? 0 : 1
        }
        return counts.keys.sortedByUTF8().map { SiteWriter.Kept(path: $0, files: counts[$0] ?? 0) }
    }
}
