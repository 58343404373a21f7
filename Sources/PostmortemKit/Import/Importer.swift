import Foundation
import Markdown

/// `postmortem import DIR [--write]`: proposes a front matter for every
/// postmortem that has none, from what its text states, and puts it on top
/// of the file, leaving every byte of the file below it as it was.
public enum Importer {
    /// The front-matter fields `import` can propose, in the order it writes them.
    public static let fields = ["title", "date", "severity", "services", "milestones", "duration", "cause", "recurrence_fix"]

    public struct Proposal: Sendable {
        public var path: String
        public var relativePath: String
        /// The front matter to put on top, fences and line endings included; nil when skipped.
        public var frontMatter: String?
        /// Why the file is left alone (it has front matter, it is not UTF-8…).
        public var skipReason: String?
        /// The fields proposed, and which of them were guessed (`# inferred`).
        public var proposed: [String]
        public var inferred: [String]
        /// The file's bytes as read.
        public var original: [UInt8]

        /// The file as `--write` leaves it: the front matter, then the original bytes
        /// (after a byte-order mark, which stays first).
        public var written: [UInt8]? {
            guard let frontMatter else { return nil }
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            if original.starts(with: bom) { return bom + Array(frontMatter.utf8) + original.dropFirst(3) }
            return Array(frontMatter.utf8) + original
        }

        /// The proposal as a unified diff (`diff -u` style) against the file as it is.
        public var diff: String {
            guard let frontMatter else { return "" }
            let added = frontMatter.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let text = String(decoding: original.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(original.dropFirst(3)) : original,
                              as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            let context = lines.prefix(3)
            var out = "--- a/\(relativePath)\n+++ b/\(relativePath)\n"
            out += "@@ -\(context.isEmpty ? 0 : 1),\(context.count) +1,\(added.count + context.count) @@\n"
            for line in added { out += "+" + line.replacingOccurrences(of: "\r", with: "") + "\n" }
            for line in context { out += " " + line.replacingOccurrences(of: "\r", with: "") + "\n" }
            return out
        }
    }

    /// The proposal for one file (pure).
    public static func propose(_ file: SourceFile, configuration: SiteConfiguration) -> Proposal {
        var proposal = Proposal(path: file.path, relativePath: file.relativePath, frontMatter: nil, skipReason: nil,
                                proposed: [], inferred: [], original: [])
        guard case let .bytes(bytes) = file.contents else {
            proposal.skipReason = "cannot be read"
            return proposal
        }
        proposal.original = bytes
        let source: SourceText
        switch TextDecoding.decode(file) {
        case let .refused(diagnostic):
            proposal.skipReason = diagnostic.message
            return proposal
        case let .text(text): source = text
        }
        if case let .split(split) = FrontMatterSplitter.split(source), split.yaml != nil {
            proposal.skipReason = "has front matter already"
            return proposal
        }
        if case .unterminated = FrontMatterSplitter.split(source) {
            proposal.skipReason = "starts with '---' but the front matter is never closed"
            return proposal
        }
        let document = MarkdownDocument(source.text, options: MarkdownOptions())
        let heading = document.firstHeading(level: 1)?.text
        let body = document.render()
        let facts = ImportFacts.read(body: body, source: source.text, heading: heading, stem: file.stem,
                                     configuration: configuration)
        let newline = source.text.contains("\r\n") ? "\r\n" : "\n"
        var lines: [String] = []
        func add(_ field: String, _ text: String, inferred: Bool) {
            lines.append(text + (inferred ? "  # inferred" : ""))
            proposal.proposed.append(field)
            if inferred { proposal.inferred.append(field) }
        }
        if let title = facts.title { add("title", "title: \(YAMLText.scalar(title.value))", inferred: title.inferred) }
        if let date = facts.date { add("date", "date: \(date.value)", inferred: date.inferred) }
        if let severity = facts.severity { add("severity", "severity: \(YAMLText.scalar(severity.value))", inferred: severity.inferred) }
        if let services = facts.services {
            add("services", "services: [\(services.value.map { YAMLText.scalar($0, inFlow: true) }.joined(separator: ", "))]",
                inferred: services.inferred)
        }
        for milestone in facts.milestones {
            lines.append("\(milestone.key): \(YAMLText.scalar(milestone.text))")
        }
        if !facts.milestones.isEmpty { proposal.proposed.append("milestones") }
        if let duration = facts.duration { add("duration", "duration: \(duration.value)", inferred: duration.inferred) }
        if let cause = facts.causeSummary {
            add("cause", "cause:", inferred: false)
            lines.append("  summary: \(YAMLText.scalar(cause.value))  # inferred")
            proposal.inferred.append("cause")
        }
        if let actions = facts.actions {
            add("recurrence_fix", "recurrence_fix:", inferred: actions.inferred)
            for action in actions.value {
                lines.append("  - title: \(YAMLText.scalar(action.title))")
                if let owner = action.owner { lines.append("    owner: \(YAMLText.scalar(owner))") }
                if let due = action.due { lines.append("    due: \(due)") }
                if action.done { lines.append("    status: done") }
            }
        }
        guard !lines.isEmpty else {
            proposal.skipReason = "nothing to propose: no heading, date, labelled values or sections found"
            return proposal
        }
        proposal.frontMatter = (["---"] + lines + ["---"]).map { $0 + newline }.joined()
        return proposal
    }

    /// Proposals for every Markdown file below `folder` (index pages left out, as `check` does).
    public static func run(folder: String, configuration: SiteConfiguration) throws -> [Proposal] {
        let sources = try SourceDiscovery.discover(in: folder)
        return sources.files.map { propose($0, configuration: configuration) }
    }

    /// Writes a proposal into its file: the front matter on top of the bytes
    /// read, only if the file still holds those bytes; atomically.
    public static func write(_ proposal: Proposal) throws {
        guard let written = proposal.written else { return }
        let url = URL(fileURLWithPath: proposal.path)
        guard let current = FileManager.default.contents(atPath: proposal.path), Array(current) == proposal.original else {
            throw Failure.changed(proposal.path)
        }
        try Data(written).write(to: url, options: .atomic)
    }

    public enum Failure: Error, CustomStringConvertible {
        case changed(String)

        public var description: String {
            switch self {
            case let .changed(path): "\(path) changed while import was reading it; nothing written to it"
            }
        }
    }
}

/// YAML scalars as `import` writes them: plain when that reads back as the
/// same text, else double-quoted (JSON escapes are valid YAML).
enum YAMLText {
    static func scalar(_ text: String, inFlow: Bool = false) -> String {
        plainIsSafe(text, inFlow: inFlow) ? text : quoted(text)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func plainIsSafe(_ text: String, inFlow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if " \t".unicodeScalars.contains(last) || " \t".unicodeScalars.contains(first) { return false }
        if "-?:,[]{}#&*!|>'\"%@`~".unicodeScalars.contains(first) { return false }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return false }
        if inFlow, text.contains(where: { ",[]{}".contains($0) }) { return false }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" || $0 == "\u{FEFF}" }) { return false }
        // Words YAML reads as something other than text: booleans, null, numbers, dates.
        let lower = text.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(lower) { return false }
        if Double(text) != nil || text.allSatisfy({ $0.isNumber || "-:.+ TZ".contains($0) }) { return false }
        return true
    }
}
