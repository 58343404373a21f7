import Foundation
import Testing
@testable import PostmortemKit

/// Loads one in-memory postmortem named `path`.
func load(_ text: String, path: String = "pm.md", configuration: SiteConfiguration = .default) -> LoadedFile {
    PostmortemLoader(configuration: configuration).load(SourceFile(path: path, text: text))
}

/// Loads `text` and returns its postmortem, recording an issue when it has none.
func postmortem(_ text: String, path: String = "pm.md", configuration: SiteConfiguration = .default,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Postmortem? {
    let loaded = load(text, path: path, configuration: configuration)
    #expect(loaded.postmortem != nil, sourceLocation: sourceLocation)
    return loaded.postmortem
}

/// The diagnostics of `text` that are not the "front matter does not give" summary.
func problems(_ text: String, path: String = "pm.md", configuration: SiteConfiguration = .default) -> [Diagnostic] {
    load(text, path: path, configuration: configuration).diagnostics.filter { $0.code != .missingFields }
}

/// A diagnostic as `file:line:col` with its line text, for whole comparisons.
func diagnostic(
    _ severity: Diagnostic.Severity, _ code: DiagnosticCode, _ line: Int, _ column: Int,
    _ message: String, notes: [String] = [], source: String? = nil, file: String = "pm.md"
) -> Diagnostic {
    Diagnostic(severity, code, at: PostmortemKit.SourceLocation(file: file, line: line, column: column),
               message, notes: notes, sourceLine: source)
}

/// Front matter lines wrapped in `---` fences, with a heading body.
func frontMatter(_ lines: String, body: String = "# Body heading\n") -> String {
    "---\n\(lines)\n---\n\(body)"
}

let tokyo: SiteConfiguration = {
    var configuration = SiteConfiguration.default
    _ = configuration.setTimeZone(named: "Asia/Tokyo")
    return configuration
}()

/// An instant from an ISO 8601 string with an offset, for expectations.
func instant(_ text: String) -> Date {
    guard case let .dateTime(date, _) = DateTimeParsing.parse(text, timeZone: TimeZone(identifier: "UTC")!) else {
        Issue.record("not a date-time: \(text)")
        return Date(timeIntervalSince1970: 0)
    }
    return date
}

func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate? {
    CalendarDate(year: year, month: month, day: day)
}

/// A loaded postmortem's Markdown body (its file from `bodyFirstLine` on),
/// read again from disk: a postmortem keeps what it rendered, not its source.
func bodyMarkdown(_ postmortem: Postmortem) throws -> String {
    let text = try String(contentsOfFile: postmortem.source.path, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
    return text.split(separator: "\n", omittingEmptySubsequences: false)
        .dropFirst(postmortem.source.bodyFirstLine - 1).joined(separator: "\n")
}

/// The package's root folder, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared/` beside the package, as on every developer's machine and in CI.
let sharedFolder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

extension FileManager {
    /// Removes a site a test built, and the build cache beside it.
    func removeSite(at url: URL) {
        try? removeItem(at: url)
        try? removeItem(at: BuildRecord.cacheFolder(of: url.path))
    }
}

/// A copy of the sample knowledge base (`postmortems/`) in a new temporary
/// folder `root`, with a place for its site (`out`): remove `root` when done.
struct SampleCopy {
    let root: URL, source: URL, out: URL

    /// The folder's name starts with `pmkb-` and `name`.
    init(_ name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-\(name)-\(UUID().uuidString)")
        source = root.appendingPathComponent("postmortems")
        out = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("postmortems"), to: source)
    }

    /// Adds a line to the end of the body of the postmortem `file`.
    func append(_ line: String, to file: String) throws {
        let url = source.appendingPathComponent(file)
        try Data((try String(contentsOf: url, encoding: .utf8) + "\n" + line + "\n").utf8).write(to: url)
    }
}

/// Every file below `folder`, relative path → bytes: a built site, to compare whole.
func files(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
        let relative = url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1)
        result[String(relative)] = try Data(contentsOf: url)
    }
    return result
}
