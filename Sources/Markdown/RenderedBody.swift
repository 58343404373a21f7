/// Everything the rest of the program needs from a body, from one walk:
/// the HTML, the outline, the links, the text for summaries, search and
/// the inference of facts.
public struct RenderedBody: Sendable, Equatable {
    public var html: String
    /// Every heading, in document order, with its unique id.
    public var headings: [HeadingEntry]
    /// The top-level sections, each with its plain text.
    public var sections: [Section]
    /// Links and images with their source positions, as written (before rewriting).
    public var links: [LinkReference]
    /// Task list items.
    public var tasks: [TaskItem]
    /// Text blocks with their lines: paragraphs, list items, table rows.
    public var textBlocks: [TextBlock]
    /// Tables as plain-text cells, the header row first.
    public var tables: [TableText]
    /// All the text a reader reads (code blocks excepted), for search and reading time.
    public var plainText: String

    public func section(_ kind: SectionKind) -> Section? {
        sections.first { $0.kind == kind }
    }
}

public struct HeadingEntry: Sendable, Hashable {
    public var level: Int
    public var text: String
    public var id: String
    public var line: Int

    public init(level: Int, text: String, id: String, line: Int) {
        self.level = level
        self.text = text
        self.id = id
        self.line = line
    }
}

public struct Section: Sendable, Hashable {
    public var heading: HeadingEntry
    public var kind: SectionKind?
    /// The plain text of the section's blocks, up to the next heading of the same or a higher level.
    public var text: String
    /// The first paragraph of the section, as plain text.
    public var firstParagraph: String?
}

public struct LinkReference: Sendable, Hashable {
    public var url: String
    public var isImage: Bool
    public var line: Int
    public var column: Int
    /// The link's text (an image's alternative text).
    public var text: String
}

public struct TaskItem: Sendable, Hashable {
    public var checked: Bool
    public var text: String
    public var line: Int

    public init(checked: Bool, text: String, line: Int) {
        self.checked = checked
        self.text = text
        self.line = line
    }
}

public struct TextBlock: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case paragraph, heading, tableRow }
    public var kind: Kind
    /// The plain text; a paragraph keeps its line breaks as `\n`.
    public var text: String
    /// The block's first line.
    public var line: Int
}

public struct TableText: Sendable, Hashable {
    /// The header row's line.
    public var line: Int
    public var rows: [[String]]
    /// The line of each row.
    public var rowLines: [Int]
}

/// What rendering needs from the caller.
public struct RenderSettings: Sendable {
    /// Ids the page uses already; headings never take them.
    public var reservedIDs: Set<String>
    /// The `<h1>` of a body usually repeats the page title; set to shift
    /// every heading down one level so the page keeps one `<h1>`.
    public var demoteHeadings: Bool
    /// A first `#` heading with this text is left out of the HTML: the page
    /// shows the title already.
    public var leadingTitle: String?
    /// Images from another site (`https://…`, `//host/…`) become links to
    /// them, so a page never loads anything from outside the site (no
    /// tracking pixels); the alternative text is the link's text.
    public var remoteImagesAsLinks: Bool

    public init(reservedIDs: Set<String> = [], demoteHeadings: Bool = false, leadingTitle: String? = nil,
                remoteImagesAsLinks: Bool = false) {
        self.reservedIDs = reservedIDs
        self.demoteHeadings = demoteHeadings
        self.leadingTitle = leadingTitle
        self.remoteImagesAsLinks = remoteImagesAsLinks
    }
}
