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
/// again only when the build used a value it did not hold, or did not use
/// one it held; it then holds exactly the values of this build.
final class DigestMemo: @unchecked Sendable {
    static let magic = Array("PMKB-MEMO\n".utf8)
    static let format: UInt32 = 1

    let file: URL?
    let generation: UInt64
    /// The last build's file, and where each value is in it.
    private let previous: [UInt8]
    private let ranges: [UInt64: Range<Int>]
    private let lock = NSLock()
    /// This build's values: read from `previous` (nil) or made now.
    private var used: [UInt64: [UInt8]?] = [:]
    private var madeCount = 0

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
        if value != nil { lock.withLock { if used[digest] == nil { used[digest] = .some(nil) } } }
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
    var counts: (made: Int, read: Int) { lock.withLock { (madeCount, used.count - madeCount) } }

    /// Writes the values this build used, unless they are exactly the file's already.
    func save() {
        guard let file else { return }
        let taken: [UInt64: [UInt8]?] = lock.withLock { used }
        let made = lock.withLock { madeCount }
        guard made > 0 || taken.count != ranges.count else { return }
        let digests = taken.keys.sorted()
        var values: [[UInt8]] = []
        values.reserveCapacity(digests.count)
        var total = 0
        for digest in digests {
            var value: [UInt8] = []
            if let entry = taken[digest], let fresh = entry {
                value = fresh
            } else if let range = ranges[digest] {
                value = Array(previous[range])
            }
            total += value.count
            values.append(value)
        }
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(Self.magic.count + 16 + digests.count * 12 + total)
        writer.bytes += Self.magic
        writer.append(Self.format)
        writer.append(generation)
        writer.append(UInt32(digests.count))
        for (digest, value) in zip(digests, values) {
            writer.append(digest)
            writer.append(UInt32(value.count))
        }
        for value in values { writer.bytes += value }
        // A memo that cannot be written is no failure: the next build computes those values again.
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.path + ".tmp\(getpid())"
        guard (try? FileIO.write(writer.bytes, to: temporary)) != nil, rename(temporary, file.path) == 0 else {
            unlink(temporary)
            return
        }
    }
}

/// The memos of one build (`DigestMemo`), in the site's cache folder.
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

    func save() {
        storyTerms.save()
        searchTerms.save()
    }
}
