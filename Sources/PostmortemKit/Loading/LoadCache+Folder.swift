import Foundation
import Glibc

extension LoadCache {
    /// The entries of `build` on disk: one file per postmortem in the site's
    /// cache folder (`._site.postmortem-cache/load/`), named by the digest
    /// of the postmortem's path, so a build reads the entries of the files
    /// that did not change, writes those of the files it loaded, and leaves
    /// the others alone.
    ///
    ///     "PMKB-LOAD\n"  format: UInt32  generation: UInt64  answers: UInt64
    ///     stamp: size, modified, changed: Int64  inode: UInt64  listedAt: Int64
    ///     head: UInt64  texts: UInt64                     (the sizes of the two parts below)
    ///     path: String  the entry, each long text as where it is below   (`head` bytes)
    ///     the long texts: the body's HTML, plain text and sections, and   (`texts` bytes)
    ///     the fields' sites (`FieldSites`)
    ///
    /// The heads of every entry are kept in one records file as well (`Heads`),
    /// read before the entries' own files.
    ///
    /// A build reads the head only: a body's texts stay in the file until a
    /// page asks for them (`BodyText`), so a build holds no postmortem's
    /// texts, and one that renders few pages reads few. The load stage writes
    /// each entry as soon as its postmortem is finished (`keep`) and keeps
    /// the head of what it wrote.
    ///
    /// The generation is a digest of the format, the tool (its executable's
    /// stamp) and the configuration: an entry of another one is not read.
    /// The answers are the digest of what the entry's links read of the
    /// folder's index when it was finished (`IndexReads.digest`). The stamp
    /// is its source file's before its bytes were read (all zero: none),
    /// rewritten in place when a later build reads the same bytes under a
    /// new stamp (`restamp`); a build that finds the file stamped so, long
    /// enough after that listing, takes the entry without reading the file
    /// (`SourceStamp.vouches`). An
    /// entry that is cut short, of another path or not one at all reads as
    /// none, and its file is loaded again: the cache never changes what a
    /// build makes, only how fast. A text that reads back other than its
    /// digest says fails the build (`TextFile.Failures`).
    struct Folder: Sendable {
        static let magic = Array("PMKB-LOAD\n".utf8)
        /// Bumped whenever the bytes of an entry change (`LoadCache+Bytes`).
        static let format: UInt32 = 10
        /// Where the stamp is in an entry's file: after the magic, the format, the generation and the answers.
        static let stampOffset = magic.count + 4 + 8 * 2
        static let stampSize = 8 * 5
        /// The magic, the format, the generation, the answers, the stamp and the two sizes.
        static let headerSize = stampOffset + stampSize + 8 * 2
        /// Bytes read at first: one page, the whole head of nine entries in
        /// ten (heads of the benchmark's corpus are 3.5 KB, at most 5.3 KB;
        /// the rest of a file, the texts, is 20 KB more that a build mostly
        /// never reads).
        static let firstRead = 4_096

        let url: URL
        /// `url`'s path, made once: each entry's file is named from it.
        let folderPath: String
        let generation: UInt64
        /// Where the reads of this build's texts that failed are recorded.
        let failures: TextFile.Failures
        /// The last build's heads in one file, read before the entries' own files.
        var heads: Heads?

        init(url: URL, configurationKey: String, failures: TextFile.Failures = TextFile.Failures()) {
            self.url = url
            folderPath = url.path
            self.failures = failures
            generation = StableHasher.digest { hasher in
                hasher.combine(Int(Self.format))
                hasher.combine(BuildRecord.toolStamp)
                hasher.combine(configurationKey)
            }
        }

        /// The file of the entry of the postmortem at `path`.
        func file(of path: String) -> String {
            folderPath + "/" + name(of: path)
        }

        /// The name of the file of the entry of the postmortem at `path`.
        func name(of path: String) -> String {
            StableHasher.hex(Self.digest(of: path))
        }

        /// The entry of `path` when it is of this generation and its file's bytes had `digest`;
        /// its texts are left in the file.
        func entry(_ path: String, digest: UInt64) -> (entry: Entry, answers: UInt64)? {
            entry(path, stamp: { _ in true }, entry: { $0.digest == digest })
        }

        /// The entry of `path` when it is of this generation and the stamp
        /// its file has now vouches for the bytes it was made from
        /// (`SourceStamp.vouches`); its texts are left in the file.
        func entry(_ path: String, stamp: SourceStamp, window: Int64) -> (entry: Entry, answers: UInt64)? {
            entry(path, stamp: { recorded in recorded.map { stamp.vouches(for: $0, window: window) } ?? false }, entry: { _ in true })
        }

        /// The entry of `path` when it is of this generation, `accept` takes
        /// its stamp (looked at before the rest is decoded) and `take` takes
        /// it: from the heads file, else (none there, or one not taken: a
        /// heads file older than the entries' files) from its own file.
        private func entry(_ path: String, stamp accept: (SourceStamp?) -> Bool,
                           entry take: (Entry) -> Bool) -> (entry: Entry, answers: UInt64)? {
            let name = Self.digest(of: path)
            let location = folderPath + "/" + StableHasher.hex(name)
            if let heads, let record = heads.record(name), accept(record.stamp),
               let decoded = heads.withBytes(of: record, {
                   Self.decoded($0, path: path, generation: generation, fileSize: record.fileSize,
                                texts: TextFile(path: location, failures: failures))
               }),
               take(decoded.entry) {
                heads.take(record)
                return decoded
            }
            return entryFile(path, location: location, stamp: accept).flatMap { take($0.entry) ? $0 : nil }
        }

        /// The entry in the file at `location` when `accept` takes its stamp.
        private func entryFile(_ path: String, location: String, stamp accept: (SourceStamp?) -> Bool) -> (entry: Entry, answers: UInt64)? {
            guard let (bytes, size) = Self.firstBytes(at: location, stamp: accept) else { return nil }
            let text = TextFile(path: location, failures: failures)
            return bytes.withUnsafeBytes { Self.decoded($0, path: path, generation: generation, fileSize: size, texts: text) }
        }

        /// The first bytes of the entry file at `location` (at least its
        /// header and head, when the file is whole) and the file's size, when
        /// `accept` takes the stamp in its header, read before the rest of a head longer than one page.
        static func firstBytes(at location: String, stamp accept: (SourceStamp?) -> Bool = { _ in true }) -> (bytes: [UInt8], size: Int)? {
            let fd = open(location, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_size >= headerSize else { return nil }
            let size = Int(info.st_size)
            guard var bytes = FileIO.read(fd, at: 0, count: min(size, firstRead)),
                  accept(bytes.withUnsafeBytes { stamp($0) }) else { return nil }
            // A head longer than the first read: the rest of it.
            let headEnd = bytes.withUnsafeBytes { sizes($0) }.map { headerSize &+ Int(clamping: $0.head) } ?? 0
            if headEnd > bytes.count, headEnd <= size {
                guard let rest = FileIO.read(fd, at: bytes.count, count: headEnd - bytes.count) else { return nil }
                bytes += rest
            }
            return (bytes, size)
        }

        /// The stamp of an entry's first bytes; nil when there is none.
        static func stamp(_ buffer: UnsafeRawBufferPointer) -> SourceStamp? {
            guard buffer.count >= headerSize else { return nil }
            return stamp(fields: UnsafeRawBufferPointer(rebasing: buffer[stampOffset..<(stampOffset + stampSize)]))
        }

        /// The stamp `stampBytes` wrote; nil for none.
        static func stamp(fields: UnsafeRawBufferPointer) -> SourceStamp? {
            var reader = ByteReader(fields)
            guard let size = reader.uint64(), let modified = reader.uint64(), let changed = reader.uint64(),
                  let inode = reader.uint64(), let listedAt = reader.uint64(), listedAt != 0 else { return nil }
            return SourceStamp(size: Int64(bitPattern: size), modified: Int64(bitPattern: modified),
                               changed: Int64(bitPattern: changed), inode: inode, listedAt: Int64(bitPattern: listedAt))
        }

        /// The bytes of `stamp` in an entry's header (all zero for none).
        static func stampBytes(_ stamp: SourceStamp?) -> [UInt8] {
            var writer = ByteWriter()
            for value in [stamp?.size ?? 0, stamp?.modified ?? 0, stamp?.changed ?? 0] { writer.append(UInt64(bitPattern: value)) }
            writer.append(stamp?.inode ?? 0)
            writer.append(UInt64(bitPattern: stamp?.listedAt ?? 0))
            return writer.bytes
        }

        /// Gives the entry of `path`, whose bytes this build read and found
        /// those of the entry, `stamp`: the stamp its file had before they
        /// were read. In place, the entry's only bytes that change; a failure
        /// leaves the old stamp, which the next build does not trust.
        func restamp(_ path: String, _ stamp: SourceStamp) {
            let fd = open(file(of: path), O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            let bytes = Self.stampBytes(stamp)
            _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(Self.stampOffset)) }
        }

        /// The sizes of the head and of the texts, from an entry's first bytes.
        static func sizes(_ buffer: UnsafeRawBufferPointer) -> (head: UInt64, texts: UInt64)? {
            guard buffer.count >= headerSize else { return nil }
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[(headerSize - 16)..<headerSize]))
            guard let head = reader.uint64(), let texts = reader.uint64() else { return nil }
            return (head, texts)
        }

        /// The entry a whole entry file's bytes hold for `path`, with its
        /// answers, its texts in memory; nil for any other bytes.
        static func decoded(_ bytes: [UInt8], path: String, generation: UInt64) -> (entry: Entry, answers: UInt64)? {
            bytes.withUnsafeBytes { decoded($0, path: path, generation: generation, fileSize: bytes.count, texts: nil) }
        }

        /// The answers of an entry file's header and where its head ends,
        /// when `buffer` (its first bytes) holds the header and the whole head
        /// of an entry of `generation` whose sizes add up to `fileSize`.
        static func header(_ buffer: UnsafeRawBufferPointer, generation: UInt64, fileSize: Int) -> (answers: UInt64, headEnd: Int)? {
            var reader = ByteReader(buffer)
            guard fileSize >= headerSize, reader.take(magic.count).map(Array.init) == magic, reader.uint32() == format,
                  reader.uint64() == generation, let answers = reader.uint64(), reader.take(stampSize) != nil,
                  let (head, texts) = sizes(buffer),
                  head <= UInt64(fileSize - headerSize), texts == UInt64(fileSize - headerSize) - head,
                  headerSize + Int(head) <= buffer.count else { return nil }
            return (answers, headerSize + Int(head))
        }

        /// The entry of `buffer`, the first bytes (at least the head) of an
        /// entry file of `fileSize` bytes: its texts are left in `texts`, or,
        /// without it, read from `buffer`, which then holds the whole file.
        static func decoded(_ buffer: UnsafeRawBufferPointer, path: String, generation: UInt64, fileSize: Int,
                            texts file: TextFile?) -> (entry: Entry, answers: UInt64)? {
            guard let (answers, headEnd) = header(buffer, generation: generation, fileSize: fileSize) else { return nil }
            let texts = fileSize - headEnd
            let source: ByteReader.Texts
            if let file {
                source = .file(file, base: headEnd, count: texts)
            } else {
                guard buffer.count == fileSize else { return nil }
                source = .bytes(UnsafeRawBufferPointer(rebasing: buffer[headEnd...]))
            }
            var body = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[headerSize..<headEnd]), texts: source)
            guard body.string() == path, let entry = try? body.read(Entry.self), body.isAtEnd else { return nil }
            return (entry, answers)
        }

        /// The whole file of an entry, its long texts set apart after its head.
        static func encoded(_ entry: Entry, path: String, generation: UInt64, answers: UInt64, stamp: SourceStamp? = nil) -> [UInt8] {
            var head = ByteWriter()
            head.texts = []
            head.bytes.reserveCapacity(4096)
            head.texts?.reserveCapacity(16_384)
            head.append(path)
            head.write(entry)
            let texts = head.texts ?? []
            var writer = ByteWriter()
            writer.bytes.reserveCapacity(headerSize + head.bytes.count + texts.count)
            writer.bytes += magic
            writer.append(format)
            writer.append(generation)
            writer.append(answers)
            writer.bytes += stampBytes(stamp)
            writer.append(UInt64(head.bytes.count))
            writer.append(UInt64(texts.count))
            writer.bytes += head.bytes
            writer.bytes += texts
            return writer.bytes
        }

        /// Creates the folder, for `keep`.
        func prepare() {
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        /// Writes the entry of the postmortem at `path`, whose links' reads of
        /// the index got `answers` and whose file had `stamp` before its bytes
        /// were read, and returns it with its texts left in the file written;
        /// the entry as it was when the file cannot be written (no failure: the
        /// next build loads that file again).
        func keep(_ entry: Entry, path: String, answers: UInt64, stamp: SourceStamp? = nil) -> Entry {
            let bytes = Self.encoded(entry, path: path, generation: generation, answers: answers, stamp: stamp)
            let location = file(of: path)
            guard (try? FileIO.replace(bytes, at: location)) != nil else { return entry }
            let text = TextFile(path: location, failures: failures)
            return bytes.withUnsafeBytes {
                Self.decoded($0, path: path, generation: generation, fileSize: bytes.count, texts: text)?.entry
            } ?? entry
        }

        /// Removes the files of postmortems that are gone.
        func removeAllBut(_ paths: [String]) {
            let kept = Set(paths.map(name(of:)))
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folderPath)) ?? [] where !kept.contains(name) {
                unlink(folderPath + "/" + name)
            }
        }
    }
}
