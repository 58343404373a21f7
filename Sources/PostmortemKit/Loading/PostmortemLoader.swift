import Foundation
import Markdown

/// What loading one file produced: the postmortem (whenever the file is a
/// text file, even with errors in it, so later checks do not cascade) and
/// every problem found.
public struct LoadedFile: Sendable {
    public var postmortem: Postmortem?
    public var diagnostics: [Diagnostic]
}

/// The load stage for one file: text, front matter, fields, and the
/// fallbacks for what the front matter does not say.
public struct PostmortemLoader: Sendable {
    public let configuration: SiteConfiguration

    public init(configuration: SiteConfiguration) {
        self.configuration = configuration
    }

    public func load(_ file: SourceFile) -> LoadedFile {
        let source: SourceText
        switch TextDecoding.decode(file) {
        case let .refused(diagnostic): return LoadedFile(postmortem: nil, diagnostics: [diagnostic])
        case let .text(text): source = text
        }
        var diagnostics: [Diagnostic] = []
        let split: SplitSource
        switch FrontMatterSplitter.split(source) {
        case let .split(parts): split = parts
        case let .unterminated(diagnostic):
            diagnostics.append(diagnostic)
            split = SplitSource(yaml: nil, yamlFirstLine: 1, body: source.text, bodyFirstLine: 1)
        }
        var matter = FrontMatter()
        if let yaml = split.yaml {
            let document = YAMLDocument(yaml: yaml, firstLine: split.yamlFirstLine, in: source)
            diagnostics += document.diagnostics
            if let root = document.root {
                var decoder = FrontMatterDecoder(
                    configuration: configuration,
                    reader: FieldReader(source: source, firstLine: split.yamlFirstLine))
                matter = decoder.decode(root)
                diagnostics += decoder.reader.diagnostics
            }
        }
        let heading = MarkdownDocument(split.body).firstHeading(level: 1)
        let postmortem = assemble(matter, split: split, heading: heading, file: file)
        if !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics += missingFieldWarnings(postmortem, matter: matter, source: source)
        }
        return LoadedFile(postmortem: postmortem, diagnostics: diagnostics)
    }

    func assemble(_ matter: FrontMatter, split: SplitSource, heading: Heading?, file: SourceFile) -> Postmortem {
        var origins = Postmortem.Origins()
        let id = matter.id ?? file.stem
        if matter.id == nil { origins.id = .fileName }
        let title: String
        if let written = matter.title {
            title = written
        } else if let heading {
            title = heading.text
            origins.title = .heading
        } else {
            title = file.stem
            origins.title = .fileName
        }
        var date = matter.date
        if date == nil, let start = matter.milestones.startedAt {
            date = CalendarDate(start, in: configuration.timeZone)
            origins.date = .milestones
        }
        if date == nil, let named = Self.dateInFileName(file.stem) {
            date = named
            origins.date = .fileName
        }
        if date == nil { origins.date = .missing }
        var sites = matter.sites
        if matter.id == nil {
            sites["id"] = FieldSite(location: SourceLocation(file: file.path, line: 1, column: 1), lineText: "")
        }
        return Postmortem(
            id: id, title: title, date: date, status: matter.status ?? .published,
            kind: matter.kind ?? .incident, severity: matter.severity, services: matter.services,
            milestones: matter.milestones, duration: matter.duration, impact: matter.impact,
            causes: matter.causes, trigger: matter.trigger, recurrenceFix: matter.recurrenceFix,
            related: matter.related, tags: matter.tags, authors: matter.authors,
            description: matter.description, body: split.body,
            source: Postmortem.Source(path: file.path, relativePath: file.relativePath,
                                      hasFrontMatter: split.yaml != nil, bodyFirstLine: split.bodyFirstLine),
            origins: origins, fieldSites: sites)
    }

    /// The first `YYYY-MM-DD` in a file name that stands apart from other digits.
    static func dateInFileName(_ name: String) -> CalendarDate? {
        let bytes = Array(name.utf8)
        func isDigit(_ index: Int) -> Bool { index >= 0 && index < bytes.count && (48...57).contains(bytes[index]) }
        func number(_ start: Int, _ count: Int) -> Int {
            bytes[start..<start + count].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        var index = 0
        while index + 10 <= bytes.count {
            let shape = (0..<10).allSatisfy { offset in
                offset == 4 || offset == 7 ? bytes[index + offset] == UInt8(ascii: "-") : isDigit(index + offset)
            }
            if shape, !isDigit(index - 1), !isDigit(index + 10),
               let date = CalendarDate(year: number(index, 4), month: number(index + 5, 2), day: number(index + 8, 2)) {
                return date
            }
            index += 1
        }
        return nil
    }

    /// What a published incident should say and does not, as one warning.
    func missingFieldWarnings(_ postmortem: Postmortem, matter: FrontMatter, source: SourceText) -> [Diagnostic] {
        guard postmortem.status == .published else { return [] }
        var missing: [String] = []
        if postmortem.kind == .incident {
            if postmortem.severity == nil, !matter.present.contains("severity") { missing.append("severity") }
            if postmortem.milestones.startedAt == nil || postmortem.milestones.resolvedAt == nil,
               postmortem.duration == nil { missing.append("started_at/resolved_at or duration") }
            if postmortem.impact == nil { missing.append("impact") }
        }
        if postmortem.services.isEmpty { missing.append("services") }
        if postmortem.causes.isEmpty { missing.append("cause") }
        if postmortem.recurrenceFix.isEmpty { missing.append("recurrence_fix") }
        if postmortem.date == nil { missing.append("date") }
        guard !missing.isEmpty else { return [] }
        let list = missing.joined(separator: ", ")
        if !postmortem.source.hasFrontMatter {
            return [.warning(.noFrontMatter, at: source.location(line: 1, column: 1),
                             "no front matter, so these are unknown: \(list)",
                             notes: ["add a block of 'key: value' lines between two '---' lines at the top; see docs/front-matter.md"])]
        }
        return [.warning(.missingFields, at: source.location(line: 1, column: 1),
                         "front matter does not give: \(list)",
                         notes: ["statistics and recurrence links leave this postmortem out where a value is missing"])]
    }
}
