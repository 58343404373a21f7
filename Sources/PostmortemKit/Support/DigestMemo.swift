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
///     "PMKB-MEMO\n"  format: UInt32  generation: UInt64
///     the values, one after another
///     count × (digest: UInt64, offset: UInt64, length: UInt32, check: UInt64), in digest order
///     table offset: UInt64  count: UInt32
///
/// A value's check is the `StableHasher` digest of its bytes: a value whose
/// bytes were changed reads as none and is computed again.
///
/// The generation is a digest of the format, the memo's name and the tool
/// (its executable's stamp): a new tool computes everything again. A file
/// that is cut short or not one at all reads as empty. Values made by a
/// build go to the new file as they are made (the table comes last), so a
/// full build does not hold them; the last build's file is read a value at
/// a time (its table only is held), so a rebuild does not hold it either.
/// The file is finished (`finish`) with the last build's values this build
/// used, and replaces the old one only when the build made a value or left
/// one unused.
final class DigestMemo: @unchecked Sendable {
    static let magic = Array("PMKB-MEMO\n".utf8)
    static let format: UInt32 = 3
    /// Bytes of a table entry.
    static let entrySize = 28

    /// Where a value is in its file, and its check.
    struct Place: Equatable {
        var range: Range<Int>
        var check: UInt64
    }
    static let headerSize = magic.count + 12
    /// Bytes gathered before they are written.
    static let chunk = 1 << 20

    let file: URL?
    let generation: UInt64
    /// The last build's file, open, and where each value is in it (both let
    /// go by `finish`). A value is read when asked for: the file is never
    /// held whole (720 MB at 100,000 postmortems, a rebuild's peak).
    private var previous: Int32 = -1
    private var ranges: [UInt64: Place] = [:]
    private let lock = NSLock()
    /// This build's values: where a value made now is in the new file, nil for one read from `previous`.
    private var used: [UInt64: Place?] = [:]
    /// The new file, opened at the first value made: its descriptor, the bytes not written yet, its size so far.
    private var output: Int32 = -1
    private var pending: [UInt8] = []
    private var size = 0
    private var failed = false
    private var madeCount = 0
    private var readCount = 0
    private var finished = false

    /// Whether the last build's values are only read (`check`): nothing is written.
    let readOnly: Bool

    /// The memo `name` in the file `name.memo` of `folder` (none: nothing is kept).
    convenience init(named name: String, in folder: URL?, readOnly: Bool = false) {
        self.init(file: folder?.appendingPathComponent(name + ".memo"), name: name, readOnly: readOnly)
    }

    /// A memo kept in `file` (none: nothing is kept); `readOnly`, one whose
    /// values are read and never written.
    init(file: URL?, name: String, readOnly: Bool = false) {
        self.file = file
        self.readOnly = readOnly
        generation = StableHasher.digest { hasher in
            hasher.combine(Int(Self.format))
            hasher.combine(name)
            hasher.combine(BuildRecord.toolStamp)
        }
        guard let file else { return }
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        if let ranges = Self.table(of: fd, generation: generation) {
            previous = fd
            self.ranges = ranges
        } else {
            close(fd)
        }
    }

    deinit {
        if output >= 0 { close(output) }
        if previous >= 0 { close(previous) }
    }

    var temporaryPath: String? { file.map { $0.path + ".tmp" } }

    /// Where each value is in `bytes`, nil unless they are a memo file of `generation`.
    static func table(_ bytes: [UInt8], generation: UInt64) -> [UInt64: Place]? {
        table(size: bytes.count, generation: generation) { offset, count in
            offset >= 0 && count >= 0 && offset + count <= bytes.count ? Array(bytes[offset..<offset + count]) : nil
        }
    }

    /// Where each value is in the memo file open as `fd`, read without its values.
    static func table(of fd: Int32, generation: UInt64) -> [UInt64: Place]? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return table(size: Int(info.st_size), generation: generation) { offset, count in
            FileIO.read(fd, at: offset, count: count)
        }
    }

    /// The bytes of the value at `place` in the file open as `fd`, nil when they are not there or fail their check.
    static func read(_ fd: Int32, _ place: Place) -> [UInt8]? {
        guard let bytes = FileIO.read(fd, at: place.range.lowerBound, count: place.range.count),
              bytes.withUnsafeBytes(BodyText.digest) == place.check else { return nil }
        return bytes
    }

    /// The table of a memo file of `size` bytes whose bytes `read` gives (offset, count):
    /// the header, the trailer, then the table; nil unless it is a memo file of `generation`.
    private static func table(size: Int, generation: UInt64, read: (Int, Int) -> [UInt8]?) -> [UInt64: Place]? {
        guard size >= headerSize + 12, let head = read(0, headerSize), let tail = read(size - 12, 12) else { return nil }
        let place = head.withUnsafeBytes { head in
            tail.withUnsafeBytes { tail -> (start: Int, count: Int)? in
                var reader = ByteReader(head), trailer = ByteReader(tail)
                guard reader.take(magic.count).map(Array.init) == magic, reader.uint32() == format,
                      reader.uint64() == generation, let start = trailer.uint64(), let count = trailer.uint32(),
                      start >= UInt64(headerSize), start <= UInt64(size - 12),
                      (UInt64(size - 12) - start) == UInt64(count) * UInt64(entrySize) else { return nil }
                return (Int(start), Int(count))
            }
        }
        guard let place, let entries = read(place.start, place.count * entrySize) else { return nil }
        return entries.withUnsafeBytes { entries -> [UInt64: Place]? in
            var table = ByteReader(entries)
            var ranges: [UInt64: Place] = [:]
            ranges.reserveCapacity(place.count)
            let start = UInt64(place.start)
            for _ in 0..<place.count {
                guard let digest = table.uint64(), let offset = table.uint64(), let length = table.uint32(), let check = table.uint64(),
                      offset >= UInt64(headerSize), offset <= start, UInt64(length) <= start - offset else { return nil }
                ranges[digest] = Place(range: Int(offset)..<Int(offset) + Int(length), check: check)
            }
            return ranges
        }
    }

    /// The last build's value for `digest`, read by `read`; nil when it had none (or not one `read` can read).
    func value<Value>(for digest: UInt64, read: (inout ByteReader) throws(ByteReader.Malformed) -> Value) -> Value? {
        guard let value = peek(for: digest, read: read) else { return nil }
        markUsed(digest)
        return value
    }

    /// The bytes of the last build's value for `digest`, as they were
    /// written (its check passed), for a stage that reads them when it needs them.
    func bytes(for digest: UInt64) -> [UInt8]? {
        guard let bytes = previousBytes(digest) else { return nil }
        markUsed(digest)
        return bytes
    }

    /// The last build's value for `digest`, read without counting as used:
    /// `finish` and `leave` do as if it had not been asked for (the search
    /// index patch reads the old terms of a few documents from a memo it leaves as it is).
    func peek<Value>(for digest: UInt64, read: (inout ByteReader) throws(ByteReader.Malformed) -> Value) -> Value? {
        previousBytes(digest).flatMap { ByteReader.whole($0, read) }
    }

    /// The bytes of the last build's value for `digest`; nil when it had none, or they fail their check.
    private func previousBytes(_ digest: UInt64) -> [UInt8]? {
        guard let place = lock.withLock({ finished ? nil : ranges[digest] }) else { return nil }
        return Self.read(previous, place)
    }

    /// A value of the last build this build uses: `finish` keeps it.
    private func markUsed(_ digest: UInt64) {
        lock.withLock {
            guard used[digest] == nil else { return }
            used[digest] = .some(nil)
            readCount += 1
        }
    }

    /// Keeps the value for `digest` that this build made, as `write` writes it.
    func keep(_ digest: UInt64, _ write: (inout ByteWriter) -> Void) {
        guard file != nil, !readOnly else { return lock.withLock { madeCount += 1 } }
        var writer = ByteWriter()
        write(&writer)
        lock.withLock {
            madeCount += 1
            guard !finished, openOutput() else { return }
            used[digest] = Place(range: size..<size + writer.bytes.count, check: writer.bytes.withUnsafeBytes(BodyText.digest))
            append(writer.bytes)
        }
    }

    /// The value for `digest`: the last build's, read by `read`, else `make`'s, kept for the next build as `write` writes it.
    func value<Value>(for digest: UInt64, read: (inout ByteReader) throws(ByteReader.Malformed) -> Value,
                      write: (Value, inout ByteWriter) -> Void, make: () -> Value) -> Value {
        if let value = value(for: digest, read: read) { return value }
        let value = make()
        keep(digest) { write(value, &$0) }
        return value
    }

    /// The value for `digest`: the last build's, else `make`'s (kept for the next build).
    func value<Value: ByteCodable>(for digest: UInt64, make: () -> Value) -> Value {
        value(for: digest, read: { (reader: inout ByteReader) throws(ByteReader.Malformed) in try Value(from: &reader) },
              write: { $0.write(to: &$1) }, make: make)
    }

    /// Values made by this build, and values read from the last one.
    var counts: (made: Int, read: Int) { lock.withLock { (madeCount, readCount) } }

    /// Opens the new file (under the lock); false when it cannot be written.
    private func openOutput() -> Bool {
        if output >= 0 { return true }
        guard !failed, let file, let temporary = temporaryPath else { return false }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        output = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else {
            failed = true
            return false
        }
        pending.reserveCapacity(Self.chunk + 4096)
        var head = ByteWriter()
        head.bytes += Self.magic
        head.append(Self.format)
        head.append(generation)
        append(head.bytes)
        return true
    }

    /// Adds bytes to the new file (under the lock).
    private func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        pending += bytes
        size += bytes.count
        if pending.count >= Self.chunk { flush() }
    }

    private func flush() {
        guard !failed, output >= 0, let temporary = temporaryPath else { return }
        do { try pending.withUnsafeBytes { try FileIO.writeAll($0, to: output, path: temporary) } } catch { failed = true }
        pending.removeAll(keepingCapacity: true)
    }

    /// Finishes the new file with the last build's values this build used
    /// and the table, puts it in place of the old one, and lets go of every
    /// value: called once the stage that asks for them is done. Nothing is
    /// written when the build used exactly the values the file held. A memo
    /// that cannot be written is no failure: the next build computes those
    /// values again.
    func finish() { finish(keepingUnused: false) }

    /// Lets go of the last build's file and leaves it as it is when this
    /// build made no value and read none: a stage that did not need its
    /// values this time (another memo held its whole result) keeps them for
    /// the next build. Else the same as `finish`.
    func leave() { finish(keepingUnused: true) }

    private func finish(keepingUnused: Bool) {
        lock.withLock {
            guard !finished else { return }
            finished = true
            defer {
                if output >= 0 { close(output) }
                output = -1
                used = [:]
                pending = []
                if previous >= 0 { close(previous) }
                previous = -1
                ranges = [:]
            }
            if keepingUnused, madeCount == 0, used.isEmpty { return }
            guard file != nil, !readOnly, madeCount > 0 || used.count != ranges.count, openOutput() else { return }
            var table = ByteWriter()
            table.bytes.reserveCapacity(used.count * Self.entrySize + 12)
            for digest in used.keys.sorted() {
                guard let place = used[digest] else { continue }
                var written: Place
                if let made = place {
                    written = made
                } else if let old = ranges[digest], let bytes = Self.read(previous, old) {
                    written = Place(range: size..<size + old.range.count, check: old.check)
                    append(bytes)
                } else {
                    continue
                }
                table.append(digest)
                table.append(UInt64(written.range.lowerBound))
                table.append(UInt32(written.range.count))
                table.append(written.check)
            }
            let start = size
            table.append(UInt64(start))
            table.append(UInt32((table.bytes.count - 8) / Self.entrySize))
            append(table.bytes)
            flush()
            guard let file, let temporary = temporaryPath else { return }
            if failed || rename(temporary, file.path) != 0 { unlink(temporary) }
        }
    }
}

/// The memos of one build (`DigestMemo`), in the site's cache folder; each
/// is finished by the stage that uses it.
struct DigestMemos: Sendable {
    /// A story's terms and their counts (`TextSimilarity`).
    let storyTerms: DigestMemo
    /// Every story's neighbours, for the stories of the whole knowledge base (`TextSimilarity`): one value.
    let storyNeighbours: DigestMemo
    /// A search document's terms and scores (`SearchIndex`).
    let searchTerms: DigestMemo
    /// What every incident page lists as related and similar (`RelatedIncidents.index`): one value.
    let relatedChoices: DigestMemo
    /// Every incident's recurrences (`RecurrenceAnalysis.analyze`): one value.
    let recurrences: DigestMemo
    /// What the next build needs to patch this one's search index (`SearchIndexPatch`): one value.
    let searchIndex: DigestMemo
    /// Where each record is in the last build's data files (`RecordFile`): a value per file.
    let recordFiles: DigestMemo
    /// The overview pages and files of the site, for what they are made of (`SiteRenderer.Overview`): one value.
    let overview: DigestMemo
    /// Every incident page's postmortem revision and key, for what the rest of their keys is made of (`IncidentKeys`): one value.
    let incidentKeys: DigestMemo
    /// The group pages' names, for every postmortem's outward fields (`PageNames`): one value.
    let pageNames: DigestMemo

    /// Memos in `folder`; none (nil) for memos that keep nothing.
    init(folder: URL?) {
        func memo(_ name: String) -> DigestMemo { DigestMemo(named: name, in: folder) }
        storyTerms = memo("story-terms")
        storyNeighbours = memo("story-neighbours")
        searchTerms = memo("search-terms")
        recurrences = memo("recurrences")
        relatedChoices = memo("related-choices")
        searchIndex = memo("search-index")
        recordFiles = memo("record-files")
        overview = memo("overview")
        incidentKeys = memo("incident-keys")
        pageNames = memo("page-names")
    }
}
