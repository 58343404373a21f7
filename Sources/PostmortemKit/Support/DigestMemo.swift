import Foundation
import Glibc

/// Results of a pure function of a text, kept from one build to the next:
/// the value (bytes) for a digest of the function's input. A stage asks
/// for the value of its input's digest; when the last build had it, the
/// stage reads it instead of computing it again. The analysis and the
/// search index keep their per-postmortem work here (`DigestMemos`), so a
/// build after an edit computes it for the edited postmortems only.
///
/// One file per memo in the site's cache folder:
///
///     "PMKB-MEMO\n"  format: UInt32  generation: UInt64  count: UInt32
///     count × (digest: UInt64, length: UInt32), in digest order, then the values one after another
///
/// The generation is a digest of the format, the memo's name and the tool
/// (its executable's stamp): a new tool computes everything again. A file
/// that is cut short or not one at all reads as empty. The file is written
/// again (`finish`) only when the build used a value it did not hold, or did
/// not use one it held; it then holds exactly the values of this build.
final class DigestMemo: @unchecked Sendable {
    static let magic = Array("PMKB-MEMO\n".utf8)
    static let format: UInt32 = 1

    let file: URL?
    let generation: UInt64
    /// The last build's file, and where each value is in it (both let go by `finish`).
    private var previous: [UInt8]
    private var ranges: [UInt64: Range<Int>]
    private let lock = NSLock()
    /// This build's values: read from `previous` (nil) or made now.
    private var used: [UInt64: [UInt8]?] = [:]
    private var madeCount = 0
    private var readCount = 0
    private var finished = false

    /// A memo kept in `file` (none: one build's only, as for tests).
    init(file: URL?, name: String) {
        self.file = file
        generation = StableHasher.digest { hasher in
            hasher.combine(Int(Self.format))
            hasher.combine(name)
            hasher.combine(BuildRecord.toolStamp)
        }
        let bytes = file.flatMap { FileIO.read($0.path) } ?? []
        if let ranges = Self.table(bytes, generation: generation) {
            previous = bytes
            self.ranges = ranges
        } else {
            previous = []
            ranges = [:]
        }
    }

    /// Where each value is in `bytes`, nil unless they are a memo file of `generation`.
    static func table(_ bytes: [UInt8], generation: UInt64) -> [UInt64: Range<Int>]? {
        bytes.withUnsafeBytes { buffer -> [UInt64: Range<Int>]? in
            var reader = ByteReader(buffer)
            guard reader.take(magic.count).map(Array.init) == magic, reader.uint32() == format,
                  reader.uint64() == generation, let count = reader.uint32(), Int(count) <= reader.remaining / 12 else { return nil }
            var lengths: [(UInt64, Int)] = []
            lengths.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let digest = reader.uint64(), let length = reader.uint32() else { return nil }
                lengths.append((digest, Int(length)))
            }
            var ranges: [UInt64: Range<Int>] = [:]
            ranges.reserveCapacity(lengths.count)
            var offset = buffer.count - reader.remaining
            for (digest, length) in lengths {
                guard length <= buffer.count - offset else { return nil }
                ranges[digest] = offset..<offset + length
                offset += length
            }
            return offset == buffer.count ? ranges : nil
        }
    }

    /// The last build's value for `digest`, read by `read`; nil when it had none (or not one `read` can read).
    func value<Value>(for digest: UInt64, read: (inout ByteReader) throws(ByteReader.Malformed) -> Value) -> Value? {
        guard let range = ranges[digest] else { return nil }
        let value = previous.withUnsafeBytes { buffer -> Value? in
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[range]))
            guard let value = try? read(&reader), reader.isAtEnd else { return nil }
            return value
        }
        if value != nil {
            lock.withLock {
                guard used[digest] == nil else { return }
                used[digest] = .some(nil)
                readCount += 1
            }
        }
        return value
    }

    /// Keeps the value for `digest` that this build made, as `write` writes it.
    func keep(_ digest: UInt64, _ write: (inout ByteWriter) -> Void) {
        var writer = ByteWriter()
        write(&writer)
        lock.withLock {
            used[digest] = writer.bytes
            madeCount += 1
        }
    }

    /// The value for `digest`: the last build's, else `make`'s (kept for the next build).
    func value<Value: ByteCodable>(for digest: UInt64, make: () -> Value) -> Value {
        if let value = value(for: digest, read: { (reader: inout ByteReader) throws(ByteReader.Malformed) in try Value(from: &reader) }) {
            return value
        }
        let value = make()
        keep(digest) { value.write(to: &$0) }
        return value
    }

    /// Values made by this build, and values read from the last one.
    var counts: (made: Int, read: Int) { lock.withLock { (madeCount, readCount) } }

    /// Writes the values this build used, unless they are exactly the file's
    /// already, and lets go of every value: called once the stage that asks
    /// for them is done, so they are not held through the rest of the build.
    func finish() {
        let (taken, made, first): ([UInt64: [UInt8]?], Int, Bool) = lock.withLock {
            defer {
                used = [:]
                finished = true
            }
            return (used, madeCount, !finished)
        }
        guard first else { return }
        defer {
            previous = []
            ranges = [:]
        }
        guard let file, made > 0 || taken.count != ranges.count else { return }
        let digests = taken.keys.sorted()
        func value(_ digest: UInt64) -> ArraySlice<UInt8> {
            if let entry = taken[digest], let fresh = entry { return fresh[...] }
            return ranges[digest].map { previous[$0] } ?? []
        }
        var head = ByteWriter()
        head.bytes.reserveCapacity(Self.magic.count + 16 + digests.count * 12)
        head.bytes += Self.magic
        head.append(Self.format)
        head.append(generation)
        head.append(UInt32(digests.count))
        for digest in digests {
            head.append(digest)
            head.append(UInt32(value(digest).count))
        }
        // A memo that cannot be written is no failure: the next build computes those values again.
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.path + ".tmp\(getpid())"
        let written = try? FileIO.write(to: temporary) { put in
            try head.bytes.withUnsafeBytes(put)
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 20)
            for digest in digests {
                chunk += value(digest)
                if chunk.count >= 1 << 20 {
                    try chunk.withUnsafeBytes(put)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try chunk.withUnsafeBytes(put)
        }
        guard written != nil, rename(temporary, file.path) == 0 else {
            unlink(temporary)
            return
        }
    }
}

/// The memos of one build (`DigestMemo`), in the site's cache folder; each
/// is finished by the stage that uses it.
struct DigestMemos: Sendable {
    /// A story's terms and their counts (`TextSimilarity`).
    let storyTerms: DigestMemo
    /// A search document's terms and scores (`SearchIndex`).
    let searchTerms: DigestMemo

    /// Memos in `folder`; none (nil) for memos that last one build.
    init(folder: URL?) {
        storyTerms = DigestMemo(file: folder?.appendingPathComponent("story-terms.memo"), name: "story-terms")
        searchTerms = DigestMemo(file: folder?.appendingPathComponent("search-terms.memo"), name: "search-terms")
    }

}
