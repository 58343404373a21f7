import Foundation
import Glibc

extension LoadCache {
    /// Every entry's head in two files beside the entries' folder, so that
    /// a build after an edit reads the heads of 10,000 unchanged postmortems
    /// from one open file instead of opening, reading and closing 10,000
    /// entry files (a quarter of its load stage):
    ///
    ///     load-heads.records:  "PMKB-RECORDS\n"  format: UInt32  id: UInt64
    ///                          the heads, one after another: each entry file's header and head, byte for byte
    ///     load-heads.table:    "PMKB-HEADS\n"  format: UInt32  generation: UInt64  records id: UInt64  count: UInt64
    ///                          count × (name: UInt64, offset: UInt64, length: UInt32, file size: UInt64, stamp: 5 × UInt64), in name order
    ///                          check: UInt64
    ///
    /// A name is the digest of the postmortem's path (`Folder.name(of:)`),
    /// the offset is in the records file, the file size is the entry file's,
    /// whose texts stay there (`BodyText`), and the stamp is the one the
    /// entry file has (the one `restamp` gives it). The check is the digest
    /// of the table's entries: a table whose bytes changed reads as none, and
    /// so does one of another records file (its id).
    ///
    /// Records are only ever appended: a build after an edit appends the
    /// edited postmortem's head and writes a new table (700 KB at 10,000)
    /// in place of the old one; a records file that holds more heads no
    /// table names than heads one does is written anew, with those only.
    /// The table is written by `store`, after every entry file of the
    /// build, from what the build used: the heads it took from the records,
    /// and the heads of the entry files it wrote or read, read back from
    /// them and checked to be the entries the build kept. Every head read
    /// from the records is checked as an entry file's is (its path,
    /// generation and, against its file, its stamp or its digest; then the
    /// answers of its links), and one that is not taken is looked for in
    /// its entry's own file, so a table left behind by a build that stopped
    /// midway never makes a build take an entry the files do not hold. A
    /// head whose entry file lost or changed its texts is found when a page
    /// reads them: the build removes that entry and the table
    /// (`requireEveryTextRead`) and runs again (`Build.run`).
    final class Heads: @unchecked Sendable {
        static let tableMagic = Array("PMKB-HEADS\n".utf8)
        static let recordsMagic = Array("PMKB-RECORDS\n".utf8)
        static let format: UInt32 = 1
        static let tableHeaderSize = tableMagic.count + 4 + 8 * 3
        static let recordsHeaderSize = recordsMagic.count + 4 + 8
        static let slotSize = 8 + 8 + 4 + 8 + Folder.stampSize
        /// Heads gathered before they are written.
        static let chunk = 1 << 20

        /// Where a head is in the records file.
        struct Record: Sendable {
            var offset: Int
            /// Of the entry file's header and head.
            var length: Int
            var fileSize: Int
            var stamp: SourceStamp?
            /// Its place in the table.
            var slot: Int
        }

        /// The records file, open, and its size then.
        private let records: Int32
        let recordsSize: Int
        var isMapped: Bool { mapped != nil }
        /// The records file mapped, read-only, when it is at most
        /// `mappedLimit` bytes (35 MB at 10,000 postmortems): each head is
        /// decoded where it lies, which took 10,000 `pread`s and as many
        /// copies, a fifth of a one-edit rebuild's front matter step. A larger
        /// one (350 MB at 100,000), which mapped would be held at the load
        /// stage's peak, is read a head at a time. No build ever shortens a
        /// records file (heads are appended to it, or a new one is renamed
        /// over it), so no page of the mapping goes missing while it is read.
        private let mapped: UnsafeRawBufferPointer?
        static let mappedLimit = 128 << 20
        /// The records file's id and inode: what a table and an appending build check.
        let recordsID: UInt64
        let recordsInode: UInt64
        /// The table's entries.
        private let table: [UInt8]
        let count: Int
        /// Which heads this build took (each slot is written by the one thread that decoded its path).
        private let taken: UnsafeMutableBufferPointer<Bool>

        /// The table at `tablePath` and the records file at `recordsPath`
        /// (open) when they are a table of `generation` and its records; nil
        /// otherwise. The records are mapped when they are at most `mappingUpTo` bytes.
        init?(table tablePath: String, records recordsPath: String, generation: UInt64, mappingUpTo limit: Int = mappedLimit) {
            guard let bytes = FileIO.read(tablePath), bytes.count >= Self.tableHeaderSize + 8 else { return nil }
            let parsed = bytes.withUnsafeBytes { buffer -> (id: UInt64, count: Int)? in
                var header = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[0..<Self.tableHeaderSize]))
                var trailer = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[(buffer.count - 8)...]))
                guard header.take(Self.tableMagic.count).map(Array.init) == Self.tableMagic, header.uint32() == Self.format,
                      header.uint64() == generation, let id = header.uint64(), let count = header.uint64(),
                      count <= UInt64(buffer.count / Self.slotSize),
                      UInt64(buffer.count - Self.tableHeaderSize - 8) == count * UInt64(Self.slotSize),
                      let check = trailer.uint64(),
                      BodyText.digest(UnsafeRawBufferPointer(rebasing: buffer[Self.tableHeaderSize..<(buffer.count - 8)])) == check
                else { return nil }
                return (id, Int(count))
            }
            guard let parsed else { return nil }
            let fd = open(recordsPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var info = stat()
            guard fstat(fd, &info) == 0, Int(info.st_size) >= Self.recordsHeaderSize,
                  let head = FileIO.read(fd, at: 0, count: Self.recordsHeaderSize),
                  head.withUnsafeBytes({ head in
                      var header = ByteReader(head)
                      return header.take(Self.recordsMagic.count).map(Array.init) == Self.recordsMagic
                          && header.uint32() == Self.format && header.uint64() == parsed.id
                  }) else {
                close(fd)
                return nil
            }
            records = fd
            recordsSize = Int(info.st_size)
            mapped = Self.map(fd, size: recordsSize, limit: limit)
            recordsID = parsed.id
            recordsInode = UInt64(info.st_ino)
            table = Array(bytes[Self.tableHeaderSize..<(bytes.count - 8)])
            count = parsed.count
            taken = .allocate(capacity: parsed.count)
            taken.initialize(repeating: false)
        }

        deinit {
            if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), mapped.count) }
            close(records)
            taken.deallocate()
        }

        /// The file open as `fd`, of `size` bytes, mapped with its pages in
        /// (one call instead of a fault every few pages); nil when it is
        /// larger than `limit` or cannot be mapped.
        private static func map(_ fd: Int32, size: Int, limit: Int) -> UnsafeRawBufferPointer? {
            guard size > 0, size <= limit else { return nil }
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
            guard let address, address != MAP_FAILED else { return nil }
            return UnsafeRawBufferPointer(start: address, count: size)
        }

        /// The head of the entry named `name`, nil when the table has none (or not one inside the records).
        func record(_ name: UInt64) -> Record? {
            table.withUnsafeBytes { table -> Record? in
                func slotName(_ slot: Int) -> UInt64 {
                    UInt64(littleEndian: table.loadUnaligned(fromByteOffset: slot * Self.slotSize, as: UInt64.self))
                }
                var low = 0, high = count
                while low < high {
                    let middle = (low + high) / 2
                    if slotName(middle) < name { low = middle + 1 } else { high = middle }
                }
                guard low < count, slotName(low) == name else { return nil }
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: table[(low * Self.slotSize)..<((low + 1) * Self.slotSize)]))
                _ = reader.uint64()
                guard let offset = reader.uint64(), let length = reader.uint32(), let fileSize = reader.uint64(),
                      let stamp = reader.take(Folder.stampSize),
                      offset >= UInt64(Self.recordsHeaderSize), offset <= UInt64(recordsSize),
                      UInt64(length) <= UInt64(recordsSize) - offset, fileSize <= UInt64(Int.max) else { return nil }
                return Record(offset: Int(offset), length: Int(length), fileSize: Int(fileSize),
                              stamp: Folder.stamp(fields: stamp), slot: low)
            }
        }

        /// The entry file's header and head that `record` is; nil when they cannot be read.
        func bytes(of record: Record) -> [UInt8]? {
            mappedBytes(of: record).map(Array.init) ?? FileIO.read(records, at: record.offset, count: record.length)
        }

        /// `body` of the entry file's header and head that `record` is, where
        /// they lie in the mapped records, else read; nil when they cannot be read.
        func withBytes<Value>(of record: Record, _ body: (UnsafeRawBufferPointer) -> Value?) -> Value? {
            if let bytes = mappedBytes(of: record) { return body(bytes) }
            return FileIO.read(records, at: record.offset, count: record.length)?.withUnsafeBytes(body)
        }

        /// Where `record` lies in the mapped records; nil when they are not mapped.
        private func mappedBytes(of record: Record) -> UnsafeRawBufferPointer? {
            mapped.map { UnsafeRawBufferPointer(rebasing: $0[record.offset..<(record.offset + record.length)]) }
        }

        /// Notes that the build took `record`'s entry: `write` keeps its head.
        func take(_ record: Record) { taken[record.slot] = true }

        /// Whether the table names exactly `sortedNames`, in order.
        func names(are sortedNames: [UInt64]) -> Bool {
            guard sortedNames.count == count else { return false }
            return table.withUnsafeBytes { table in
                sortedNames.indices.allSatisfy { slot in
                    UInt64(littleEndian: table.loadUnaligned(fromByteOffset: slot * Self.slotSize, as: UInt64.self)) == sortedNames[slot]
                }
            }
        }

        /// How many heads the build took.
        var takenCount: Int { taken.count { $0 } }

        /// The head of `name` when the build took it.
        func taken(_ name: UInt64) -> Record? {
            record(name).flatMap { taken[$0.slot] ? $0 : nil }
        }

        /// One head as `write` keeps it: where it is in the records, or its bytes to be appended.
        struct Head {
            var name: UInt64
            /// In the records of the last table (appending), else nil and `bytes`.
            var offset: Int?
            var bytes: [UInt8]
            var length: Int
            var fileSize: Int
            var stamp: SourceStamp?
        }

        /// The table and records of the heads of `entries` (those whose entry
        /// files hold them): the records appended to `previous`'s while those
        /// are mostly heads of this table, else written anew.
        static func write(_ entries: [Stored], names: [UInt64], previous: Heads?, folder: Folder, table tablePath: String,
                          records recordsPath: String) {
            // By index, not over `zip(entries, names)`: a copy of each entry retains all it holds.
            let kept = entries.indices.map { index in entries[index].reuse != .none ? previous?.taken(names[index]) : nil }
            let live = kept.reduce(0) { $0 + ($1?.length ?? 0) }
            var appending = false
            var fd: Int32 = -1
            var id = UInt64.random(in: 1...UInt64.max)
            let temporary = recordsPath + ".tmp\(getpid())"
            if let previous, previous.recordsSize - recordsHeaderSize - live <= max(live, 8 << 20) {
                fd = open(recordsPath, O_WRONLY | O_APPEND | O_CLOEXEC)
                var info = stat()
                if fd >= 0, fstat(fd, &info) == 0, UInt64(info.st_ino) == previous.recordsInode {
                    appending = true
                    id = previous.recordsID
                } else if fd >= 0 {
                    close(fd)
                    fd = -1
                }
            }
            if !appending {
                fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard fd >= 0 else { return }
            }
            defer { close(fd) }
            var pending = ByteWriter()
            pending.bytes.reserveCapacity(chunk + 16_384)
            if !appending {
                pending.bytes += recordsMagic
                pending.append(format)
                pending.append(id)
            }
            // Heads waiting in `pending`: their slots and where they start in it.
            var waiting: [(slot: Int, at: Int)] = []
            var slots: [(name: UInt64, offset: Int, length: Int, fileSize: Int, stamp: SourceStamp?)] = []
            slots.reserveCapacity(entries.count)
            var failed = false
            func flush() {
                guard !failed, !pending.bytes.isEmpty else { return }
                // One write: appended whole after whatever another build appended meanwhile, and where it ended says where it began.
                let count = pending.bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                let end = lseek(fd, 0, SEEK_CUR)
                guard count == pending.bytes.count, end >= off_t(count) else { return failed = true }
                let start = Int(end) - count
                for (slot, at) in waiting { slots[slot].offset = start + at }
                waiting.removeAll(keepingCapacity: true)
                pending.bytes.removeAll(keepingCapacity: true)
            }
            // A run at a time, so that a full build's heads are never all in memory.
            let run = 2_048, isAppending = appending
            for first in stride(from: 0, to: entries.count, by: run) {
                let range = first..<min(entries.count, first + run)
                let heads = Parallel.map(Array(range), minimumChunk: 64) { index -> Head? in
                    let name = names[index]
                    if let record = kept[index], let previous {
                        let stamp = entries[index].reuse == .byDigest ? entries[index].stamp : record.stamp
                        if isAppending {
                            return Head(name: name, offset: record.offset, bytes: [], length: record.length, fileSize: record.fileSize,
                                        stamp: stamp)
                        }
                        if let bytes = previous.bytes(of: record) {
                            return Head(name: name, offset: nil, bytes: bytes, length: bytes.count, fileSize: record.fileSize, stamp: stamp)
                        }
                    }
                    return folder.head(of: entries[index], name: name)
                }
                for case let head? in heads {
                    slots.append((head.name, head.offset ?? 0, head.length, head.fileSize, head.stamp))
                    if head.offset == nil {
                        waiting.append((slots.count - 1, pending.bytes.count))
                        pending.bytes += head.bytes
                        if pending.bytes.count >= chunk { flush() }
                    }
                }
            }
            flush()
            guard !failed else {
                if !appending { unlink(temporary) }
                return
            }
            if !appending, rename(temporary, recordsPath) != 0 {
                unlink(temporary)
                return
            }
            slots.sort { $0.name < $1.name }
            var table = ByteWriter()
            table.bytes.reserveCapacity(tableHeaderSize + slots.count * slotSize + 8)
            table.bytes += tableMagic
            table.append(format)
            table.append(folder.generation)
            table.append(id)
            table.append(UInt64(slots.count))
            for slot in slots {
                table.append(slot.name)
                table.append(UInt64(slot.offset))
                table.append(UInt32(clamping: slot.length))
                table.append(UInt64(slot.fileSize))
                table.bytes += Folder.stampBytes(slot.stamp)
            }
            let check = table.bytes.withUnsafeBytes { BodyText.digest(UnsafeRawBufferPointer(rebasing: $0[tableHeaderSize...])) }
            table.append(check)
            try? FileIO.replace(table.bytes, at: tablePath)
        }
    }
}

extension LoadCache.Folder {
    /// The digest a postmortem's path is named by (`name(of:)`, the heads table's names).
    static func digest(of path: String) -> UInt64 {
        StableHasher.digest { $0.combine(path) }
    }

    /// The header and head of `item`'s entry file, read back, when the file
    /// holds the entry the build kept (its path, this generation, its bytes'
    /// digest and its links' answers), with the stamp the file has.
    func head(of item: LoadCache.Stored, name: UInt64) -> LoadCache.Heads.Head? {
        guard let (bytes, fileSize) = Self.firstBytes(at: folderPath + "/" + StableHasher.hex(name)) else { return nil }
        return bytes.withUnsafeBytes { buffer -> LoadCache.Heads.Head? in
            guard let (answers, headEnd) = Self.header(buffer, generation: generation, fileSize: fileSize),
                  answers == item.answers else { return nil }
            // The head begins with the path, then the entry's digest.
            var body = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[Self.headerSize..<headEnd]))
            guard body.string() == item.path, (try? body.read(UInt64.self)) == item.entry.digest else { return nil }
            return LoadCache.Heads.Head(name: name, offset: nil, bytes: Array(buffer[..<headEnd]), length: headEnd,
                                        fileSize: fileSize, stamp: Self.stamp(buffer))
        }
    }
}
