import Foundation

/// One file of the source folder with its bytes, as the load stage loads it
/// (the discover stage lists the files; the load stage reads each one when
/// its turn comes, `SourceInput`).
public struct SourceFile: Sendable, Hashable {
    public enum Contents: Sendable, Hashable {
        case bytes([UInt8])
        /// Larger than `SourceFile.sizeLimit`: not read at all.
        case tooLarge(size: Int)
        case unreadable(reason: String)
    }

    /// The path shown in diagnostics (the source folder as given, joined
    /// with `relativePath`).
    public var path: String
    /// The path relative to the source folder, with `/` separators.
    public var relativePath: String
    public var contents: Contents

    public init(path: String, relativePath: String, contents: Contents) {
        self.path = path
        self.relativePath = relativePath
        self.contents = contents
    }

    /// An in-memory file, for tests and tools.
    public init(path: String, text: String) {
        self.init(path: path, relativePath: path, contents: .bytes(Array(text.utf8)))
    }

    /// Files over this size are refused: no postmortem is this long, and a
    /// bounded size keeps every later stage bounded.
    public static let sizeLimit = 5 * 1024 * 1024

    /// The file name without its extension (`2024-03-02-db` for `a/2024-03-02-db.md`).
    public var stem: String {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}

extension SourceFile.Contents {
    /// What was read, as a digest that is the same in every build: the
    /// bytes, or the size of a file too large to read, or why it could not
    /// be read (each kind tagged, so a file whose text is "unreadable: …"
    /// is not taken for one that was). It tells a postmortem's or the
    /// configuration's versions apart (`LoadStage`, `BuildRecord`).
    var digest: UInt64 {
        StableHasher.digest { hasher in
            switch self {
            case let .bytes(bytes):
                hasher.combine(0)
                hasher.combine(bytes)
            case let .tooLarge(size):
                hasher.combine(1)
                hasher.combine(size)
            case let .unreadable(reason):
                hasher.combine(2)
                hasher.combine(reason)
            }
        }
    }
}

/// What the discover stage found in a source folder.
public struct DiscoveredSources: Sendable {
    /// Markdown files, sorted by relative path.
    public var files: [SourceFile]
    /// Markdown files left out on purpose (`README.md`, `_index.md`), so the
    /// summary can say so.
    public var skipped: [String]
    /// Every other file (images, logs…), relative paths; not read.
    public var assets: Set<String>
}

/// The discover stage: finds Markdown files below a folder (and reads them, for `check` and tools).
public enum SourceDiscovery {
    public static let markdownExtensions: Set<String> = ["md", "markdown"]
    /// Index pages of a folder of postmortems, not postmortems themselves.
    public static let indexFileNames: Set<String> = ["readme.md", "_index.md", "index.md"]

    public enum Failure: Error, CustomStringConvertible {
        case notAFolder(String)
        case missingConfiguration(String)
        public var description: String {
            switch self {
            case let .notAFolder(path):
                "'\(path)' is not a folder: give the folder that holds the postmortems' .md files"
            case let .missingConfiguration(path):
                "configuration file '\(path)' does not exist"
            }
        }
    }

    /// What a source folder holds, found without reading a file: every
    /// file's relative path and stamp (which tells a later build whether it changed).
    public struct Listing: Sendable {
        /// The folder as given, and its absolute form.
        public var folder: String
        var root: URL
        /// Markdown files to load, in byte order of their relative paths.
        public var markdown: [String]
        /// Index pages (`README.md`, `_index.md`) left out on purpose.
        public var skipped: [String]
        /// Every other file (images, logs…).
        public var assets: Set<String>
        /// Every file above with its stamp, in byte order of the relative
        /// paths: what the build record's fingerprint reads, in its order.
        var files: [(path: String, stamp: FileIO.Stamp)]
        /// The stamps of `markdown`, in its order.
        var markdownStamps: [FileIO.Stamp]
        /// The wall clock (nanoseconds since 1970) before the first file was
        /// looked at: a file whose stamp is older than this by a tick of its
        /// file system's clock cannot change after its stamp was taken without
        /// changing its stamp (see `BuildRecord.fingerprint`). 0: unknown.
        var startedAt: Int64 = 0
        /// Warnings about what was left out: symbolic links that lead outside the folder.
        public var diagnostics: [Diagnostic] = []

        /// The path shown in diagnostics for a relative path.
        func displayPath(_ relative: String) -> String {
            Self.displayPath(relative, in: folder)
        }

        static func displayPath(_ relative: String, in folder: String) -> String {
            let prefix = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
            return prefix == "." ? relative : "\(prefix)/\(relative)"
        }
    }

    /// Lists `folder`: every file below it, hidden files and folders excepted.
    public static func list(in folder: String) throws -> Listing {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
              isDirectory.boolValue else { throw Failure.notAFolder(folder) }
        let root = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        let startedAt = BuildRecord.wallClockNanoseconds()
        var relativePaths: [String] = []
        var markdownStamps: [FileIO.Stamp] = []
        var skipped: [String] = []
        var assets = Set<String>()
        var diagnostics: [Diagnostic] = []
        let inside = SymbolicLinks(root: root.path)
        var walked = FileIO.walk(root.path) { relative in
            guard let outside = inside.outsideTarget(of: relative) else { return true }
            // Never followed: a link to ~/.ssh/id_rsa must not be published under files/.
            diagnostics.append(.warning(
                .symlinkOutsideSource, at: SourceLocation(file: Listing.displayPath(relative, in: folder), line: 1, column: 1),
                "symbolic link leads outside the source folder (to '\(outside)'); not followed",
                notes: ["copy the file into the source folder if it belongs to the knowledge base"]))
            return false
        }
        diagnostics += walked.problems.map { problem(of: $0, in: folder) }
        // Sorted once, here: the Markdown files, the index pages and the fingerprint all take this order.
        walked.files.sort { $0.path.utf8Precedes($1.path) }
        relativePaths.reserveCapacity(walked.files.count)
        markdownStamps.reserveCapacity(walked.files.count)
        for (relative, stamp) in walked.files {
            // The name and its extension found by their bytes ('/' and '.' are ASCII), and compared
            // without new strings: tens of thousands of paths.
            let utf8 = relative.utf8
            let name = relative[(utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? utf8.startIndex)...]
            guard isMarkdownName(name) else {
                assets.insert(relative)
                continue
            }
            if lowercased(name, isIn: indexFileNames) {
                skipped.append(relative)
            } else {
                relativePaths.append(relative)
                markdownStamps.append(stamp)
            }
        }
        diagnostics.sort { $0.location < $1.location }
        return Listing(folder: folder, root: root, markdown: relativePaths, skipped: skipped, assets: assets,
                       files: walked.files, markdownStamps: markdownStamps,
                       startedAt: startedAt, diagnostics: diagnostics)
    }

    /// Whether a file name's extension (after its last '.', found by bytes) is a Markdown one, in any case.
    static func isMarkdownName(_ name: Substring) -> Bool {
        let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")).map { name[name.utf8.index(after: $0)...] } ?? ""
        return lowercased(dot, isIn: markdownExtensions)
    }

    /// Whether `text.lowercased()` is one of `names`: compared byte by byte
    /// without case when `text` is ASCII (no new string), else lowercased.
    static func lowercased(_ text: Substring, isIn names: Set<String>) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // Lowercasing maps each scalar to one or more, never to none: a text of more scalars
            // (counted by their first bytes) than every name has bytes cannot become one; most file
            // names are longer than `readme.md`.
            let longest = names.reduce(0) { Swift.max($0, $1.utf8.count) }
            if bytes.count > longest, bytes.reduce(0, { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }) > longest { return false }
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return names.contains(String(decoding: bytes, as: UTF8.self).lowercased()) }
            return names.contains { name in
                name.utf8.count == bytes.count && zip(name.utf8, bytes).allSatisfy { expected, byte in
                    expected == (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                }
            }
        }
    }

    /// What to tell of an entry the walk could not take: an error when it may
    /// be a postmortem (a `.md`/`.markdown` name, a folder), else a warning.
    static func problem(of problem: FileIO.WalkProblem, in folder: String) -> Diagnostic {
        let name = problem.path.split(separator: "/").last ?? Substring(problem.path)
        // "May be a postmortem": what the walk would have taken for one.
        let severity: Diagnostic.Severity = problem.isFolder || isMarkdownName(name) ? .error : .warning
        let location = SourceLocation(file: Listing.displayPath(problem.path, in: folder), line: 1, column: 1)
        let what = problem.isFolder ? "folder" : "file"
        switch problem.kind {
        case .nameNotUTF8:
            return Diagnostic(severity, .fileNameNotUTF8, at: location,
                              "\(what) name is not valid UTF-8; the \(what) is left out",
                              notes: ["rename it with a UTF-8 name (\\xNN above stands for a byte that is not UTF-8): mv, or convmv -f SHIFT_JIS -t UTF-8 --notest"])
        case let .unreadable(reason):
            return Diagnostic(severity, .fileUnreadable, at: location,
                              "cannot read the \(what)\(problem.isFolder ? "" : "'s state"): \(reason); the \(what)\(problem.isFolder ? " and everything in it is" : " is") left out",
                              notes: ["let the user running postmortem read it (chmod), or move it out of the source folder"])
        }
    }

    /// Every `.md`/`.markdown` file below `folder`, hidden files and folders
    /// excepted, in byte order of their relative paths, read.
    public static func discover(in folder: String) throws -> DiscoveredSources {
        read(try list(in: folder))
    }

    /// Reads the Markdown files of a listing, on every core.
    public static func read(_ listing: Listing) -> DiscoveredSources {
        let files = Parallel.map(sources(listing)) { $0.read() }
        return DiscoveredSources(files: files, skipped: listing.skipped, assets: listing.assets)
    }

    /// The Markdown files of a listing, each to be read when it is loaded.
    static func sources(_ listing: Listing) -> [SourceInput] {
        let root = listing.root.path
        return zip(listing.markdown, listing.markdownStamps).map { relative, stamp in
            .disk(path: listing.displayPath(relative), relativePath: relative, absolute: root + "/" + relative,
                  stamp: SourceStamp(stamp, listedAt: listing.startedAt))
        }
    }

    static func read(_ path: String) -> SourceFile.Contents {
        guard let stamp = FileIO.stamp(path) else { return .unreadable(reason: "the file vanished") }
        if stamp.size > SourceFile.sizeLimit { return .tooLarge(size: Int(stamp.size)) }
        guard let bytes = FileIO.read(path) else { return .unreadable(reason: "permission denied or a read error") }
        if bytes.count > SourceFile.sizeLimit { return .tooLarge(size: bytes.count) }
        return .bytes(bytes)
    }
}

/// A file for the load stage: read already (tests, tools), or named and read
/// when the load stage loads it, so a build holds the bytes of the files
/// being loaded, not of every file of the folder (718 MB at 100,000).
enum SourceInput: Sendable {
    case file(SourceFile)
    /// A file of the disk, with its stamp from the listing (nil: none taken).
    case disk(path: String, relativePath: String, absolute: String, stamp: SourceStamp?)

    var path: String {
        switch self {
        case let .file(file): file.path
        case let .disk(path, _, _, _): path
        }
    }

    /// The file's stamp from the listing, when it is on disk.
    var stamp: SourceStamp? {
        if case let .disk(_, _, _, stamp) = self { return stamp }
        return nil
    }

    /// The file as known without reading it: its paths, no bytes.
    var unread: SourceFile {
        switch self {
        case let .file(file): file
        case let .disk(path, relativePath, _, _): SourceFile(path: path, relativePath: relativePath, contents: .bytes([]))
        }
    }

    /// Whether `read()` reads the disk (each time).
    var isOnDisk: Bool {
        if case .disk = self { return true }
        return false
    }

    func read() -> SourceFile {
        switch self {
        case let .file(file): file
        case let .disk(path, relativePath, absolute, _):
            SourceFile(path: path, relativePath: relativePath, contents: SourceDiscovery.read(absolute))
        }
    }
}

/// A source file's stamp as the listing took it, and when the listing began:
/// what lets a build trust that a file whose stamp is the one its bytes were
/// read with still holds those bytes, without reading them again.
struct SourceStamp: Sendable, Hashable {
    var size: Int64
    var modified: Int64
    /// The change time (ctime), which no program can set back.
    var changed: Int64
    var inode: UInt64
    /// `SourceDiscovery.Listing.startedAt` of the listing that took it.
    var listedAt: Int64

    init(size: Int64, modified: Int64, changed: Int64, inode: UInt64, listedAt: Int64) {
        self.size = size
        self.modified = modified
        self.changed = changed
        self.inode = inode
        self.listedAt = listedAt
    }

    init(_ stamp: FileIO.Stamp, listedAt: Int64) {
        self.init(size: stamp.size, modified: stamp.modified, changed: stamp.changed, inode: stamp.inode, listedAt: listedAt)
    }

    /// Whether the file now stamped `self` holds the bytes it held when it
    /// was stamped `recorded` (and read after): the same size, times and
    /// inode, and both times older than `recorded`'s listing by more than
    /// `window`, so that no write within the same tick of the file system's
    /// clock can have followed that listing's look at the file unseen (git's
    /// "racily clean" rule; `BuildRecord.fingerprint` keeps the same).
    func vouches(for recorded: SourceStamp, window: Int64) -> Bool {
        size == recorded.size && modified == recorded.modified && changed == recorded.changed && inode == recorded.inode
            && recorded.listedAt > 0
            && !BuildRecord.isRacy(modified: modified, changed: changed, listedAt: recorded.listedAt, window: window)
    }
}
