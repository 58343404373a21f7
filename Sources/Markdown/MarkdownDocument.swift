import Ccmark
import Foundation

/// A parsed Markdown document: the one owner of a cmark node tree, with the
/// GFM table and task-list layer applied on top of cmark's own AST.
///
/// Every query is one walk over cmark's tree. The tree's memory is the
/// document's region (`MemoryRegion`), given back with the document and the
/// tables it built, or, without one, freed node by node in `deinit`: no path
/// can leak it. Not `Sendable`: a document lives on one task, and each of
/// its entry points runs on one thread with its region current.
public final class MarkdownDocument {
    private(set) var root: OpaquePointer
    private(set) var source: SourceLines
    let options: MarkdownOptions
    /// What the layer knows of the nodes it made or moved (what a node
    /// stands for, how a fragment's positions shift), reached from each
    /// node's cmark user data. Shared with the fragments this document
    /// parses, so their nodes keep their notes when they move in.
    let notes: NodeNotes
    /// Tells this document's position shifts from its fragments'.
    let noteOwner: Int
    /// Whether a position shift was recorded: nodes came from fragments, or
    /// a table cell's inlines from the parse of its cells.
    var hasShifts = false
    var cachedReferenceDefinitions: (lines: String, labels: [String: String])?
    /// Definitions that cmark read as a paragraph's text but cmark-gfm reads
    /// as definitions, because a table ended that paragraph before them.
    var hiddenDefinitions: [String: String] = [:]

    /// How deep this document is among fragments re-parsed by the layer.
    let depth: Int
    /// Fragments of fragments stop here: each is shorter than its parent, so
    /// this bound is never reached by honest input, only by a bug.
    static let maxDepth = 8

    /// Where the tree's memory comes from: a region given back with the
    /// document (`options.pooledMemory`), shared with its fragments and
    /// tables, or none (`malloc`, the tree freed node by node).
    let region: MemoryRegion?

    /// Parses `text` with libcmark, then applies the extension layer.
    public convenience init(_ text: String, options: MarkdownOptions = .default) {
        self.init(utf8: Array(text.utf8), options: options, depth: 0, notes: NodeNotes(),
                  region: options.pooledMemory ? MemoryRegion() : nil)
    }

    /// Parses UTF-8 bytes as the `cmark` command does: no `String` made of
    /// them, and bytes that are not UTF-8 passed through to the HTML as
    /// libcmark passes them (a `String` made of that HTML repairs them).
    public convenience init(utf8 bytes: [UInt8], options: MarkdownOptions = .default) {
        self.init(utf8: bytes, options: options, depth: 0, notes: NodeNotes(),
                  region: options.pooledMemory ? MemoryRegion() : nil)
    }

    convenience init(_ text: String, options: MarkdownOptions, depth: Int, notes: NodeNotes, region: MemoryRegion?) {
        self.init(utf8: Array(text.utf8), options: options, depth: depth, notes: notes, region: region)
    }

    init(utf8 text: [UInt8], options: MarkdownOptions, depth: Int, notes: NodeNotes, region: MemoryRegion?) {
        self.options = options
        self.depth = depth
        self.notes = notes
        self.region = region
        let previous = MemoryRegion.enter(region)
        defer { MemoryRegion.leave(previous) }
        noteOwner = notes.newOwner()
        let layered = options.extensions && depth < Self.maxDepth
        var candidates: LayerCandidates?
        (root, source, candidates, cachedReferenceDefinitions) = Self.prepare(text, options: options, layered: layered)
        guard layered else { return }
        applyLayers(candidates)
        guard !hiddenDefinitions.isEmpty else { return }
        // Once more with those definitions at the end, where they define
        // their labels for the whole document and show nothing.
        let definitions = hiddenDefinitions.keys.sorted().compactMap { hiddenDefinitions[$0] }.joined()
        MemoryRegion.discard(root)
        hasShifts = false
        cachedReferenceDefinitions = nil
        hiddenDefinitions = [:]
        (root, source, candidates, cachedReferenceDefinitions) = Self.prepare(text + Array("\n\n".utf8) + Array(definitions.utf8),
                                                                             options: options, layered: true)
        applyLayers(candidates)
    }

    /// `body` with this document's region current: every call into cmark
    /// that may allocate runs in one (the public entry points).
    func inRegion<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = MemoryRegion.enter(region)
        defer { MemoryRegion.leave(previous) }
        return try body()
    }

    /// `blocks` are the candidates of the tree as it is, when known.
    func applyLayers(_ blocks: LayerCandidates?) {
        let blocks = blocks ?? LayerCandidates(root: root, source: source)
        let detached = TableLayer.apply(to: self, candidates: blocks.tableBlocks)
        TaskListLayer.apply(to: self, items: blocks.items)
        // Freed only now: items collected above may lie inside them.
        for node in detached { MemoryRegion.discard(node) }
    }

    /// The parsed tree, with reference definitions that cmark-gfm reads as
    /// a table's text made text first (see `TableLayer.definitionsReadAsText`).
    static func prepare(_ text: [UInt8], options: MarkdownOptions, layered: Bool)
        -> (OpaquePointer, SourceLines, LayerCandidates?, (String, [String: String])?)
    {
        let source = SourceLines(utf8: text, marks: layered)
        guard layered else { return (parse(text, then: "", options: options), source, nil, nil) }
        // The document's reference definitions come with its one parse: a
        // probe paragraph for each label it may define, taken out after.
        let labels = candidateLabels(in: source)
        // The probe is fed to cmark after the text, not appended to a copy
        // of it: on a large document that copy was most of the layer's
        // cache misses in the last-level cache.
        var root = parse(text, then: labels.isEmpty ? "" : probe(labels), options: options)
        var definitions: (String, [String: String])? = labels.isEmpty ? ("", [:]) : nil
        if !labels.isEmpty {
            definitions = readProbe(root, labels: labels, sourceLines: source.count, detach: true)
            if definitions == nil {
                MemoryRegion.discard(root)
                root = parse(text, then: "", options: options)
            }
        }
        let candidates = LayerCandidates(root: root, source: source)
        let offsets = TableLayer.definitionsReadAsText(candidates.tableBlocks, source: source, options: options)
        guard !offsets.isEmpty else { return (root, source, candidates, definitions) }
        var bytes = source.bytes
        for offset in offsets.sorted(by: >) { bytes.insert(UInt8(ascii: "\\"), at: offset) }
        MemoryRegion.discard(root)
        return (parse(bytes, then: "", options: options), SourceLines(utf8: bytes, marks: true), nil, nil)
    }

    /// A tree in a region goes with it; one from `malloc` is freed here.
    deinit {
        if region == nil { cmark_node_free(root) }
    }

    static func parse(_ text: String, options: MarkdownOptions) -> OpaquePointer {
        parse(text, then: "", options: options)
    }

    /// Parses `text` followed by `suffix` as one document, each fed to
    /// cmark's parser in place: the same tree as the parse of `text + suffix`
    /// (cmark joins a line split between two feeds), without that copy.
    static func parse(_ text: String, then suffix: String, options: MarkdownOptions) -> OpaquePointer {
        var text = text
        return text.withUTF8 { parse($0, then: suffix, options: options) }
    }

    static func parse(_ bytes: [UInt8], then suffix: String, options: MarkdownOptions) -> OpaquePointer {
        bytes.withUnsafeBufferPointer { parse($0, then: suffix, options: options) }
    }

    static func parse(_ body: UnsafeBufferPointer<UInt8>, then suffix: String, options: MarkdownOptions) -> OpaquePointer {
        var suffix = suffix
        var parsed: OpaquePointer?
        if let parser = cmark_parser_new_with_mem(options.cmarkFlags, MemoryRegion.allocator) {
            feed(parser, body)
            if !suffix.isEmpty { suffix.withUTF8 { feed(parser, $0) } }
            parsed = cmark_parser_finish(parser)
            cmark_parser_free(parser)
        }
        // cmark returns nil only when it cannot allocate; an empty document
        // keeps every later walk well defined.
        return parsed ?? MemoryRegion.node(CMARK_NODE_DOCUMENT)!
    }

    private static func feed(_ parser: OpaquePointer, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { cmark_parser_feed(parser, $0, bytes.count) }
    }

    /// The first heading of `level` at the top level of the document, as plain
    /// text (inline markup dropped, code spans kept), with its 1-based line.
    public func firstHeading(level: Int) -> Heading? {
        inRegion { firstHeadingInRegion(level: level) }
    }

    private func firstHeadingInRegion(level: Int) -> Heading? {
        for node in root.children where node.type == CMARK_NODE_HEADING && node.headingLevel == level {
            let text = PlainText.of(node).trimmingCharacters(in: .whitespaces)
            if !text.isEmpty {
                return Heading(level: level, text: text, line: position(of: node).line)
            }
        }
        return nil
    }

    /// The document rendered to HTML by libcmark.
    public func html() -> String {
        withHTML { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` given the document rendered to HTML by libcmark, as libcmark's
    /// own bytes: no `String` made of them (its UTF-8 check costs about as
    /// much as a tenth of the render), no copy.
    public func withHTML<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let rendered = inRegion { cmark_render_html(root, options.cmarkFlags) }
        guard let rendered else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        defer { MemoryRegion.release(rendered) }
        return try rendered.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
            try body(UnsafeBufferPointer(start: start, count: strlen(rendered)))
        }
    }

    /// The index of `node`'s note, if the layer gave it one.
    func noteIndex(of node: OpaquePointer) -> Int? {
        cmark_node_get_user_data(node).map { Int(bitPattern: $0) - 1 }
    }

    /// The index of `node`'s note, made when it has none.
    func makeNote(for node: OpaquePointer) -> Int {
        if let index = noteIndex(of: node) { return index }
        notes.entries.append(NodeNote())
        cmark_node_set_user_data(node, UnsafeMutableRawPointer(bitPattern: notes.entries.count))
        return notes.entries.count - 1
    }

    /// What the extension layer's `node` stands for.
    func kind(of node: OpaquePointer) -> ExtensionNode? {
        noteIndex(of: node).flatMap { notes.entries[$0].kind }
    }

    func setKind(_ kind: ExtensionNode, of node: OpaquePointer) {
        notes.entries[makeNote(for: node)].kind = kind
    }

    /// The shift from `node`'s positions to this document's, when this
    /// document recorded one (a fragment's own shifts are not its parent's).
    func shift(of node: OpaquePointer) -> PositionShift? {
        guard let index = noteIndex(of: node), notes.entries[index].shiftOwner == noteOwner else { return nil }
        return notes.entries[index].shift
    }

    func setShift(_ shift: PositionShift, of node: OpaquePointer) {
        let index = makeNote(for: node)
        notes.entries[index].shift = shift
        notes.entries[index].shiftOwner = noteOwner
        hasShifts = true
    }

    /// Whether `node` came from a fragment parsed apart from the document.
    func isFromFragment(_ node: OpaquePointer) -> Bool {
        var ancestor: OpaquePointer? = node
        while let current = ancestor {
            if shift(of: current) != nil { return true }
            ancestor = current.parent
        }
        return false
    }

    /// A line of the document that built `node`, shifted like `node`'s positions.
    func line(_ line: Int, of node: OpaquePointer) -> Int {
        var ancestor: OpaquePointer? = node
        while let current = ancestor {
            if let shift = shift(of: current) { return line + shift.lines }
            ancestor = current.parent
        }
        return line
    }

    /// The document position of `node`, fragments shifted back into place.
    func position(of node: OpaquePointer) -> (line: Int, column: Int) {
        var ancestor: OpaquePointer? = node
        while let current = ancestor {
            if let shift = shift(of: current) {
                return (node.startLine + shift.lines, node.startColumn + shift.columns)
            }
            ancestor = current.parent
        }
        return (node.startLine, node.startColumn)
    }
}

/// The blocks the extension layer may change, from one walk of the tree:
/// paragraphs and setext headings that have a line shaped like a delimiter
/// row after their first, and list items that have a line that may hold a
/// task marker.
struct LayerCandidates {
    var tableBlocks: [OpaquePointer] = []
    var items: [OpaquePointer] = []

    init(root: OpaquePointer, source: SourceLines) {
        // Blocks only: the walk does not go into paragraphs and headings,
        // whose inlines are most of a tree's nodes; nor into containers
        // whose lines hold no line the layer may change (see `LineMarks`):
        // on a large document most of the tree is never read again.
        let delimiterLines = source.marks?.delimiterLines, bracketLines = source.marks?.bracketLines
        /// Whether a line of `lines` lies in `first...last`; without marks
        /// (or with a range cmark's positions make empty), yes.
        func marked(_ lines: [Int]?, _ first: Int, _ last: Int) -> Bool {
            guard let lines, first <= last else { return true }
            return LineMarks.containsLine(in: first...last, lines)
        }
        // Each node is read once, in document order, by its next pointer:
        // its bound (the last line its blocks may reach) is the next
        // sibling's first line, else its parent's bound. `resume` holds
        // where each open container's siblings go on.
        var resume: [(node: OpaquePointer?, bound: Int)] = []
        var current: OpaquePointer? = root
        var parentBound = Int.max
        while true {
            guard let node = current else {
                guard let (next, bound) = resume.popLast() else { break }
                current = next
                parentBound = bound
                continue
            }
            let next = node == root ? nil : node.next
            let bound = next?.startLine ?? parentBound
            current = next
            let first = node.startLine
            switch node.type {
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING:
                let last = min(node.endLine, source.count)
                if last > first, source.hasDelimiterRow(in: (first + 1)...last) {
                    tableBlocks.append(node)
                }
                continue
            case CMARK_NODE_ITEM:
                // A task item's `[ ]` stands on a line marked as bracketed.
                if marked(bracketLines, first, bound) { items.append(node) }
            case CMARK_NODE_DOCUMENT, CMARK_NODE_BLOCK_QUOTE, CMARK_NODE_LIST, CMARK_NODE_CUSTOM_BLOCK:
                break
            default:
                continue
            }
            let from = node == root ? 1 : first
            guard marked(delimiterLines, from, bound) || marked(bracketLines, from, bound),
                  let child = node.firstChild else { continue }
            resume.append((next, parentBound))
            current = child
            parentBound = bound
        }
    }
}

/// How far a re-parsed fragment's positions lie from the document's.
struct PositionShift {
    var lines: Int
    var columns: Int
}

/// The nodes the extension layer adds to cmark's tree.
enum ExtensionNode {
    /// A table, written as one node of HTML.
    case table(TableData)
    case taskCheckbox(checked: Bool)
}

/// What the layer knows of one node, found by the index kept in the node's
/// cmark user data: no dictionary keyed by node, nothing hashed.
struct NodeNote {
    var kind: ExtensionNode?
    var shift: PositionShift?
    /// The document that recorded `shift` (0: none).
    var shiftOwner = 0
}

/// The notes of a document and of the fragments it parses.
final class NodeNotes {
    var entries: [NodeNote] = []
    private var owners = 0

    /// A number for a new document's shifts.
    func newOwner() -> Int {
        owners += 1
        return owners
    }
}

/// A heading found in a document.
public struct Heading: Sendable, Hashable {
    public var level: Int
    public var text: String
    /// 1-based line in the text that was parsed.
    public var line: Int

    public init(level: Int, text: String, line: Int) {
        self.level = level
        self.text = text
        self.line = line
    }
}

/// Rendering and parsing switches, mapped onto cmark's option bits.
public struct MarkdownOptions: Sendable, Hashable {
    /// Keep raw HTML in the output (cmark's safe mode is the default).
    public var unsafeHTML: Bool
    /// Curly quotes, dashes and ellipses.
    public var smartPunctuation: Bool
    /// GFM tables and task lists (on by default).
    public var extensions: Bool
    /// Table cell alignment as `class="align-right"` instead of the
    /// obsolete `align="right"` that cmark-gfm writes.
    public var alignmentClasses: Bool

    /// A document's tree taken from one region of memory and given back
    /// with the document (on by default); off, each node is allocated and
    /// freed on its own, as cmark does by default: for measuring.
    public var pooledMemory: Bool

    public init(unsafeHTML: Bool = false, smartPunctuation: Bool = false, extensions: Bool = true,
                alignmentClasses: Bool = false, pooledMemory: Bool = true) {
        self.unsafeHTML = unsafeHTML
        self.pooledMemory = pooledMemory
        self.smartPunctuation = smartPunctuation
        self.extensions = extensions
        self.alignmentClasses = alignmentClasses
    }

    public static let `default` = MarkdownOptions()

    /// No `CMARK_OPT_VALIDATE_UTF8`: every text cmark parses here is a
    /// Swift `String`'s bytes or cut from them at ASCII bytes, so it is valid
    /// UTF-8 already, and cmark's second check of every byte cost as much
    /// as a sixth of a plain parse (callgrind, the 23 MB corpus as one
    /// document). NUL bytes are replaced by cmark either way.
    var cmarkFlags: Int32 {
        var flags = CMARK_OPT_DEFAULT
        if unsafeHTML { flags |= CMARK_OPT_UNSAFE }
        if smartPunctuation { flags |= CMARK_OPT_SMART }
        return flags
    }
}
