import Markdown
import Synchronization

/// A postmortem's Markdown body, rendered once by the load stage: the HTML
/// (links already pointing at pages and copied files), the outline and the
/// text that lists, search and analysis use.
///
/// The Markdown source itself is not kept: every later stage reads what the
/// load stage made of it. In a build, the long texts (the HTML, the plain
/// text, the sections' store) stay in the load cache until read (`BodyText`),
/// and so, for a postmortem taken from the cache, does everything but its
/// links and summary until first asked for (`Rest`).
public struct Body: Sendable, Hashable {
    /// Files of the source folder that the body links to (images, logs), relative to the source folder.
    public var attachments: [String]
    /// Ids of postmortems the body links to.
    public var linkedPostmortems: [String]
    /// A plain-text description (the Summary section's first paragraph, else the first real paragraph).
    public var summary: String
    /// The rest, which only the pages of the postmortem and a few analyses
    /// read: in memory, or in the load cache until first read (`Rest`).
    /// A rebuild reads the fields above of every postmortem (the links for
    /// the related incidents and the files to copy, the summary for the
    /// search lists).
    private(set) var rest: Rest

    /// The HTML, in memory or in the load cache (`BodyText`).
    public var htmlText: BodyText {
        get { rest.parts.htmlText }
        set { change { $0.htmlText = newValue } }
    }
    public var html: String {
        get { htmlText.string }
        set { htmlText = BodyText(newValue) }
    }
    /// Every heading with its id; lines count from the top of the file.
    public var outline: [HeadingEntry] {
        get { rest.parts.outline }
        set { change { $0.outline = newValue } }
    }
    /// The top-level sections with their kinds and plain text.
    public var sections: [BodySection] {
        get { rest.parts.sections }
        set { change { $0.sections = newValue } }
    }
    public var readingMinutes: Int {
        get { rest.parts.readingMinutes }
        set { change { $0.readingMinutes = newValue } }
    }
    /// The text a reader reads, for search (`plainText`), in memory or in the load cache.
    public var readingText: BodyText {
        get { rest.parts.readingText }
        set { change { $0.readingText = newValue } }
    }
    public var plainText: String {
        get { readingText.string }
        set { readingText = BodyText(newValue) }
    }
    /// Task list items; lines count from the top of the file.
    public var tasks: [TaskItem] {
        get { rest.parts.tasks }
        set { change { $0.tasks = newValue } }
    }

    /// A body's parts are never changed in place: a copy of the body may share them.
    private mutating func change(_ edit: (inout Parts) -> Void) {
        var parts = rest.parts
        edit(&parts)
        rest = Rest(parts)
    }

    public init(html: String = "", outline: [HeadingEntry] = [], sections: [Section] = [],
                summary: String = "", readingMinutes: Int = 1, plainText: String = "", tasks: [TaskItem] = [],
                attachments: [String] = [], linkedPostmortems: [String] = []) {
        self.init(attachments: attachments, linkedPostmortems: linkedPostmortems, summary: summary,
                  rest: Rest(Parts(htmlText: BodyText(html), outline: outline, sections: BodySection.packed(sections),
                                   readingMinutes: readingMinutes, readingText: BodyText(plainText), tasks: tasks)))
    }

    init(attachments: [String], linkedPostmortems: [String], summary: String, rest: Rest) {
        self.attachments = attachments
        self.linkedPostmortems = linkedPostmortems
        self.summary = summary
        self.rest = rest
    }

    public func section(_ kind: SectionKind) -> BodySection? {
        sections.first { $0.kind == kind }
    }

    /// What a body holds besides its links and summary.
    struct Parts: Sendable, Hashable {
        var htmlText: BodyText
        var outline: [HeadingEntry]
        var sections: [BodySection]
        var readingMinutes: Int
        var readingText: BodyText
        var tasks: [TaskItem]

        static let none = Parts(htmlText: BodyText(""), outline: [], sections: [], readingMinutes: 1,
                                readingText: BodyText(""), tasks: [])
    }

    /// A body's parts, or where they are in an entry file of the load cache:
    /// read and decoded when first asked for (once per postmortem loaded),
    /// so a rebuild after one edit does not decode the outlines, sections,
    /// texts' places and tasks of 10,000 postmortems whose pages it keeps (a
    /// third of what decoding a postmortem took). Parts that cannot be read
    /// are none, and the file's `TextFile.Failures` records it, so the build
    /// fails and runs again (`LoadCache.requireEveryTextRead`).
    final class Rest: Sendable, Hashable {
        /// The encoded parts at `offset` in `file`, whose own long texts are `texts` (`ByteReader.Texts`).
        struct Stored: Sendable {
            let file: TextFile
            let offset: Int, length: Int, digest: UInt64
            let texts: (base: Int, count: Int)
        }

        private enum State: Sendable {
            case parts(Parts)
            case stored(Stored)
        }

        private let state: Mutex<State>

        init(_ parts: Parts) { state = Mutex(.parts(parts)) }

        init(_ stored: Stored) { state = Mutex(.stored(stored)) }

        var parts: Parts {
            state.withLock { state in
                switch state {
                case let .parts(parts):
                    return parts
                case let .stored(stored):
                    let parts = Self.decode(stored) ?? .none
                    state = .parts(parts)
                    return parts
                }
            }
        }

        /// Where the parts are, while they have not been read (tests).
        var stored: Stored? {
            state.withLock { state in
                if case let .stored(stored) = state { return stored }
                return nil
            }
        }

        private static func decode(_ stored: Stored) -> Parts? {
            let file = stored.file
            guard let bytes = file.readBytes(offset: stored.offset, length: stored.length, digest: stored.digest) else { return nil }
            let parts = bytes.withUnsafeBytes { buffer -> Parts? in
                var reader = ByteReader(buffer, texts: .file(file, base: stored.texts.base, count: stored.texts.count))
                guard let parts = try? reader.read(Parts.self), reader.isAtEnd else { return nil }
                return parts
            }
            if parts == nil { file.failures.record(file.path) }
            return parts
        }

        static func == (lhs: Rest, rhs: Rest) -> Bool { lhs === rhs || lhs.parts == rhs.parts }

        func hash(into hasher: inout Hasher) { hasher.combine(parts) }
    }
}

/// A top-level section of a body: its heading, its kind and its plain text.
///
/// A section's text includes its subsections' texts, so the sections of a
/// body repeat one another (the title's section holds them all). They are
/// kept as ranges of one text per body (`packed(_:)`), each text read out
/// when asked for.
public struct BodySection: Sendable, Hashable {
    public var heading: HeadingEntry
    public var kind: SectionKind?
    /// The texts of the body's sections, each once.
    let store: BodyText
    /// UTF-8 offsets of `text` and `firstParagraph` in `store`.
    let textRange: Range<Int>
    let firstParagraphRange: Range<Int>?
    /// `BodyText.digest` of `text`: what identifies it without reading it,
    /// though the store changes with any other section of the body.
    let textDigest: UInt64

    /// The plain text of the section's blocks, up to the next heading of the same or a higher level.
    public var text: String { Self.read(store.string, textRange) }
    /// The first paragraph of the section, as plain text.
    public var firstParagraph: String? { firstParagraphRange.map { Self.read(store.string, $0) } }

    /// The size of the store this section shares with the others of its body.
    var storedBytes: Int { store.utf8Count }

    /// Sections are equal when their headings, kinds and texts are, from whichever body's store
    /// (the texts are read: nothing but tests compares them).
    public static func == (lhs: BodySection, rhs: BodySection) -> Bool {
        lhs.heading == rhs.heading && lhs.kind == rhs.kind && lhs.text == rhs.text && lhs.firstParagraph == rhs.firstParagraph
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(heading)
        hasher.combine(kind)
        hasher.combine(text)
        hasher.combine(firstParagraph)
    }

    /// What identifies the section's text without reading it: its digest and length (an edit of
    /// another section of the body leaves them as they were).
    func combine(textInto hasher: inout StableHasher) {
        hasher.combine(textDigest)
        hasher.combine(textRange.count)
    }

    /// The sections with their texts in one store. Sections come in the
    /// order of their headings, and a section's text is part of the texts
    /// of the sections around it, after the start of the section before it:
    /// each text is looked for there (so the work grows with the text, never
    /// with sections × text), else added to the store. A first paragraph is
    /// looked for around its section's text. Where a text is found makes no
    /// difference to what it reads; only to how much is stored.
    static func packed(_ sections: [Section]) -> [BodySection] {
        var store: [UInt8] = []
        var cursor = 0
        func place(_ text: String, from start: Int, to end: Int? = nil) -> Range<Int> {
            let bytes = Array(text.utf8)
            if let found = ByteSearch.firstOffset(of: bytes, in: store, from: start, to: end) { return found..<found + bytes.count }
            store += bytes
            return store.count - bytes.count..<store.count
        }
        let ranges = sections.map { section -> (text: Range<Int>, first: Range<Int>?, digest: UInt64) in
            let text = place(section.text, from: cursor)
            cursor = text.lowerBound
            let window = 256
            let first = section.firstParagraph.map {
                place($0, from: max(0, text.lowerBound - window), to: min(store.count, text.upperBound + window))
            }
            return (text, first, BodyText.digest(section.text))
        }
        let shared = BodyText(String(decoding: store, as: UTF8.self))
        return zip(sections, ranges).map { section, range in
            BodySection(heading: section.heading, kind: section.kind, store: shared,
                        textRange: range.text, firstParagraphRange: range.first, textDigest: range.digest)
        }
    }

    static func read(_ store: String, _ range: Range<Int>) -> String {
        var store = store
        return store.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }
}
