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

    /// Hands the pages that freed memory leaves in malloc's arenas back to
    /// the system. A stage's scratch (the load stage's parse trees, the
    /// analysis's indexes) is freed when it ends, but glibc keeps the pages
    /// for later allocations on the same thread; the next stage allocates
    /// on other threads, in other arenas, so both would be resident at once.
    static func releaseFreedPages() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
