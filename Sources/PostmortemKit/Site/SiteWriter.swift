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

        public var description: String {
            switch self {
            case let .unsafeOutput(path, why): "will not write the site to '\(path)': \(why)"
            case let .io(what): what
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
    }

    /// Puts `bytes` at `url` in the staging folder: a hard link to the
    /// previous site's file when that one holds the same bytes (so it keeps
    /// its modification time and a deploy copies only what changed), else a
    /// new file. True when the file changed.
    static func place(_ bytes: Data, at url: URL, previous: URL?) throws -> Bool {
        if let previous, unchanged(previous, bytes), link(previous.path, url.path) == 0 { return false }
        try bytes.write(to: url)
        return true
    }

    /// Whether the file at `url` holds exactly `bytes` (its size is checked first).
    static func unchanged(_ url: URL, _ bytes: Data) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              (attributes[.type] as? FileAttributeType) == .typeRegular,
              (attributes[.size] as? NSNumber)?.intValue == bytes.count,
              let old = FileManager.default.contents(atPath: url.path) else { return false }
        return old == bytes
    }

    public static func write(_ plan: OutputPlan, to output: String, sourceFolder: String) throws -> Report {
        try checkOutput(output, sourceFolder: sourceFolder)
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: output).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).building-\(pid)")
        let retired = parent.appendingPathComponent(".\(name).old-\(pid)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            var written = 0, changed = 0
            // The previous site, when there is one: its unchanged files are linked, not written again.
            let previous = fileManager.fileExists(atPath: target.appendingPathComponent(markerName).path) ? target : nil
            var folders: Set<String> = []
            func prepare(_ path: String) throws -> URL {
                let url = staging.appendingPathComponent(path)
                let folder = url.deletingLastPathComponent()
                if folders.insert(folder.path).inserted {
                    try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
                }
                return url
            }
            for path in plan.files.keys.sorted() {
                let url = try prepare(path)
                if try place(Data(plan.files[path] ?? []), at: url, previous: previous?.appendingPathComponent(path)) { changed += 1 }
                written += 1
            }
            for path in plan.copies.keys.sorted() {
                guard let from = plan.copies[path] else { continue }
                let url = try prepare(path)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: from))
                if try place(bytes, at: url, previous: previous?.appendingPathComponent(path)) { changed += 1 }
                written += 1
            }
            _ = try place(Data("Written by Postmortem KB; this folder is replaced by each build.\n".utf8),
                          at: staging.appendingPathComponent(markerName), previous: previous?.appendingPathComponent(markerName))
            // The swap: the old site aside, the new one in, the old one gone.
            if fileManager.fileExists(atPath: target.path) {
                try fileManager.moveItem(at: target, to: retired)
            }
            try fileManager.moveItem(at: staging, to: target)
            try? fileManager.removeItem(at: retired)
            return Report(filesWritten: written, filesChanged: changed)
        } catch {
            try? fileManager.removeItem(at: staging)
            if !fileManager.fileExists(atPath: target.path), fileManager.fileExists(atPath: retired.path) {
                try? fileManager.moveItem(at: retired, to: target)
            }
            throw Failure.io("cannot write the site to '\(output)': \(error.localizedDescription); the previous site is unchanged")
        }
    }
}
