// glibc's calls that Swift's Glibc module leaves out: the allocator's (`mallopt`,
// `malloc_trim`) and `renameat2` (glibc 2.28), declared by <stdio.h> only under
// _GNU_SOURCE, which that module is not built with.
#if defined(__linux__)
#include <malloc.h>
#include <fcntl.h>
#include <stdio.h>

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

/// `renameat2`'s flag that swaps the two paths in one step (Linux 3.15; not every file system).
#define PMKB_RENAME_EXCHANGE 2
#endif
