import Ccmark
import CmarkArena

/// One document's cmark memory: a region (`CmarkArena`) that every node,
/// string and buffer of its trees is taken from, given back at once when the
/// document and the tables it built are gone. A 23 MB document's tree made
/// node by node with `malloc` spent about a third of the process in the
/// allocator, most of it in freeing; here freeing is nothing.
///
/// cmark's allocator hooks take no context, so the region is the calling
/// thread's current one: each entry into the document that calls cmark runs
/// in `enter`…`leave`. A document is not `Sendable` and its calls are
/// synchronous, so they cannot move to another thread inside the scope.
final class MemoryRegion {
    let arena: OpaquePointer

    init() { arena = pm_arena_create() }

    deinit { pm_arena_destroy(arena) }

    /// Bytes of blocks the region holds.
    var reserved: Int { pm_arena_reserved(arena) }

    /// The allocator of every cmark tree of the layer: the current region's
    /// memory, or `malloc`'s (with a header that tells it apart) outside any.
    static var allocator: UnsafeMutablePointer<cmark_mem> {
        pm_arena_allocator().assumingMemoryBound(to: cmark_mem.self)
    }

    /// Makes `region` the thread's current one (none: memory from `malloc`,
    /// for a document whose tree is freed node by node); `leave` restores.
    static func enter(_ region: MemoryRegion?) -> OpaquePointer? {
        pm_arena_enter(region?.arena)
    }

    static func leave(_ previous: OpaquePointer?) {
        pm_arena_leave(previous)
    }

    /// Gives back what cmark allocated with `allocator` (a rendering).
    static func release(_ pointer: UnsafeMutablePointer<CChar>) {
        allocator.pointee.free(pointer)
    }

    /// Takes `node` (and what lies below it) out of its tree for good: in a
    /// region it is only unlinked, its memory going with the region; from
    /// `malloc`, it is freed node by node.
    static func discard(_ node: OpaquePointer) {
        if pm_arena_in_region() != 0 { cmark_node_unlink(node) } else { cmark_node_free(node) }
    }

    /// A new node of the layer, from `allocator`.
    static func node(_ type: cmark_node_type) -> OpaquePointer? {
        cmark_node_new_with_mem(type, allocator)
    }

    /// How many allocations this thread made outside any region.
    static var threadFallbacks: Int { pm_arena_thread_fallbacks() }
}
