import Foundation
import Yams

/// `postmortem new`: a new postmortem from the team's template
/// (`postmortem.md` or `postmortem.ja.md`, from the templates folder when it
/// has one, else the built-in theme's), with its front matter prefilled: the
/// next free id in the team's pattern, today's date in the site's time zone,
/// severity and services when given. Never overwrites: when the file name is
/// taken, the next free `-2`, `-3`… is used.
public enum NewPostmortem {
    public struct Options: Sendable {
        public var title: String
        public var sourceFolder: String
        /// The template's language; nil means the site's (`language` in the configuration).
        public var language: Language?
        public var severity: String?
        public var services: [String]
        public var templatesFolder: String?
        public var configuration: SiteConfiguration
        /// The clock: today is this instant's date in the configuration's time zone.
        public var now: Date

        public init(title: String, sourceFolder: String = "postmortems", language: Language? = nil,
                    severity: String? = nil, services: [String] = [], templatesFolder: String? = nil,
                    configuration: SiteConfiguration = .default, now: Date = Date()) {
            self.title = title
            self.sourceFolder = sourceFolder
            self.language = language
            self.severity = severity
            self.services = services
            self.templatesFolder = templatesFolder
            self.configuration = configuration
            self.now = now
        }
    }

    /// What `new` writes: the file name (without the folder), its id and text.
    public struct Draft: Sendable, Equatable {
        public var fileName: String
        public var id: String
        public var text: String
    }

    public struct Result: Sendable {
        /// The path of the new file.
        public var path: String
        public var id: String
        /// What `check` says about the new file: nothing with the built-in
        /// templates; a team's edited template may bring problems.
        public var diagnostics: [Diagnostic]
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case emptyTitle
        case unknownSeverity(String, [String])
        case unreadableTemplate(String, String)
        case unwritable(String, String)

        public var description: String {
            switch self {
            case .emptyTitle:
                "the title is empty: give it in quotes, e.g. postmortem new \"Reservations page blank after release\""
            case let .unknownSeverity(value, levels):
                "unknown severity '\(value)'; the levels are \(levels.joined(separator: ", ")) (first is worst)"
            case let .unreadableTemplate(path, reason): "cannot read the template '\(path)': \(reason)"
            case let .unwritable(path, reason): "cannot write '\(path)': \(reason)"
            }
        }
    }

    /// The template's file name in the theme: `postmortem.md` or `postmortem.ja.md`.
    public static func templateName(_ language: Language) -> String {
        language == .ja ? "postmortem.ja.md" : "postmortem.md"
    }

    /// The template's text: the templates folder's file when there is one, else the built-in one.
    public static func template(_ language: Language, templatesFolder: String?) throws -> String {
        let name = templateName(language)
        if let templatesFolder {
            let path = URL(fileURLWithPath: templatesFolder).appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) {
                do {
                    return try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    throw Failure.unreadableTemplate(path, error.localizedDescription)
                }
            }
        }
        return Theme.builtIn.files[name] ?? ""
    }

    /// Creates the file and returns where, its id and what `check` says of it.
    public static func run(_ options: Options) throws -> Result {
        let language = options.language ?? options.configuration.language
        let text = try template(language, templatesFolder: options.templatesFolder)
        let existing = try existingIDs(in: options.sourceFolder)
        let made = try draft(options, template: text, existingIDs: existing)
        let manager = FileManager.default
        let folder = URL(fileURLWithPath: options.sourceFolder, isDirectory: true)
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure.unwritable(options.sourceFolder, error.localizedDescription)
        }
        let stem = String(made.fileName.dropLast(".md".count))
        var number = 1
        while true {
            let name = number == 1 ? made.fileName : "\(stem)-\(number).md"
            let url = folder.appendingPathComponent(name)
            let display = options.sourceFolder.hasSuffix("/") ? options.sourceFolder + name : options.sourceFolder + "/" + name
            if !manager.fileExists(atPath: url.path) {
                do {
                    // withoutOverwriting: a file that appeared since the check is still not replaced.
                    try Data(made.text.utf8).write(to: url, options: [.withoutOverwriting])
                    let loaded = PostmortemLoader(configuration: options.configuration)
                        .load(SourceFile(path: display, text: made.text))
                    return Result(path: display, id: made.id, diagnostics: loaded.diagnostics)
                } catch CocoaError.fileWriteFileExists {
                    // Taken between the check and the write: try the next name.
                } catch {
                    throw Failure.unwritable(url.path, error.localizedDescription)
                }
            }
            number += 1
        }
    }

    /// The file name, id and text `new` writes, from the template and the ids already used. Pure.
    public static func draft(_ options: Options, template: String, existingIDs: [String]) throws -> Draft {
        let title = options.title.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { throw Failure.emptyTitle }
        var severity = ""
        if let wanted = options.severity {
            guard let level = FrontMatterDecoder.severityLevel(wanted, among: options.configuration.severityLevels) else {
                throw Failure.unknownSeverity(wanted, options.configuration.severityLevels.map(\.id))
            }
            severity = level
        }
        let today = CalendarDate(options.now, in: options.configuration.timeZone)
        let id = IDPattern.next(after: existingIDs, year: today.year)
        var values = [
            "id": id, "date": today.description, "severity": severity,
            "services": options.services.map(yamlFlowScalar).joined(separator: ", "),
            "timezone": options.configuration.timeZoneName,
        ]
        // In the front matter the title sits in a double-quoted YAML string; in the body it is text.
        values["title"] = yamlDoubleQuotedContent(title)
        let (frontMatter, body) = splitAtFrontMatterEnd(template)
        var text = fill(frontMatter, values)
        values["title"] = title
        text += fill(body, values)
        return Draft(fileName: "\(today)-\(slug(title)).md", id: id, text: text)
    }

    /// A readable file name from a title, in any script: letters and digits
    /// kept (lowercased, compatibility forms folded: `Ｒｅｌｅａｓｅ` → `release`,
    /// halfwidth ｶﾅ → カナ), everything else one `-`; at most 60 characters;
    /// `postmortem` when nothing is left.
    public static func slug(_ title: String) -> String {
        // The same folding as a cause key, then cut.
        var scalars = String.UnicodeScalarView(CauseKey.normalize(title).unicodeScalars.prefix(60))
        while scalars.last == "-" { scalars.removeLast() }
        return scalars.isEmpty ? "postmortem" : String(scalars)
    }

    /// The `id` of every postmortem's front matter below `folder` (none when the folder does not exist).
    public static func existingIDs(in folder: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try SourceDiscovery.discover(in: folder).files.compactMap { file in
            guard case let .bytes(bytes) = file.contents,
                  case let .split(split) = FrontMatterSplitter.split(SourceText(path: file.path, text: String(decoding: bytes, as: UTF8.self))),
                  let yaml = split.yaml, let node = try? Yams.compose(yaml: yaml) else { return nil }
            return node["id"]?.string.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The template cut after its front matter's closing `---` line (all of it is "front matter" when there is none).
    static func splitAtFrontMatterEnd(_ template: String) -> (String, String) {
        var lines = template.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return ("", template) }
        guard let end = lines.indices.dropFirst().first(where: {
            let line = lines[$0].trimmingCharacters(in: .whitespaces)
            return line == "---" || line == "..."
        }) else { return (template, "") }
        let body = lines[(end + 1)...].joined(separator: "\n")
        lines.removeSubrange((end + 1)...)
        return (lines.joined(separator: "\n") + "\n", body)
    }

    /// `{{key}}` replaced by its value, for the keys given; anything else stays as written.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        var text = text
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            text = text.replacingOccurrences(of: "{{\(key)}}", with: value)
        }
        return text
    }

    static func yamlDoubleQuotedContent(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A service name as an item of a YAML flow list: as it is when plain, else double-quoted.
    static func yamlFlowScalar(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0.isNumber } == true
            && text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
            && !["true", "false", "yes", "no", "on", "off", "null"].contains(text.lowercased())
            && !text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        return plain ? text : "\"\(yamlDoubleQuotedContent(text))\""
    }
}
