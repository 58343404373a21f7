import Foundation
import Mustache

/// The templates and assets pages are made from: the default theme built
/// into the tool (from `site-templates/`), with a folder's files taking the
/// place of the default's file by file.
public struct Theme: Sendable {
    /// Relative path → text (`index.mustache`, `assets/style.css`).
    public var files: [String: String]

    public init(files: [String: String]) {
        self.files = files
    }

    public static let builtIn = Theme(files: DefaultTheme.files)

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        case template(String, String)
        public var description: String {
            switch self {
            case let .unreadable(path, reason): "cannot read theme file '\(path)': \(reason)"
            case let .template(name, reason): "template '\(name)' does not parse: \(reason)"
            }
        }
    }

    /// The built-in theme with the files of `folder` (when it exists) in place of its own.
    public static func load(overrides folder: String?) throws -> Theme {
        var theme = builtIn
        guard let folder, FileManager.default.fileExists(atPath: folder) else { return theme }
        let root = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                        options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let relative = url.standardizedFileURL.pathComponents.dropFirst(root.pathComponents.count).joined(separator: "/")
            do {
                theme.files[relative] = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw Failure.unreadable(url.path, "\(error.localizedDescription)")
            }
        }
        return theme
    }

    /// Every `.mustache` file, registered by its path without the extension.
    /// Each is read with `{{% CONTENT_TYPE: FASTHTML }}` first (a line of its
    /// own, which Mustache removes): the same escaping as Mustache's HTML, done
    /// on bytes.
    /// A digest of every file of the theme: pages made with another theme differ.
    var digest: UInt64 {
        StableHasher.digest { hasher in
            for path in files.keys.sortedByUTF8() {
                hasher.combine(path)
                hasher.combine(files[path])
            }
        }
    }

    func library() throws -> MustacheLibrary {
        let pragma = HTMLEscaping.pragma
        let sources = files.filter { $0.key.hasSuffix(".mustache") }.sorted { $0.key < $1.key }
        // Parsed on every core (each template on its own): the first failure, in path order, is the one told.
        let parsed = Parallel.map(sources, minimumChunk: 1) { path, text -> Result<MustacheTemplate, Failure> in
            do {
                return .success(try MustacheTemplate(string: pragma + text))
            } catch {
                // The message as the file is written (its line numbers without the pragma's line).
                do { _ = try MustacheTemplate(string: text) } catch { return .failure(Failure.template(path, "\(error)")) }
                return .failure(Failure.template(path, "\(error)"))
            }
        }
        var templates: [String: MustacheTemplate] = [:]
        for ((path, _), template) in zip(sources, parsed) {
            templates[String(path.dropLast(".mustache".count))] = try template.get()
        }
        return MustacheLibrary(templates: templates)
    }

    /// The files copied to the site as they are (`assets/…`).
    var assets: [(path: String, text: String)] {
        files.filter { $0.key.hasPrefix("assets/") }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// The theme the tool ships: `site-templates/`, embedded by `scripts/embed-theme`.
enum DefaultTheme {}
