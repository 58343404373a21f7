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
    #endif

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
