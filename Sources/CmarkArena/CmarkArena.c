#include "CmarkArena.h"

#include <cmark.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

// Each allocation is preceded by a header: its usable size, and the region
// it came from (NULL: from malloc, given back with free). A large
// allocation of a region (a rendering, a long code block's text) has a
// block of its own, from malloc, marked by the low bit of its size: it grows
// with realloc where it is, and is given back when cmark frees it, so a
// buffer that grows to many megabytes leaves no copies of itself behind.
typedef struct header {
  size_t size;
  pm_arena *arena;
} header;

_Static_assert(sizeof(header) == 16, "the header keeps allocations 16-byte aligned");

enum { large_flag = 1 };

typedef struct block {
  struct block *next;
  size_t capacity;
} block;

// The links of a large allocation, before its header.
typedef struct large {
  struct large *next;
  struct large *previous;
} large;

_Static_assert(sizeof(block) == 16 && sizeof(large) == 16, "allocations stay 16-byte aligned");

struct pm_arena {
  block *blocks;       // the current block first
  large *larges;       // every large allocation of the region
  char *cursor;        // next free byte of the current block
  char *limit;         // end of the current block
  void *last;          // the last allocation of the current block, which can grow in place
  size_t next_capacity;
  size_t reserved;
};

enum {
  first_block = 32 * 1024,
  largest_block = 4 * 1024 * 1024,
  huge_page = 2 * 1024 * 1024,
  // From this size an allocation is large (see above).
  large_size = 16 * 1024,
};

static _Thread_local pm_arena *current;
static _Thread_local size_t fallbacks;

static void out_of_memory(void) {
  fprintf(stderr, "[cmark] allocation failed, aborting\n");
  abort();
}

static size_t rounded(size_t size) {
  if (size > SIZE_MAX / 2) out_of_memory();
  return (size + 15) & ~(size_t)15;
}

static size_t usable(const header *h) { return h->size & ~(size_t)large_flag; }

pm_arena *pm_arena_create(void) {
  pm_arena *arena = calloc(1, sizeof(pm_arena));
  if (!arena) out_of_memory();
  arena->next_capacity = first_block;
  return arena;
}

void pm_arena_destroy(pm_arena *arena) {
  if (!arena) return;
  for (block *b = arena->blocks; b;) {
    block *next = b->next;
    free(b);
    b = next;
  }
  for (large *l = arena->larges; l;) {
    large *next = l->next;
    free(l);
    l = next;
  }
  if (current == arena) current = NULL;
  free(arena);
}

pm_arena *pm_arena_enter(pm_arena *arena) {
  pm_arena *previous = current;
  current = arena;
  return previous;
}

void pm_arena_leave(pm_arena *previous) { current = previous; }

int pm_arena_in_region(void) { return current != NULL; }

size_t pm_arena_thread_fallbacks(void) { return fallbacks; }

size_t pm_arena_reserved(const pm_arena *arena) { return arena ? arena->reserved : 0; }

static void *allocate_large(pm_arena *arena, size_t size) {
  large *l = malloc(sizeof(large) + sizeof(header) + size);
  if (!l) out_of_memory();
  l->previous = NULL;
  l->next = arena->larges;
  if (l->next) l->next->previous = l;
  arena->larges = l;
  arena->reserved += size;
  header *h = (header *)(l + 1);
  h->size = size | large_flag;
  h->arena = arena;
  return h + 1;
}

// Relinks a large allocation that realloc moved, or unlinks one (moved NULL).
static void relink(pm_arena *arena, large *l, large *moved) {
  large *next = moved ? moved->next : l->next, *previous = moved ? moved->previous : l->previous;
  large *replacement = moved ? moved : next;
  if (previous) previous->next = replacement; else arena->larges = replacement;
  if (next) next->previous = moved ? moved : previous;
}

// A block of `capacity` bytes after its links. Blocks of the largest size
// are aligned to and asked for as transparent huge pages: a tree of many
// megabytes is otherwise mostly the kernel's page faults.
static block *new_block(size_t capacity) {
  block *b = NULL;
  if (capacity + sizeof(block) > largest_block) {
    if (posix_memalign((void **)&b, huge_page, capacity + sizeof(block)) != 0) out_of_memory();
#ifdef MADV_HUGEPAGE
    madvise(b, capacity + sizeof(block), MADV_HUGEPAGE);
#endif
  } else {
    b = malloc(sizeof(block) + capacity);
    if (!b) out_of_memory();
  }
  return b;
}

// `size` (rounded) from `arena`: its current block, or a new one.
static void *arena_allocate(pm_arena *arena, size_t size) {
  if (size >= large_size) return allocate_large(arena, size);
  size_t needed = sizeof(header) + size;
  if ((size_t)(arena->limit - arena->cursor) < needed) {
    size_t capacity = arena->next_capacity;
    if (capacity < largest_block) arena->next_capacity *= 2;
    block *b = new_block(capacity);
    b->capacity = capacity;
    b->next = arena->blocks;
    arena->blocks = b;
    arena->reserved += capacity;
    arena->cursor = (char *)(b + 1);
    arena->limit = arena->cursor + capacity;
  }
  header *h = (header *)arena->cursor;
  arena->cursor += needed;
  h->size = size;
  h->arena = arena;
  arena->last = h + 1;
  return h + 1;
}

static void *allocate(size_t size) {
  size = rounded(size);
  if (current) return arena_allocate(current, size);
  fallbacks += 1;
  header *h = malloc(sizeof(header) + size);
  if (!h) out_of_memory();
  h->size = size;
  h->arena = NULL;
  return h + 1;
}

static void *pm_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / 2 / size) out_of_memory();
  void *p = allocate(count * size);
  memset(p, 0, count * size);
  return p;
}

static void pm_free(void *p) {
  if (!p) return;
  header *h = (header *)p - 1;
  if (!h->arena) {
    free(h);
  } else if (h->size & large_flag) {
    large *l = (large *)h - 1;
    h->arena->reserved -= usable(h);
    relink(h->arena, l, NULL);
    free(l);
  } else if (p == h->arena->last) {
    // The last allocation of its block is taken back at once (the inline
    // parser's delimiters and brackets come and go so); others go with the region.
    h->arena->cursor = (char *)h;
    h->arena->last = NULL;
  }
}

static void *pm_realloc(void *p, size_t size) {
  if (!p) return allocate(size);
  header *h = (header *)p - 1;
  size_t wanted = rounded(size);
  if (wanted <= usable(h)) return p;
  if (!h->arena && !current) {
    header *moved = realloc(h, sizeof(header) + wanted);
    if (!moved) out_of_memory();
    moved->size = wanted;
    return moved + 1;
  }
  if (h->arena && (h->size & large_flag)) {
    // Grows where malloc can put it, in the region it belongs to.
    pm_arena *arena = h->arena;
    size_t old = usable(h);
    large *l = (large *)h - 1;
    large *moved = realloc(l, sizeof(large) + sizeof(header) + wanted);
    if (!moved) out_of_memory();
    if (moved != l) relink(arena, l, moved);
    arena->reserved += wanted - old;
    header *mh = (header *)(moved + 1);
    mh->size = wanted | large_flag;
    return mh + 1;
  }
  if (h->arena && h->arena == current && p == current->last && wanted < large_size &&
      (size_t)(current->limit - (char *)p) >= wanted) {
    // The last allocation of the current block grows where it is.
    current->cursor = (char *)p + wanted;
    h->size = wanted;
    return p;
  }
  void *q = allocate(wanted);
  memcpy(q, p, usable(h));
  pm_free(p);
  return q;
}

static cmark_mem allocator = {pm_calloc, pm_realloc, pm_free};

void *pm_arena_allocator(void) { return &allocator; }
