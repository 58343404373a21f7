import Ccmark

/// Thin helpers over a cmark node handle: one Swift call, one C call.
/// The tree's owner is `MarkdownDocument`; these never free anything.
typealias NodePointer = OpaquePointer

extension OpaquePointer {
    var type: cmark_node_type { cmark_node_get_type(self) }
    var firstChild: OpaquePointer? { cmark_node_first_child(self) }
    var next: OpaquePointer? { cmark_node_next(self) }
    var previous: OpaquePointer? { cmark_node_previous(self) }
    var parent: OpaquePointer? { cmark_node_parent(self) }
    var startLine: Int { Int(cmark_node_get_start_line(self)) }
    var startColumn: Int { Int(cmark_node_get_start_column(self)) }
    var endLine: Int { Int(cmark_node_get_end_line(self)) }
    var headingLevel: Int { Int(cmark_node_get_heading_level(self)) }

    var literal: String? {
        cmark_node_get_literal(self).map { String(cString: $0) }
    }

    var url: String? {
        cmark_node_get_url(self).map { String(cString: $0) }
    }

    /// The node's children, collected first so the caller may move them.
    var children: [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = firstChild
        while let current = child {
            result.append(current)
            child = current.next
        }
        return result
    }

    /// Every node below (and including) this one in document order, entered
    /// once each, collected first so the caller may change the tree.
    var descendants: [OpaquePointer] {
        var result: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(self) else { return result }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) {
                result.append(node)
            }
        }
        return result
    }

    var isBlock: Bool {
        type.rawValue >= CMARK_NODE_FIRST_BLOCK.rawValue && type.rawValue <= CMARK_NODE_LAST_BLOCK.rawValue
    }
}

/// New nodes for the extension layer. A node created here is owned by the
/// tree it is appended to; one left unattached must be freed by its creator.
enum NodeFactory {
    static func customBlock(enter: String, exit: String) -> OpaquePointer? {
        custom(CMARK_NODE_CUSTOM_BLOCK, enter: CString(enter), exit: CString(exit))
    }

    static func customInline(enter: String, exit: String) -> OpaquePointer? {
        custom(CMARK_NODE_CUSTOM_INLINE, enter: CString(enter), exit: CString(exit))
    }

    /// A custom node whose markup was made a C string once by the caller
    /// (cmark copies it): a table makes its tags once, not once a cell.
    static func custom(_ type: cmark_node_type, enter: CString, exit: CString) -> OpaquePointer? {
        guard let node = MemoryRegion.node(type) else { return nil }
        _ = enter.bytes.withUnsafeBufferPointer { cmark_node_set_on_enter(node, $0.baseAddress) }
        _ = exit.bytes.withUnsafeBufferPointer { cmark_node_set_on_exit(node, $0.baseAddress) }
        return node
    }
}

/// A NUL-terminated copy of a string, for C calls made many times with it.
struct CString: Sendable {
    let bytes: ContiguousArray<CChar>
    init(_ text: String) { bytes = text.utf8CString }

    init(bytes utf8: [UInt8]) {
        var bytes = ContiguousArray<CChar>()
        bytes.reserveCapacity(utf8.count + 1)
        for byte in utf8 { bytes.append(CChar(bitPattern: byte)) }
        bytes.append(0)
        self.bytes = bytes
    }
}
