#if os(Linux)
import CMalloc
#endif

/// How the C allocator is set up before anything is allocated.
enum Allocator {
    /// glibc gives memory back to the system as soon as the top of a heap
    /// is free, and takes it again, page fault by page fault, when the next
    /// stage allocates as much: a rebuild after one edit at 10,000
    /// postmortems took 26,000 page faults. Keeping 64 MB of free memory at
    /// each heap's top (`M_TOP_PAD`) keeps those pages: 21,000 faults, a
    /// fifth less system time, the same peak memory within 5 MB
    /// (docs/benchmarks.md, twenty-seventh round). The pages are the
    /// process's own until it exits; `serve` holds them between rebuilds,
    /// as it would at the next one's peak.
    static func tune() {
        #if os(Linux)
        _ = mallopt(M_TOP_PAD, 64 << 20)
        #endif
    }
}
