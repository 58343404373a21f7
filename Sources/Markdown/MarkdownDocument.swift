import Ccmark
import Foundation

/// A parsed Markdown document: the one owner of a cmark node tree.
///
/// Every query is one walk over cmark's tree; the tree is freed in `deinit`,
/// so no path can leak it. Not `Sendable`: a document lives on one task.
public final class MarkdownDocument {
    let root: OpaquePointer

    /// Parses `text` with libcmark. `options` are cmark's `CMARK_OPT_*` bits.
    public init(_ text: String, options: MarkdownOptions = .default) {
        var source = text
        root = source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, options.cmarkFlags)
            }
        }
    }

    deinit { cmark_node_free(root) }

    /// The first heading of `level` at the top level of the document, as plain
    /// text (inline markup dropped, code spans kept), with its 1-based line.
    public func firstHeading(level: Int) -> Heading? {
        var node = cmark_node_first_child(root)
        while let current = node {
            if cmark_node_get_type(current) == CMARK_NODE_HEADING,
               Int(cmark_node_get_heading_level(current)) == level {
                let text = Self.plainText(of: current)
                    .trimmingCharacters(in: .whitespaces)
                if !text.isEmpty {
                    return Heading(level: level, text: text,
                                   line: Int(cmark_node_get_start_line(current)))
                }
            }
            node = cmark_node_next(current)
        }
        return nil
    }

    /// The document rendered to HTML by libcmark.
    public func html(options: MarkdownOptions = .default) -> String {
        guard let rendered = cmark_render_html(root, options.cmarkFlags) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// The concatenated literal text below `node`: text, code spans, and a
    /// space for each soft or hard line break.
    static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        guard let iterator = cmark_iter_new(node) else { return text }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        return text
    }
}

/// A heading found in a document.
public struct Heading: Sendable, Hashable {
    public var level: Int
    public var text: String
    /// 1-based line in the text that was parsed.
    public var line: Int
}

/// Rendering and parsing switches, mapped onto cmark's option bits.
public struct MarkdownOptions: Sendable, Hashable {
    /// Keep raw HTML in the output (cmark's safe mode is the default).
    public var unsafeHTML: Bool
    /// Curly quotes, dashes and ellipses.
    public var smartPunctuation: Bool

    public init(unsafeHTML: Bool = false, smartPunctuation: Bool = false) {
        self.unsafeHTML = unsafeHTML
        self.smartPunctuation = smartPunctuation
    }

    public static let `default` = MarkdownOptions()

    var cmarkFlags: Int32 {
        var flags = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        if unsafeHTML { flags |= CMARK_OPT_UNSAFE }
        if smartPunctuation { flags |= CMARK_OPT_SMART }
        return flags
    }
}
