#ifndef CMARK_ARENA_H
#define CMARK_ARENA_H

#include <stddef.h>

/// A region allocator for libcmark's trees: every node, string and buffer
/// of a parse taken from a few large blocks and given back with them at
/// once, instead of one `malloc` and one `free` each. cmark's allocator
/// hooks (`cmark_mem`) take no context, so the region in use is the
/// calling thread's current one, set around each call into cmark.
///
/// Every allocation carries a header that says where it came from, so
/// memory from a region and memory from `malloc` (made when no region is
/// current) can meet in one tree and each is given back the right way.
typedef struct pm_arena pm_arena;

pm_arena *pm_arena_create(void);
/// Gives back every block of the region. Nothing it allocated may be used after.
void pm_arena_destroy(pm_arena *arena);
/// Makes `arena` the calling thread's current region; returns the one it replaces.
pm_arena *pm_arena_enter(pm_arena *arena);
/// Makes `previous` (what `pm_arena_enter` returned) current again.
void pm_arena_leave(pm_arena *previous);
/// Whether a region is current on the calling thread.
int pm_arena_in_region(void);
/// The `cmark_mem *` whose calls allocate from the current region (or
/// from `malloc`, with a header, when none is current).
void *pm_arena_allocator(void);
/// How many allocations the calling thread made from `malloc` because no
/// region was current: a test's measure of calls made outside a scope.
size_t pm_arena_thread_fallbacks(void);
/// Bytes of blocks the region holds.
size_t pm_arena_reserved(const pm_arena *arena);

#endif
