import Mustache

// How the theme's values meet swift-mustache cheaply. Each piece gives the
// output Mustache's own path gives (the sample and a 1,000-postmortem site
// are byte-identical), only without its slow steps.

/// Mustache's HTML escaping (`<`, `>`, `&`, `"`, `'`), over UTF-8 bytes: a
/// value with none of them, nearly every one, is returned as it is.
/// swift-mustache's own goes character by character through a dictionary,
/// which was a tenth of a build.
struct HTMLEscaping: MustacheContentType {
    static let name = "FASTHTML"

    /// The pragma that selects it, registered on first use.
    static let pragma: String = {
        MustacheContentTypes.register(HTMLEscaping(), named: name)
        return "{{% CONTENT_TYPE: \(name) }}\n"
    }()

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 })
            else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            out.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case 0x3C: out.append(contentsOf: "&lt;".utf8)
                case 0x3E: out.append(contentsOf: "&gt;".utf8)
                case 0x26: out.append(contentsOf: "&amp;".utf8)
                case 0x22: out.append(contentsOf: "&quot;".utf8)
                case 0x27: out.append(contentsOf: "&#39;".utf8)
                default: out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }
}

extension String {
    /// The text made safe inside HTML elements and attribute values, as the theme's `{{value}}` escapes it.
    public var htmlEscaped: String { HTMLEscaping.escape(self) }
}

/// A text value pushed as a section's context (`{{#severity}}…{{/severity}}`)
/// is looked through as a parent with no children, instead of by reflecting
/// on a String (a `Mirror` per lookup inside the section, which found nothing
/// either); and it renders as itself, not through `String(describing:)`.
extension String: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named: String) -> Any? { nil }
    public var renderText: String { self }
    public var isNull: Bool { false }
}

/// Numbers the same way (`{{#morePending}}`, counts).
extension Int: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named: String) -> Any? { nil }
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}

/// A view handed to Mustache by reference. Mustache keeps its context stack
/// as `Any` and casts each entry on every lookup, which copies a struct
/// (an incident page's twenty fields, retained one by one) each time; a
/// box is one pointer to copy.
final class ViewBox: MustacheParent, @unchecked Sendable {
    let view: any MustacheParent

    init(_ view: any MustacheParent) { self.view = view }

    /// `view` boxed when it is a parent (pages, blocks), else as it is.
    static func wrap(_ view: Any) -> Any {
        // Its type, not `view is ViewBox`: casting a dictionary (most pages'
        // views) to a class bridges it to an NSDictionary first, entry by
        // entry, to see whether that is one (4 % of a build).
        if ObjectIdentifier(type(of: view)) == ObjectIdentifier(ViewBox.self) { return view }
        return (view as? any MustacheParent).map(ViewBox.init) ?? view
    }

    func child(named name: String) -> Any? { view.child(named: name) }
}
