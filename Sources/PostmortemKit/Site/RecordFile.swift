/// A data file made of records between a head and a tail (the objects of
/// `data/incidents.json`, the rows of `data/incidents.csv`), each record's
/// bytes a pure function of its key. A build keeps where each record is
/// in the file it wrote (`State`, in `DigestMemos.recordFiles` under the
/// file's path); the next one copies the bytes of the records whose key it
/// had from that file, still in the last site, and makes only the others:
/// after one edit, one record of 10,000 is made. The previous file is used
/// only while it is byte for byte the one written (its digest is kept), so
/// the file is always what making every record gives.
enum RecordFile {
    /// Where each record of a written file is, by key.
    struct State: Equatable {
        /// `BodyText.digest` of the file's bytes.
        var file: UInt64
        var keys: [UInt64]
        /// Record `i` is `bytes[starts[i] ..< ends[i]]`.
        var starts: [UInt64]
        var ends: [UInt64]
    }

    /// Counts of the last `put`, for tests: records made, and copied from the last build's file.
    struct Counts: Equatable, Sendable {
        var made = 0, copied = 0
    }

    /// Puts at `path` the file `head`, the records (`separator` between two)
    /// and `tail`; record `i`'s bytes are `record(i)`, or the last build's
    /// bytes for `keys[i]`. `memo` keeps where the records are for the next build.
    @discardableResult
    static func put<Sink: SiteSink>(_ path: String, keys: [UInt64], head: [UInt8], separator: [UInt8] = [], tail: [UInt8] = [],
                                    memo: DigestMemo?, into sink: MemoizedSink<Sink>,
                                    record: (Int) -> [UInt8]) throws -> Counts {
        let name = StableHasher.digest { $0.combine(path) }
        // The last build's records, by key, while its file is still the one it wrote.
        var previous: (bytes: [UInt8], ranges: [UInt64: Range<Int>])?
        if let last = memo?.value(for: name, read: State.init(from:)),
           last.keys.count == last.starts.count, last.keys.count == last.ends.count,
           let bytes = sink.previous(path, key: last.file), bytes.withUnsafeBytes(BodyText.digest) == last.file {
            var ranges: [UInt64: Range<Int>] = [:]
            ranges.reserveCapacity(last.keys.count)
            for (index, key) in last.keys.enumerated() {
                let (start, end) = (Int(clamping: last.starts[index]), Int(clamping: last.ends[index]))
                guard start <= end, end <= bytes.count else { continue }
                ranges[key] = start..<end
            }
            previous = (bytes, ranges)
        }
        var counts = Counts()
        var out = head
        out.reserveCapacity(previous?.bytes.count ?? (head.count + 1_024 * keys.count))
        var starts: [UInt64] = [], ends: [UInt64] = []
        starts.reserveCapacity(keys.count)
        ends.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() {
            if index > 0 { out += separator }
            starts.append(UInt64(out.count))
            if let previous, let range = previous.ranges[key] {
                out += previous.bytes[range]
                counts.copied += 1
            } else {
                out += record(index)
                counts.made += 1
            }
            ends.append(UInt64(out.count))
        }
        out += tail
        let file = out.withUnsafeBytes(BodyText.digest)
        try sink.put(path, key: file, page: false) { out }
        memo?.keep(name) { State(file: file, keys: keys, starts: starts, ends: ends).write(to: &$0) }
        return counts
    }
}

extension RecordFile.State: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.append(file)
        writer.write(keys)
        writer.write(starts)
        writer.write(ends)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init(file: try reader.read(), keys: try reader.read(), starts: try reader.read(), ends: try reader.read())
    }
}
