import Foundation

/// One file found in the source folder, with its bytes read: the output of
/// the discover stage, the only stage that reads the disk.
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

/// The discover stage: finds Markdown files below a folder and reads them.
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

    /// Every `.md`/`.markdown` file below `folder`, hidden files and folders
    /// excepted, in byte order of their relative paths.
    public static func discover(in folder: String) throws -> DiscoveredSources {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
              isDirectory.boolValue else { throw Failure.notAFolder(folder) }
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        let displayPrefix = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        var relativePaths: [String] = []
        var skipped: [String] = []
        var assets = Set<String>()
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles])
        let rootComponents = root.standardizedFileURL.pathComponents.count
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let relative = url.standardizedFileURL.pathComponents.dropFirst(rootComponents)
                .joined(separator: "/")
            guard markdownExtensions.contains(url.pathExtension.lowercased()) else {
                assets.insert(relative)
                continue
            }
            if indexFileNames.contains(url.lastPathComponent.lowercased()) {
                skipped.append(relative)
            } else {
                relativePaths.append(relative)
            }
        }
        relativePaths.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        skipped.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let files = relativePaths.map { relative in
            SourceFile(
                path: displayPrefix == "." ? relative : "\(displayPrefix)/\(relative)",
                relativePath: relative,
                contents: read(root.appendingPathComponent(relative).path))
        }
        return DiscoveredSources(files: files, skipped: skipped, assets: assets)
    }

    static func read(_ path: String) -> SourceFile.Contents {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > SourceFile.sizeLimit { return .tooLarge(size: size) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .unreadable(reason: "permission denied or the file vanished")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.readToEnd() ?? Data()
            if data.count > SourceFile.sizeLimit { return .tooLarge(size: data.count) }
            return .bytes([UInt8](data))
        } catch {
            return .unreadable(reason: "\(error.localizedDescription)")
        }
    }
}
