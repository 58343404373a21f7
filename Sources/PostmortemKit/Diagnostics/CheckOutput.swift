import Foundation

/// What `postmortem check` prints, in each of its formats, and its exit status.
/// Pure: the report (and the merges, when asked for) in, text out.
public enum CheckOutput {
    public enum Format: String, Sendable, CaseIterable {
        /// Compiler-style lines with the source line and a caret, then a summary.
        case text
        /// One JSON document (shape in docs/ci.md, `"version": 1`).
        case json
        /// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.
        case github
    }

    /// The exit status: 0 clean, 1 errors (or warnings when `strict`).
    /// 2 (unreadable folder or configuration) and 64 (usage) are the CLI's.
    public static func exitStatus(_ report: CheckReport, strict: Bool) -> Int32 {
        report.errorCount > 0 || (strict && report.warningCount > 0) ? 1 : 0
    }

    /// The whole output for `report`; `merges` is nil unless `--suggest-causes` was given.
    /// `summary` false leaves out the last line of the text and github formats (`--quiet`);
    /// `colors` paints the text format for a terminal.
    public static func render(
        _ report: CheckReport, folder: String, format: Format, strict: Bool = false,
        merges: [TextSimilarity.Merge]? = nil, summary: Bool = true, colors: Bool = false
    ) -> String {
        switch format {
        case .text: text(report, folder: folder, merges: merges, summary: summary, colors: colors)
        case .json: json(report, folder: folder, strict: strict, merges: merges)
        case .github: github(report, folder: folder, merges: merges, summary: summary)
        }
    }

    static func text(_ report: CheckReport, folder: String, merges: [TextSimilarity.Merge]?, summary: Bool,
                     colors: Bool) -> String {
        var out = report.diagnostics.map { DiagnosticFormatter.text($0, colors: colors) }.joined()
        if let merges {
            for merge in merges { out += "suggestion: \(merge.description)\n" }
            out += merges.isEmpty ? "No cause keys to merge.\n"
                : "\(DiagnosticFormatter.plural(merges.count, "cause key merge")) to consider.\n"
        }
        return summary ? out + report.summary(folder: folder) + "\n" : out
    }

    // MARK: GitHub Actions

    /// One workflow command per diagnostic (`error` or `warning`), one `notice`
    /// per suggested merge, then the summary as a plain log line. Notes follow
    /// the message on their own lines (escaped as `%0A`).
    static func github(_ report: CheckReport, folder: String, merges: [TextSimilarity.Merge]?, summary: Bool) -> String {
        var out = ""
        for diagnostic in report.diagnostics {
            let message = ([diagnostic.message] + diagnostic.notes.map { "note: \($0)" }).joined(separator: "\n")
            out += workflowCommand(
                diagnostic.severity.rawValue,
                properties: [
                    ("file", diagnostic.location.file), ("line", String(diagnostic.location.line)),
                    ("col", String(diagnostic.location.column)), ("title", "postmortem \(diagnostic.code)"),
                ],
                message: message) + "\n"
        }
        for merge in merges ?? [] {
            out += workflowCommand("notice", properties: [("title", "postmortem cause keys")], message: merge.description) + "\n"
        }
        return summary ? out + report.summary(folder: folder) + "\n" : out
    }

    /// `::name key=value,key=value::message`, escaped as GitHub's runner reads
    /// it (actions/toolkit `command.ts`): in the message `%`, CR and LF; in
    /// property values also `:` and `,`.
    public static func workflowCommand(_ name: String, properties: [(String, String)], message: String) -> String {
        let list = properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(name)\(list.isEmpty ? "" : " " + list)::\(escapeData(message))"
    }

    public static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    public static func escapeProperty(_ text: String) -> String {
        escapeData(text)
            .replacingOccurrences(of: ":", with: "%3A")
            .replacingOccurrences(of: ",", with: "%2C")
    }

    // MARK: JSON

    /// The JSON document of docs/ci.md. Keys are sorted and the shape only
    /// grows: a change that removes or renames a key raises `version`.
    struct Document: Encodable {
        var version = 1
        var folder: String
        var files: Int
        var errors: Int
        var warnings: Int
        var strict: Bool
        var passed: Bool
        var skipped: [String]
        var diagnostics: [Item]
        /// Null unless `--suggest-causes` was given.
        var suggestions: [Suggestion]?

        enum CodingKeys: String, CodingKey {
            case version, folder, files, errors, warnings, strict, passed, skipped, diagnostics, suggestions
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(folder, forKey: .folder)
            try container.encode(files, forKey: .files)
            try container.encode(errors, forKey: .errors)
            try container.encode(warnings, forKey: .warnings)
            try container.encode(strict, forKey: .strict)
            try container.encode(passed, forKey: .passed)
            try container.encode(skipped, forKey: .skipped)
            try container.encode(diagnostics, forKey: .diagnostics)
            try container.encode(suggestions, forKey: .suggestions)
        }

        struct Item: Encodable {
            var file: String
            var line: Int
            var column: Int
            var severity: String
            var code: String
            var message: String
            var notes: [String]
            var sourceLine: String?

            enum CodingKeys: String, CodingKey {
                case file, line, column, severity, code, message, notes
                case sourceLine = "source_line"
            }

            /// Every key always present: `source_line` is null when the problem has no line of text.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(file, forKey: .file)
                try container.encode(line, forKey: .line)
                try container.encode(column, forKey: .column)
                try container.encode(severity, forKey: .severity)
                try container.encode(code, forKey: .code)
                try container.encode(message, forKey: .message)
                try container.encode(notes, forKey: .notes)
                try container.encode(sourceLine, forKey: .sourceLine)
            }
        }

        struct Suggestion: Encodable {
            var key: String
            var alias: String
            var incidents: [String]
            var similarity: Double
            var message: String
        }
    }

    static func json(_ report: CheckReport, folder: String, strict: Bool, merges: [TextSimilarity.Merge]?) -> String {
        let document = Document(
            folder: folder, files: report.fileCount, errors: report.errorCount, warnings: report.warningCount,
            strict: strict, passed: exitStatus(report, strict: strict) == 0, skipped: report.skipped,
            diagnostics: report.diagnostics.map {
                Document.Item(file: $0.location.file, line: $0.location.line, column: $0.location.column,
                              severity: $0.severity.rawValue, code: $0.code.rawValue, message: $0.message,
                              notes: $0.notes, sourceLine: $0.sourceLine)
            },
            suggestions: merges?.map {
                Document.Suggestion(key: $0.key, alias: $0.alias, incidents: [$0.incidents.0, $0.incidents.1],
                                    similarity: ($0.cosine * 100).rounded() / 100, message: $0.description)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else {
            return "{}\n"  // unreachable: every value above is a string, number, boolean or list of them
        }
        return text + "\n"
    }
}
