#if os(Linux)
import CGlibc
import Glibc
#endif

/// The process's memory between stages.
enum Memory {
    /// How much a new heap of glibc's is made usable at once (`M_TOP_PAD`), for a process that builds once.
    static let heapStep: Int32 = 64 << 20

    /// Makes glibc grow its heaps in large steps. A worker thread's heap
    /// otherwise grows by the pages each allocation needs, one `mprotect`
    /// call each: 8,000 calls in a one-edit rebuild at 10,000 postmortems.
    /// With `M_TOP_PAD` at 64 MB a new heap is made usable whole when it is
    /// made (49 calls); its pages become resident only when touched, so the
    /// peak is the same. Such a heap is never trimmed, which a process that
    /// builds once and ends does not miss; `serve`, which lives on between
    /// builds, keeps glibc's defaults.
    static func growHeapsInLargeSteps() {
        #if os(Linux)
        _ = mallopt(M_TOP_PAD, heapStep)
        #endif
    }

    /// Has glibc back its heaps with transparent huge pages (2 MB) where
    /// the system gives them on request (`[madvise]` in
    /// /sys/kernel/mm/transparent_hugepage/enabled, Debian's default). A
    /// one-edit rebuild at 10,000 postmortems touched 60 MB of new heap 4 KB
    /// at a time, 21,000 page faults and a sixth of its CPU; with huge pages
    /// 4,000 (docs/benchmarks.md, twenty-seventh round). glibc reads the
    /// setting (`glibc.malloc.hugetlb=1` in `GLIBC_TUNABLES`) only when a
    /// process starts, so the process starts itself again with it set,
    /// which costs a few milliseconds. Never when `GLIBC_TUNABLES` names
    /// the setting already (the second start; `glibc.malloc.hugetlb=0`
    /// keeps the pages small), nor when the system has no huge pages to give.
    static func restartWithHugePages() {
        #if os(Linux)
        let current = getenv(tunables).map { String(cString: $0) }
        guard current?.contains(hugePages) != true, hugePagesOnRequest() else { return }
        guard setenv(tunables, (current.flatMap { $0.isEmpty ? nil : $0 + ":" } ?? "") + hugePages + "=1", 1) == 0 else { return }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Not started again (no /proc): on as it is.
        if let current { setenv(tunables, current, 1) } else { unsetenv(tunables) }
        #endif
    }

    /// The pages glibc's heaps are on in this process, as `--verbose` says:
    /// what `glibc.malloc.hugetlb` in `GLIBC_TUNABLES` asks for (its last value).
    static var heapPages: String {
        #if os(Linux)
        let settings = getenv(tunables).map { String(cString: $0) } ?? ""
        switch settings.split(separator: ":").last(where: { $0.hasPrefix(hugePages + "=") })?.dropFirst(hugePages.count + 1) {
        case "1": return "transparent huge pages (\(hugePages)=1)"
        case "2": return "reserved huge pages (\(hugePages)=2)"
        default: return "4 KB pages"
        }
        #else
        return "the system's default pages"
        #endif
    }

    /// The variable glibc reads its settings from, and the setting for huge pages in it.
    private static let tunables = "GLIBC_TUNABLES", hugePages = "glibc.malloc.hugetlb"

    /// Whether the system gives transparent huge pages to memory that asks for them, and only to that.
    static func hugePagesOnRequest(setting path: String = "/sys/kernel/mm/transparent_hugepage/enabled") -> Bool {
        guard let bytes = FileIO.read(path) else { return false }
        return String(decoding: bytes, as: UTF8.self).contains("[madvise]")
    }

    /// Hands the pages of freed memory back to the system. A stage's
    /// scratch (the load stage's parse trees, the analysis's indexes) is
    /// freed when it ends, but glibc gives back only the free memory at the
    /// top of a heap: free chunks below live ones stay resident, and the
    /// next stage, allocating other sizes, does not fill them all (at
    /// 100,000 postmortems, 1,451 → 1,031 MB after the load stage).
    static func releaseFreedPages() {
        #if os(Linux)
        Profile.measure("memory: trim") { _ = malloc_trim(0) }
        #endif
    }
}
