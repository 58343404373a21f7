import Markdown

/// A postmortem's Markdown body, rendered once by the load stage: the HTML
/// (links already pointing at pages and copied files), the outline and the
/// text that lists, search and analysis use.
public struct Body: Sendable, Hashable {
    public var markdown: String
    public var html: String
    /// Every heading with its id; lines count from the top of the file.
    public var outline: [HeadingEntry]
    /// The top-level sections with their kinds and plain text.
    public var sections: [Section]
    /// A plain-text description (the Summary section's first paragraph, else the first real paragraph).
    public var summary: String
    public var readingMinutes: Int
    /// The text a reader reads, for search.
    public var plainText: String
    /// Task list items; lines count from the top of the file.
    public var tasks: [TaskItem]
    /// Files of the source folder that the body links to (images, logs), relative to the source folder.
    public var attachments: [String]
    /// Ids of postmortems the body links to.
    public var linkedPostmortems: [String]

    public init(markdown: String, html: String = "", outline: [HeadingEntry] = [], sections: [Section] = [],
                summary: String = "", readingMinutes: Int = 1, plainText: String = "", tasks: [TaskItem] = [],
                attachments: [String] = [], linkedPostmortems: [String] = []) {
        self.markdown = markdown
        self.html = html
        self.outline = outline
        self.sections = sections
        self.summary = summary
        self.readingMinutes = readingMinutes
        self.plainText = plainText
        self.tasks = tasks
        self.attachments = attachments
        self.linkedPostmortems = linkedPostmortems
    }

    public func section(_ kind: SectionKind) -> Section? {
        sections.first { $0.kind == kind }
    }
}
