import Foundation
import Markdown

/// What loading one file produced: the postmortem (whenever the file is a
/// text file, even with errors in it, so later checks do not cascade) and
/// every problem found.
public struct LoadedFile: Sendable {
    public var postmortem: Postmortem?
    public var diagnostics: [Diagnostic]
    /// What its body's links read of the folder's index: the load holds while those reads give the same answers.
    var reads = IndexReads.none
}

/// A file with its text decoded and its front matter read: the first half
/// of loading, which is all the load stage needs to know every id before it
/// renders any body (a body's links go to other postmortems' pages).
struct PreparedFile: Sendable {
    var file: SourceFile
    /// False when the file is not text (empty, binary, too large…).
    var isText: Bool
    var matter: FrontMatter
    var diagnostics: [Diagnostic]

    /// The postmortem's id: written, else the file name.
    var id: String { matter.id ?? file.stem }

    /// The file's text, decoded again for the second half: kept from the
    /// first, every file's text would be held beside its bytes until the
    /// last file is loaded (so would its body, split out of it).
    var source: SourceText? {
        guard isText, case let .text(text) = TextDecoding.decode(file) else { return nil }
        return text
    }
}

/// The load stage for one file: text, front matter, fields, the body, and
/// the fallbacks for what the front matter does not say.
public struct PostmortemLoader: Sendable {
    public let configuration: SiteConfiguration

    /// Ids the theme's pages use; a body's headings never take them.
    public static let reservedIDs: Set<String> = [
        "main", "content", "top", "toc", "nav", "header", "footer", "search", "summary-card", "facts", "body",
        "related", "similar", "filters", "results", "incidents", "skip",
    ]

    public init(configuration: SiteConfiguration) {
        self.configuration = configuration
    }

    /// Loads one file on its own (links to other postmortems are checked
    /// against `index`).
    public func load(_ file: SourceFile, index: SourceIndex = SourceIndex()) -> LoadedFile {
        let prepared = prepare(file)
        var index = index
        if prepared.isText { index.postmortemIDs[file.relativePath] = prepared.id }
        return finish(prepared, index: index)
    }

    func prepare(_ file: SourceFile) -> PreparedFile {
        let source: SourceText
        switch TextDecoding.decode(file) {
        case let .refused(diagnostic):
            return PreparedFile(file: file, isText: false, matter: FrontMatter(), diagnostics: [diagnostic])
        case let .text(text): source = text
        }
        let (split, unterminated) = Self.split(source)
        var diagnostics = unterminated.map { [$0] } ?? []
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
        return PreparedFile(file: file, isText: true, matter: matter, diagnostics: diagnostics)
    }

    /// Front matter and body; an unterminated front matter is an error, and the whole file the body.
    static func split(_ source: SourceText) -> (parts: SplitSource, unterminated: Diagnostic?) {
        switch FrontMatterSplitter.split(source) {
        case let .split(parts): (parts, nil)
        case let .unterminated(diagnostic): (SplitSource(yaml: nil, yamlFirstLine: 1, body: source.text, bodyFirstLine: 1), diagnostic)
        }
    }

    func finish(_ prepared: PreparedFile, index: SourceIndex) -> LoadedFile {
        guard let source = prepared.source else { return LoadedFile(postmortem: nil, diagnostics: prepared.diagnostics) }
        var diagnostics = prepared.diagnostics
        let split = Self.split(source).parts
        let lineOffset = split.bodyFirstLine - 1
        let document = MarkdownDocument(split.body, options: MarkdownOptions(
            unsafeHTML: configuration.unsafeHTML, smartPunctuation: configuration.smartPunctuation, alignmentClasses: true))
        let heading = document.firstHeading(level: 1)
        let title = prepared.matter.title ?? heading?.text
        var links = LinkResolver(index: index, relativePath: prepared.file.relativePath, lineOffset: lineOffset, source: source)
        let settings = RenderSettings(reservedIDs: Self.reservedIDs, demoteHeadings: true, leadingTitle: title,
                                      remoteImagesAsLinks: true)
        let rendered = document.render(settings) { links.resolve($0) }
        diagnostics += links.diagnostics
        let body = Body(
            html: rendered.html,
            outline: rendered.headings.map { var entry = $0; entry.line += lineOffset; return entry },
            sections: rendered.sections.map { var section = $0; section.heading.line += lineOffset; return section },
            summary: rendered.summary(), readingMinutes: rendered.readingMinutes, plainText: rendered.plainText,
            tasks: rendered.tasks.map { var task = $0; task.line += lineOffset; return task },
            attachments: links.attachments, linkedPostmortems: links.linkedPostmortems)
        var postmortem = assemble(prepared.matter, split: split, heading: heading, file: prepared.file, body: body)
        postmortem.inferred = inferredTimes(postmortem, from: rendered, lineOffset: lineOffset)
        if !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics += missingFieldWarnings(postmortem, matter: prepared.matter, source: source)
        }
        diagnostics += inferredWarnings(postmortem.inferred, source: source)
        return LoadedFile(postmortem: postmortem, diagnostics: diagnostics, reads: links.reads)
    }

    /// The times the body gives where the front matter gives none.
    func inferredTimes(_ postmortem: Postmortem, from body: RenderedBody, lineOffset: Int) -> InferredTimes {
        let milestones = postmortem.milestones
        let recoverStated = (milestones.startedAt != nil && milestones.resolvedAt != nil) || postmortem.duration != nil
        let detectStated = milestones.startedAt != nil && milestones.detectedAt != nil
        let mitigateStated = milestones.startedAt != nil && milestones.mitigatedAt != nil
        // Nothing to look for when the front matter states all three (most postmortems written for the tool).
        guard !(recoverStated && detectStated && mitigateStated) else { return InferredTimes() }
        var inferred = BodyFacts.infer(from: body, lineOffset: lineOffset)
        if recoverStated { inferred.timeToRecover = nil }
        if detectStated { inferred.timeToDetect = nil }
        if mitigateStated { inferred.timeToMitigate = nil }
        return inferred
    }

    func inferredWarnings(_ inferred: InferredTimes, source: SourceText) -> [Diagnostic] {
        let entries: [(String, InferredDuration?, String)] = [
            ("time to recover", inferred.timeToRecover, "duration: %@ (or started_at and resolved_at)"),
            ("time to detect", inferred.timeToDetect, "started_at and detected_at"),
            ("time to mitigate", inferred.timeToMitigate, "started_at and mitigated_at"),
        ]
        return entries.compactMap { name, value, field in
            guard let value else { return nil }
            let shown = (value.approximate ? "about " : "") + DurationParsing.format(minutes: value.minutes)
            let stated = field.replacingOccurrences(of: "%@", with: DurationParsing.format(minutes: value.minutes).replacingOccurrences(of: " ", with: ""))
            return source.diagnostic(
                .warning, .inferredValue, line: value.line, column: 1,
                "\(name) inferred from the text: \(shown)",
                notes: ["it is shown as inferred; state it in the front matter with \(stated)"])
        }
    }

    func assemble(_ matter: FrontMatter, split: SplitSource, heading: Heading?, file: SourceFile, body: Body) -> Postmortem {
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
            description: matter.description,
            language: matter.language ?? Language.detect(title + "\n" + body.plainText) ?? configuration.language, body: body, inferred: InferredTimes(),
            source: Postmortem.Source(path: file.path, relativePath: file.relativePath,
                                      hasFrontMatter: split.yaml != nil, bodyFirstLine: split.bodyFirstLine),
            origins: origins, fieldSites: FieldSites(sites))
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
