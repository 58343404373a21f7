import Foundation
import Markdown

/// The load cache's entries as bytes (`LoadCache.Folder`): every field of a
/// finished postmortem and its diagnostics, in declaration order. A field
/// added to the model must be added here too; `LoadCacheFolderTests` reads
/// back every postmortem of the sample, of `../shared/real-postmortems` and
/// of a generated corpus and compares it with the one loaded.
extension LoadCache.Entry: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(digest)
        writer.write(id)
        writer.write(finished.postmortem)
        writer.write(finished.diagnostics)
        writer.write(finished.reads)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        digest = try reader.read()
        id = try reader.read()
        finished = LoadedFile(postmortem: try reader.read(), diagnostics: try reader.read(), reads: try reader.read())
    }
}

extension IndexReads: ByteCodable {
    func write(to writer: inout ByteWriter) {
        switch self {
        case .whole:
            writer.write(true)
        case let .paths(postmortems, files):
            writer.write(false)
            writer.write(postmortems)
            writer.write(files)
        }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self = try reader.read(Bool.self) ? .whole : .paths(postmortems: try reader.read(), files: try reader.read())
    }
}

extension Postmortem: ByteCodable {
    /// Every field but the body, the fields' sites and the digests: what
    /// `outwardDigest` is made of, and the head of the bytes in the load cache.
    private func writeOutwardFields(to writer: inout ByteWriter) {
        writer.write(id)
        writer.write(title)
        writer.write(date)
        writer.write(status)
        writer.write(kind)
        writer.write(severity)
        writer.write(services)
        writer.write(milestones)
        writer.write(duration)
        writer.write(impact)
        writer.write(causes)
        writer.write(trigger)
        writer.write(recurrenceFix)
        writer.write(related)
        writer.write(tags)
        writer.write(authors)
        writer.write(description)
        writer.write(language)
        writer.write(inferred)
        writer.write(source)
        writer.write(origins)
    }

    /// The digest of every field but the body's own parts and the fields'
    /// sites (`outward`), from their bytes: a field added to the postmortem's
    /// bytes is in it too.
    var outwardDigest: UInt64 {
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(1024)
        writeOutwardFields(to: &writer)
        return StableHasher.digest { $0.combine(writer.bytes) }
    }

    /// `outward`, or, for a postmortem the load stage did not make (tests
    /// build some by hand), its digest made now.
    var outwardKey: UInt64 { outward != 0 ? outward : outwardDigest }

    func write(to writer: inout ByteWriter) {
        writeOutwardFields(to: &writer)
        writer.write(body)
        // Read by diagnostics only: set apart with the texts, when the writer sets them apart.
        if writer.texts != nil {
            var sites = ByteWriter()
            FieldSites.encode(fieldSites, sourcePath: source.path, into: &sites)
            writer.bytes.append(1)
            sites.bytes.withUnsafeBytes { writer.setApart($0, digest: BodyText.digest($0)) }
        } else {
            writer.bytes.append(0)
            FieldSites.encode(fieldSites, sourcePath: source.path, into: &writer)
        }
        writer.write(revision)
        writer.write(outward)
        writer.write(analysisDigests.story)
        writer.write(analysisDigests.recurrence)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let id: String = try reader.read(), title: String = try reader.read(), date: CalendarDate? = try reader.read()
        let status: Status = try reader.read(), kind: Kind = try reader.read(), severity: String? = try reader.read()
        let services: [String] = try reader.read(), milestones: Milestones = try reader.read()
        let duration: StatedDuration? = try reader.read(), impact: Impact? = try reader.read()
        let causes: [Cause] = try reader.read(), trigger: String? = try reader.read()
        let recurrenceFix: [ActionItem] = try reader.read(), related: [String] = try reader.read()
        let tags: [String] = try reader.read(), authors: [String] = try reader.read()
        let description: String? = try reader.read(), language: Language = try reader.read()
        let inferred: InferredTimes = try reader.read()
        let source: Source = try reader.read(), origins: Origins = try reader.read()
        let body: Body = try reader.read()
        let sites: FieldSites
        switch try ByteReader.need(reader.byte()) {
        case 0:
            sites = FieldSites(try FieldSites.decode(&reader, sourcePath: source.path))
        case 1:
            switch try reader.setApartPlace() {
            case let .bytes(bytes):
                var apart = ByteReader(bytes)
                sites = FieldSites(try FieldSites.decode(&apart, sourcePath: source.path))
                guard apart.isAtEnd else { throw ByteReader.Malformed() }
            case let .file(file, offset, length, digest):
                sites = FieldSites(file: file, offset: offset, length: length, digest: digest, sourcePath: source.path)
            }
        default:
            throw ByteReader.Malformed()
        }
        self.init(id: id, title: title, date: date, status: status, kind: kind, severity: severity, services: services,
                  milestones: milestones, duration: duration, impact: impact, causes: causes, trigger: trigger,
                  recurrenceFix: recurrenceFix, related: related, tags: tags, authors: authors,
                  description: description, language: language, body: body, inferred: inferred, source: source,
                  origins: origins, fieldSites: sites, revision: try reader.read(), outward: try reader.read(),
                  analysis: AnalysisDigests(story: try reader.read(), recurrence: try reader.read()))
    }
}

extension Postmortem.Status: ByteCodableByName {}
extension Postmortem.Kind: ByteCodableByName {}
extension Postmortem.Origin: ByteCodableByName {}
extension ActionItem.Status: ByteCodableByName {}
extension Language: ByteCodableByName {}
extension SectionKind: ByteCodableByName {}
extension Diagnostic.Severity: ByteCodableByName {}

extension CalendarDate: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(year)
        writer.write(month)
        writer.write(day)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self = try ByteReader.need(CalendarDate(year: try reader.read(), month: try reader.read(), day: try reader.read()))
    }
}

extension Date: ByteCodable {
    func write(to writer: inout ByteWriter) { writer.write(timeIntervalSinceReferenceDate) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(timeIntervalSinceReferenceDate: try reader.read())
    }
}

extension Milestones: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(startedAt)
        writer.write(detectedAt)
        writer.write(mitigatedAt)
        writer.write(resolvedAt)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(startedAt: try reader.read(), detectedAt: try reader.read(), mitigatedAt: try reader.read(),
                  resolvedAt: try reader.read())
    }
}

extension StatedDuration: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(minutes)
        writer.write(approximate)
        writer.write(text)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(minutes: try reader.read(), approximate: try reader.read(), text: try reader.read())
    }
}

extension Impact: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(summary)
        writer.write(usersAffected)
        writer.write(supportCalls)
        writer.write(dataLoss)
        writer.write(dataLossDetail)
        writer.write(slaBreach)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(summary: try reader.read(), usersAffected: try reader.read(), supportCalls: try reader.read(),
                  dataLoss: try reader.read(), dataLossDetail: try reader.read(), slaBreach: try reader.read())
    }
}

extension Cause: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(category)
        writer.write(key)
        writer.write(keyIsDerived)
        writer.write(summary)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(category: try reader.read(), key: try reader.read(), keyIsDerived: try reader.read(),
                  summary: try reader.read())
    }
}

extension ActionItem: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(title)
        writer.write(owner)
        writer.write(status)
        writer.write(due)
        writer.write(completed)
        writer.write(ticket)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(title: try reader.read(), owner: try reader.read(), status: try reader.read(), due: try reader.read(),
                  completed: try reader.read(), ticket: try reader.read())
    }
}

extension Body: ByteCodable {
    /// The links and the summary, then the parts: set apart with the texts when the writer
    /// sets texts apart (the parts' own long texts set apart before them,
    /// among the writer's), so that a postmortem read from the load cache
    /// reads its body's parts only when asked for (`Body.Rest`).
    func write(to writer: inout ByteWriter) {
        writer.write(attachments)
        writer.write(linkedPostmortems)
        writer.write(summary)
        guard writer.texts != nil else {
            writer.bytes.append(0)
            writer.write(rest.parts)
            return
        }
        var apart = ByteWriter()
        swap(&apart.texts, &writer.texts)
        apart.write(rest.parts)
        swap(&apart.texts, &writer.texts)
        writer.bytes.append(1)
        apart.bytes.withUnsafeBytes { writer.setApart($0, digest: BodyText.digest($0)) }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let attachments: [String] = try reader.read(), linked: [String] = try reader.read(), summary: String = try reader.read()
        let rest: Rest
        switch try ByteReader.need(reader.byte()) {
        case 0:
            rest = Rest(try reader.read() as Parts)
        case 1:
            switch try reader.setApartPlace() {
            case let .bytes(bytes):
                var apart = ByteReader(bytes, texts: reader.texts)
                let parts: Parts = try apart.read()
                guard apart.isAtEnd else { throw ByteReader.Malformed() }
                rest = Rest(parts)
            case let .file(file, offset, length, digest):
                guard case let .file(_, base, count)? = reader.texts else { throw ByteReader.Malformed() }
                rest = Rest(Rest.Stored(file: file, offset: offset, length: length, digest: digest, texts: (base, count)))
            }
        default:
            throw ByteReader.Malformed()
        }
        self.init(attachments: attachments, linkedPostmortems: linked, summary: summary, rest: rest)
    }
}

extension Body.Parts: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(htmlText)
        writer.write(outline)
        // The sections of a body share one store (`BodySection.packed`): written once.
        writer.append(UInt32(sections.count))
        let shared = sections.first?.store ?? BodyText("")
        writer.write(shared)
        for section in sections {
            writer.write(section.heading)
            writer.write(section.kind)
            let own = section.store == shared ? nil : section.store
            writer.write(own)
            writer.write(section.textRange)
            writer.write(section.firstParagraphRange)
            writer.append(section.textDigest)
        }
        writer.write(readingMinutes)
        writer.write(readingText)
        writer.write(tasks)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let htmlText: BodyText = try reader.read(), outline: [HeadingEntry] = try reader.read()
        let count = Int(try ByteReader.need(reader.uint32()))
        guard count <= reader.remaining else { throw ByteReader.Malformed() }
        let shared: BodyText = try reader.read()
        var sections: [BodySection] = []
        sections.reserveCapacity(count)
        for _ in 0..<count {
            let heading: HeadingEntry = try reader.read(), kind: SectionKind? = try reader.read()
            let store = try BodyText?(from: &reader) ?? shared
            let text: Range<Int> = try reader.read(), first: Range<Int>? = try reader.read()
            let digest = try ByteReader.need(reader.uint64())
            // A range outside its store would trap when the text is read.
            let size = store.utf8Count
            guard text.upperBound <= size, (first?.upperBound ?? 0) <= size else { throw ByteReader.Malformed() }
            sections.append(BodySection(heading: heading, kind: kind, store: store, textRange: text,
                                        firstParagraphRange: first, textDigest: digest))
        }
        self.init(htmlText: htmlText, outline: outline, sections: sections,
                  readingMinutes: try reader.read(), readingText: try reader.read(), tasks: try reader.read())
    }
}

/// A text in line, or, when the writer sets texts apart (`ByteWriter.texts`),
/// where it is among them (`setApart`).
extension BodyText: ByteCodable {
    func write(to writer: inout ByteWriter) {
        var text = string
        guard writer.texts != nil else {
            writer.bytes.append(0)
            writer.append(text)
            return
        }
        writer.bytes.append(1)
        let digest = isInMemory ? digest : BodyText.digest(text)
        text.withUTF8 { writer.setApart(UnsafeRawBufferPointer($0), digest: digest) }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        switch try ByteReader.need(reader.byte()) {
        case 0:
            self.init(try String(from: &reader))
        case 1:
            switch try reader.setApartPlace() {
            case let .bytes(bytes): self.init(String(decoding: bytes, as: UTF8.self))
            case let .file(file, offset, length, digest): self.init(file: file, offset: offset, length: length, digest: digest)
            }
        default:
            throw ByteReader.Malformed()
        }
    }
}

extension ByteWriter {
    /// Appends `bytes` to `texts` and writes where they are there: offset, length, digest.
    mutating func setApart(_ bytes: UnsafeRawBufferPointer, digest: UInt64) {
        append(UInt64(texts?.count ?? 0))
        append(UInt64(bytes.count))
        append(digest)
        texts?.append(contentsOf: bytes)
    }
}

extension ByteReader {
    /// Bytes set apart (`ByteWriter.setApart`), as the reader has them.
    enum SetApart {
        /// In memory, their digest checked.
        case bytes(UnsafeRawBufferPointer)
        /// Left in a file: where, and their digest, checked when they are read.
        case file(TextFile, offset: Int, length: Int, digest: UInt64)
    }

    /// Where `setApart` put bytes, checked against `texts`.
    mutating func setApartPlace() throws(Malformed) -> SetApart {
        let offset = try Self.need(uint64()), length = try Self.need(uint64()), digest = try Self.need(uint64())
        guard let texts, offset <= UInt64(texts.count), length <= UInt64(texts.count) - offset else { throw Malformed() }
        let range = Int(offset)..<Int(offset + length)
        switch texts {
        case let .bytes(buffer):
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[range])
            guard BodyText.digest(bytes) == digest else { throw Malformed() }
            return .bytes(bytes)
        case let .file(file, base, _):
            return .file(file, offset: base + range.lowerBound, length: range.count, digest: digest)
        }
    }
}

extension Range: ByteCodable where Bound == Int {
    func write(to writer: inout ByteWriter) {
        writer.write(lowerBound)
        writer.write(upperBound)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let lower: Int = try reader.read(), upper: Int = try reader.read()
        guard 0 <= lower, lower <= upper else { throw ByteReader.Malformed() }
        self = lower..<upper
    }
}

extension HeadingEntry: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(level)
        writer.write(text)
        writer.write(id)
        writer.write(line)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(level: try reader.read(), text: try reader.read(), id: try reader.read(), line: try reader.read())
    }
}

extension TaskItem: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(checked)
        writer.write(text)
        writer.write(line)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(checked: try reader.read(), text: try reader.read(), line: try reader.read())
    }
}

extension InferredTimes: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(timeToRecover)
        writer.write(timeToDetect)
        writer.write(timeToMitigate)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(timeToRecover: try reader.read(), timeToDetect: try reader.read(), timeToMitigate: try reader.read())
    }
}

extension InferredDuration: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(minutes)
        writer.write(approximate)
        writer.write(line)
        writer.write(evidence)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(minutes: try reader.read(), approximate: try reader.read(), line: try reader.read(),
                  evidence: try reader.read())
    }
}

extension Postmortem.Source: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(path)
        writer.write(relativePath)
        writer.write(hasFrontMatter)
        writer.write(bodyFirstLine)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(path: try reader.read(), relativePath: try reader.read(), hasFrontMatter: try reader.read(),
                  bodyFirstLine: try reader.read())
    }
}

extension Postmortem.Origins: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(id)
        writer.write(title)
        writer.write(date)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(id: try reader.read(), title: try reader.read(), date: try reader.read())
    }
}

extension SourceLocation: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(file)
        writer.write(line)
        writer.write(column)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(file: try reader.read(), line: try reader.read(), column: try reader.read())
    }
}

extension Diagnostic: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.write(code.rawValue)
        writer.write(severity)
        writer.write(location)
        writer.write(message)
        writer.write(notes)
        writer.write(sourceLine)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let code = DiagnosticCode(rawValue: try reader.read())
        let severity: Severity = try reader.read(), location: SourceLocation = try reader.read()
        self.init(severity, code, at: location, try reader.read(), notes: try reader.read(), sourceLine: try reader.read())
    }
}
