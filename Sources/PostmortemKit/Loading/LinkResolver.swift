import Foundation
import Markdown

/// What the load stage knows about the whole source folder when it
/// renders one body: which file is which postmortem, which other files exist.
public struct SourceIndex: Sendable {
    /// Relative path of every postmortem → its id.
    public var postmortemIDs: [String: String]
    /// Relative paths of the other files in the source folder (images, logs…).
    public var assets: Set<String>
    /// Both kinds of path prepared for "did you mean" (set by `indexNames`),
    /// once, when a broken link first needs them.
    var postmortemNames: Once<Suggestion.Candidates>?
    var assetNames: Once<Suggestion.Candidates>?

    public init(postmortemIDs: [String: String] = [:], assets: Set<String> = []) {
        self.postmortemIDs = postmortemIDs
        self.assets = assets
    }

    /// A digest of the paths, ids and files: a body's links resolve the same way while it is the same.
    var digest: UInt64 {
        StableHasher.digest { hasher in
            for path in postmortemIDs.keys.sortedByUTF8() {
                hasher.combine(path)
                hasher.combine(postmortemIDs[path])
            }
            hasher.combine(assets.sortedByUTF8())
        }
    }

    /// Prepares the suggestions to be made once, by the first of the many bodies
    /// resolved against this index that has a broken link (lowering and sorting
    /// 10,000 paths was a fiftieth of a second of every build, for nearly none).
    mutating func indexNames() {
        let ids = postmortemIDs, assets = assets
        postmortemNames = Once { Suggestion.Candidates(ids.keys) }
        assetNames = Once { Suggestion.Candidates(assets) }
    }
}

/// What a body's links read of the folder's index, so that a load of the
/// body is reused while those reads give the same answers (a postmortem
/// added or removed elsewhere does not load every other body again): the
/// paths its links looked up, or the whole index when a broken link's
/// "did you mean" note was made from every name in it.
enum IndexReads: Sendable, Equatable {
    /// The postmortem paths and the other files' paths looked up, each in the order first looked up.
    case paths(postmortems: [String], files: [String])
    case whole

    /// No link looked anything up.
    static let none = IndexReads.paths(postmortems: [], files: [])

    /// The answers the reads get from `index` (whose `digest` is `indexDigest`,
    /// made once for every body, and only for reads of the whole index): the
    /// same digest, the same links and diagnostics.
    func digest(in index: SourceIndex, indexDigest: Once<UInt64>) -> UInt64 {
        StableHasher.digest { hasher in
            switch self {
            case .whole:
                hasher.combine(true)
                hasher.combine(indexDigest.value)
            case let .paths(postmortems, files):
                hasher.combine(false)
                hasher.combine(postmortems.count)
                for path in postmortems {
                    hasher.combine(path)
                    hasher.combine(index.postmortemIDs[path])
                }
                hasher.combine(files.count)
                for path in files {
                    hasher.combine(path)
                    hasher.combine(index.assets.contains(path))
                }
            }
        }
    }
}

/// Turns the links of one body into links of the site: a relative link to
/// another postmortem's `.md` file goes to its page, a link to a file next
/// to the postmortems goes to its copy under `files/`; a link to neither is
/// a warning at its line and column.
struct LinkResolver {
    let index: SourceIndex
    /// The linking file's path relative to the source folder.
    let relativePath: String
    /// Added to body line numbers to make file line numbers.
    let lineOffset: Int
    let source: SourceText

    private(set) var attachments: [String] = []
    private(set) var linkedPostmortems: [String] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// What the links read of the index.
    private(set) var reads = IndexReads.none

    init(index: SourceIndex, relativePath: String, lineOffset: Int, source: SourceText) {
        self.index = index
        self.relativePath = relativePath
        self.lineOffset = lineOffset
        self.source = source
    }

    /// The site URL for `link` (relative to a page in `incidents/`), or nil to keep it.
    mutating func resolve(_ link: LinkReference) -> String? {
        let url = link.url
        guard !url.isEmpty, !url.hasPrefix("#"), !url.hasPrefix("/"), !Self.hasScheme(url) else { return nil }
        var path = url
        var suffix = ""
        if let mark = path.firstIndex(where: { $0 == "#" || $0 == "?" }) {
            suffix = String(path[mark...])
            path = String(path[..<mark])
        }
        let decoded = path.removingPercentEncoding ?? path
        guard let target = Self.normalize(decoded, relativeTo: relativePath) else {
            warn(link, .linkOutsideSource, "link to '\(url)' leaves the source folder",
                 note: "files outside the folder of postmortems are not published; move the file into it")
            return nil
        }
        let lower = target.lowercased()
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") {
            read(target, file: false)
            guard let id = index.postmortemIDs[target] else {
                reads = .whole
                warn(link, .brokenLink, "link to '\(url)', but there is no postmortem '\(target)' in the source folder",
                     note: (index.postmortemNames?.value ?? Suggestion.Candidates(index.postmortemIDs.keys)).note(for: target))
                return nil
            }
            if !linkedPostmortems.contains(id) { linkedPostmortems.append(id) }
            return SitePaths.incidentFile(id: id) + suffix
        }
        read(target, file: true)
        guard index.assets.contains(target) else {
            reads = .whole
            warn(link, .brokenLink, "link to '\(url)', but '\(target)' does not exist in the source folder",
                 note: (index.assetNames?.value ?? Suggestion.Candidates(index.assets)).note(for: target))
            return nil
        }
        if !attachments.contains(target) { attachments.append(target) }
        return "../\(SitePaths.filesFolder)/" + SitePaths.urlPath(target) + suffix
    }

    /// Notes that a link looked `target` up among the postmortems, or with `file` among the other files.
    private mutating func read(_ target: String, file: Bool) {
        guard case .paths(var postmortems, var files) = reads else { return }
        if file, !files.contains(target) { files.append(target) }
        if !file, !postmortems.contains(target) { postmortems.append(target) }
        reads = .paths(postmortems: postmortems, files: files)
    }

    mutating func warn(_ link: LinkReference, _ code: DiagnosticCode, _ message: String, note: String?) {
        let line = link.line + lineOffset
        diagnostics.append(source.diagnostic(.warning, code, line: line, column: source.scalarColumn(line: line, byteColumn: link.column),
                                             message, notes: note.map { [$0] } ?? []))
    }

    /// `https:`, `mailto:`, `data:`…: a URL with a scheme is not a file.
    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        return scheme.first?.isLetter == true
            && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }
    }

    /// `path` (relative to the directory of `from`) as a path relative to
    /// the source folder, `.` and `..` resolved; nil when it leaves the folder.
    static func normalize(_ path: String, relativeTo from: String) -> String? {
        var segments = from.split(separator: "/").dropLast().map(String.init)
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(String(segment))
            }
        }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }
}
