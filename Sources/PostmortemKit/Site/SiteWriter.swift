import Foundation

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
    public final class Staging: KeepingSink, @unchecked Sendable {
        let target: URL
        let staging: URL
        let retired: URL
        /// The previous site, when there is one.
        let previous: URL?
        /// `staging` and `previous` as paths: a file's path is one of them, "/" and its site path
        /// (`URL.appendingPathComponent` took a tenth of a one-edit rebuild's CPU).
        private let stagingPath: String
        private let previousPath: String?
        /// The files the tool wrote in the previous site (its marker's list, else
        /// the build record's); nil for a site of an older version, all its own.
        let previousOwn: Set<String>?
        private let lock = NSLock()
        private var folders: Set<String> = []
        private var written = 0, changed = 0
        /// Site path → stamp of every file placed: what a later build compares the site with.
        private var stamps: [String: FileIO.Stamp] = [:]

        public init(output: String, sourceFolder: String) throws {
            try checkOutput(output, sourceFolder: sourceFolder)
            let fileManager = FileManager.default
            target = URL(fileURLWithPath: output).standardizedFileURL
            let parent = target.deletingLastPathComponent()
            let name = target.lastPathComponent
            let pid = ProcessInfo.processInfo.processIdentifier
            staging = parent.appendingPathComponent(".\(name).building-\(pid)")
            retired = parent.appendingPathComponent(".\(name).old-\(pid)")
            do {
                try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
                SiteWriter.recover(target)
                try? fileManager.removeItem(at: staging)
                try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            } catch {
                throw Failure.io("cannot write the site to '\(output)': \(error.localizedDescription); the previous site is unchanged")
            }
            previous = fileManager.fileExists(atPath: target.appendingPathComponent(markerName).path) ? target : nil
            previousOwn = previous.flatMap { SiteManifest.ownFiles(of: $0) ?? BuildRecord.siteFiles(from: output) }
            stagingPath = staging.path
            previousPath = previous?.path
            folders.insert(stagingPath)
        }

        /// Puts `bytes` at the site path `path`.
        public func put(_ path: String, _ bytes: [UInt8]) throws {
            let file = try prepare(path)
            // Only a file the tool wrote: a user's file of the same bytes stays the user's (and a clash).
            let old = previousOwn.map { $0.contains(path) } ?? true ? previousPath.map { $0 + "/" + path } : nil
            var stamp: FileIO.Stamp?
            if let old, let existing = FileIO.stamp(old), existing.isRegularFile, existing.size == Int64(bytes.count),
               FileIO.read(old) == bytes {
                stamp = FileIO.link(old, file, stamp: existing)
            }
            let isNew = stamp == nil
            if stamp == nil {
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
            guard let old = previousFile(path, stamp: stamp) else { return false }
            guard let linked = FileIO.link(old, try prepare(path), stamp: stamp) else { return false }
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

        func hasPrevious(_ path: String, stamp: FileIO.Stamp) -> Bool { previousFile(path, stamp: stamp) != nil }

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
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                lock.withLock { _ = folders.insert(folder) }
            }
            return file
        }

        /// Every file placed so far and its stamp.
        var placed: [String: FileIO.Stamp] { lock.withLock { stamps } }

        /// Swaps the new site in: the files of the old one that the tool did
        /// not write carried into the new one (a path both have is an error,
        /// and nothing changes), the old one aside, the new one in, the old one
        /// gone. The marker lists the files written, for the next build.
        public func commit() throws -> Report {
            let fileManager = FileManager.default
            let own = placed.keys
            var kept: [String] = []
            do {
                if let previous, let previousOwn {
                    kept = try Profile.measure("swap: user files") {
                        try SiteManifest.carry(SiteManifest.userEntries(of: previous, own: previousOwn),
                                               from: previous, to: staging, strict: true)
                    }
                }
                _ = try Profile.measure("swap: marker") {
                    try FileIO.write(SiteManifest.text(of: own), to: staging.appendingPathComponent(markerName).path)
                }
                if fileManager.fileExists(atPath: target.path) {
                    try fileManager.moveItem(at: target, to: retired)
                }
                try fileManager.moveItem(at: staging, to: target)
            } catch {
                abandon()
                if let failure = error as? Failure { throw failure }
                throw Failure.io("cannot write the site to '\(target.path)': \(error.localizedDescription); the previous site is unchanged")
            }
            // A file put in the old site while this build ran goes along too, before the old site goes.
            if let previousOwn, fileManager.fileExists(atPath: retired.path) {
                kept += Profile.measure("swap: late user files") {
                    (try? SiteManifest.carry(SiteManifest.userEntries(of: retired, own: previousOwn),
                                             from: retired, to: target, strict: false)) ?? []
                }
            }
            Profile.measure("swap: remove the old site") { try? fileManager.removeItem(at: retired) }
            return lock.withLock {
                Report(filesWritten: written, filesChanged: changed, kept: SiteManifest.grouped(Array(Set(kept)), own: own))
            }
        }

        /// Leaves the previous site as it was and removes the staging folder.
        public func abandon() {
            let fileManager = FileManager.default
            try? fileManager.removeItem(at: staging)
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
