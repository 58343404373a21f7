extension Array where Element: BitwiseCopyable {
    /// The elements in a buffer of their own size. An array grown by
    /// appending has room for up to as many again; one kept for long
    /// (a search index's runs) lets it go this way. (`Array(self[...])`
    /// would hand back the same buffer.)
    func withoutSpareCapacity() -> [Element] {
        guard capacity > count + count / 8 else { return self }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
            initialized = count
        }
    }
}
