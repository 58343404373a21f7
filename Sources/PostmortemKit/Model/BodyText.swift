import Foundation
import Glibc

/// One of a body's long texts (its HTML, its plain text, its sections'
/// store), held in memory or left in its postmortem's load cache entry and
/// read when asked for.
///
/// A build of 10,000 postmortems made them in the load stage and held every
/// one until the end: half its memory. Most are read once (the HTML by the
/// postmortem's page) or never (a rebuild renders only the pages that
/// changed, and the search index and the analysis find the terms of
/// unchanged texts in their memos by the texts' digests). So the load stage
/// writes each postmortem's entry as soon as it is finished and keeps only
/// where its texts are (`LoadCache.Folder`), and every text carries its
/// digest, for the memos and to check what is read back.
///
/// Two texts are equal when their digests and lengths are, wherever they are kept.
public struct BodyText: Sendable, Hashable {
    enum Storage: Sendable {
        case memory(String)
        /// `length` UTF-8 bytes at `offset` of a load cache entry's file.
        case file(TextFile, offset: Int, length: Int)
    }

    let storage: Storage
    /// `StableHasher` digest of the UTF-8 bytes.
    public let digest: UInt64
    public let utf8Count: Int

    /// `text` in memory, in storage of its own size (text made by appending holds spare capacity).
    public init(_ text: String) {
        var text = text
        let exact = text.withUTF8 { String(decoding: $0, as: UTF8.self) }
        storage = .memory(exact)
        digest = Self.digest(exact)
        utf8Count = exact.utf8.count
    }

    init(file: TextFile, offset: Int, length: Int, digest: UInt64) {
        storage = .file(file, offset: offset, length: length)
        self.digest = digest
        utf8Count = length
    }

    /// Whether the text is in memory.
    var isInMemory: Bool {
        if case .memory = storage { return true }
        return false
    }

    /// The text. One kept in a file is read from it each time; when it
    /// cannot be read, or reads with another digest, it is empty and the
    /// file's `TextFile.Failures` records it, so the build that asked fails
    /// instead of publishing a page without its text.
    public var string: String {
        switch storage {
        case let .memory(text): text
        case let .file(file, offset, length): file.read(offset: offset, length: length, digest: digest) ?? ""
        }
    }

    public static func == (lhs: BodyText, rhs: BodyText) -> Bool {
        lhs.digest == rhs.digest && lhs.utf8Count == rhs.utf8Count
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    static func digest(_ text: String) -> UInt64 {
        StableHasher.digest { $0.combine(text) }
    }

    static func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        StableHasher.digest { $0.combine(bytes: bytes) }
    }
}

/// A load cache entry's file, as the texts left in it know it.
final class TextFile: Sendable {
    /// The reads that failed in one build (one record per `LoadCache`).
    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var _first: String?
        private var _paths: Set<String> = []
        private var _count = 0

        /// The first file that could not be read as its entry said, and how many reads failed.
        var first: (path: String, count: Int)? {
            lock.withLock { _first.map { ($0, _count) } }
        }

        /// Every file a read failed in.
        var paths: Set<String> { lock.withLock { _paths } }

        /// Forgets every failure (a cache kept in memory, after it forgot the entries they were of).
        func reset() {
            lock.withLock {
                _first = nil
                _paths = []
                _count = 0
            }
        }

        func record(_ path: String) {
            lock.withLock {
                if _first == nil { _first = path }
                _paths.insert(path)
                _count += 1
            }
        }
    }

    let path: String
    let failures: Failures

    init(path: String, failures: Failures) {
        self.path = path
        self.failures = failures
    }

    /// The text at `offset`, nil (and recorded) when the file is gone, shorter, or holds other bytes there.
    func read(offset: Int, length: Int, digest: UInt64) -> String? {
        readBytes(offset: offset, length: length, digest: digest).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes at `offset`, nil (and recorded) when the file is gone, shorter, or holds other bytes there.
    func readBytes(offset: Int, length: Int, digest: UInt64) -> [UInt8]? {
        guard let bytes = FileIO.read(path, at: offset, count: length), bytes.withUnsafeBytes(BodyText.digest) == digest else {
            failures.record(path)
            return nil
        }
        return bytes
    }
}
