#if canImport(Glibc)
import Glibc
#endif

/// The process's memory between stages.
enum Memory {
    #if canImport(Glibc)
    /// glibc's `malloc_trim`, which its Swift module does not declare.
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// glibc's `mallopt`, which its Swift module does not declare either.
    private static let setOption: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    #endif

    /// How much a new heap of glibc's is made usable at once (`M_TOP_PAD`), for a process that builds once.
    static let heapStep: Int32 = 64 << 20

    /// Makes glibc grow its heaps in large steps. A worker thread's heap
    /// otherwise grows by the pages each allocation needs, one `mprotect`
    /// call each: 20,000 calls in a one-edit rebuild at 10,000 postmortems,
    /// 0.04 s of its CPU. With `M_TOP_PAD` at 64 MB a new heap is made
    /// usable whole when it is made (68 calls); its pages become resident
    /// only when touched, so the peak is the same. Such a heap is never
    /// trimmed, which a process that builds once and ends does not miss;
    /// `serve`, which lives on between builds, keeps glibc's defaults.
    static func growHeapsInLargeSteps() {
        #if canImport(Glibc)
        _ = setOption?(-2 /* M_TOP_PAD */, heapStep)
        #endif
    }

    /// Hands the pages of freed memory back to the system. A stage's
    /// scratch (the load stage's parse trees, the analysis's indexes) is
    /// freed when it ends, but glibc gives back only the free memory at the
    /// top of a heap: free chunks below live ones stay resident, and the
    /// next stage, allocating other sizes, does not fill them all (at
    /// 100,000 postmortems, 1,451 → 1,031 MB after the load stage).
    static func releaseFreedPages() {
        #if canImport(Glibc)
        Profile.measure("memory: trim") { _ = trim?(0) }
        #endif
    }
}
