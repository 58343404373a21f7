import Foundation

/// The recurrences of the last build, kept (`DigestMemos.recurrences`, one
/// value) under a digest of everything `analyze` reads: each postmortem's
/// id, start, cause keys and promised items, and the time zone. An edit
/// that changes none of them (a body, a title, an impact) reads them back
/// instead of analysing every incident again.
extension RecurrenceAnalysis {
    /// The recurrences of `postmortems`, from `memo` when the last build
    /// analysed the same input: checked whole, then each incident's read
    /// when asked for (`Recurrences`), so a rebuild that renders one page
    /// reads one.
    static func analyze(_ postmortems: [Postmortem], timeZone: TimeZone, memo: DigestMemo?) -> Recurrences {
        guard let memo else { return Recurrences(made: analyze(postmortems, timeZone: timeZone)) }
        defer { memo.finish() }
        let key = inputKey(postmortems, timeZone: timeZone)
        if let kept = memo.bytes(for: key).flatMap({ try? Recurrences.Kept($0, postmortems) }) {
            return Recurrences(kept: kept)
        }
        let made = analyze(postmortems, timeZone: timeZone)
        memo.keep(key) { write(made, postmortems, to: &$0) }
        return Recurrences(made: made)
    }

    /// A digest of what `analyze` reads of `postmortems` (in their order) and the time zone.
    static func inputKey(_ postmortems: [Postmortem], timeZone: TimeZone) -> UInt64 {
        let digests = Parallel.map(postmortems, minimumChunk: 512) { p in
            let kept = p.analysisDigests.recurrence
            return kept != 0 ? kept : digest(of: p)
        }
        return StableHasher.digest { hasher in
            hasher.combine(timeZone.identifier)
            hasher.combine(timeZone.secondsFromGMT())
            hasher.combine(digests.count)
            for digest in digests { hasher.combine(digest) }
        }
    }

    /// A digest of what `analyze` reads of one postmortem (`Postmortem.AnalysisDigests`).
    static func digest(of p: Postmortem) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(p.id)
            hasher.combine(p.milestones.startedAt.map(\.timeIntervalSinceReferenceDate) ?? .nan)
            hasher.combine(p.date?.number ?? -1)
            hasher.combine(p.causes.count)
            for cause in p.causes {
                hasher.combine(cause.key)
                hasher.combine(cause.keyIsDerived && cause.summary == nil)
            }
            hasher.combine(p.recurrenceFix.count)
            for item in p.recurrenceFix { item.combine(into: &hasher) }
        }
    }

    /// For each position: 0 when it has no recurrence of its own, else 1 and
    /// its recurrence, incidents as positions and pending items as (position, item number).
    static func write(_ result: [String: Recurrence], _ postmortems: [Postmortem], to writer: inout ByteWriter) {
        let positions = Postmortem.firstPositions(postmortems)
        func ids(_ list: [String]) {
            writer.append(UInt32(list.count))
            for id in list { writer.append(UInt32(positions[id] ?? Int(UInt32.max))) }
        }
        for (offset, p) in postmortems.enumerated() {
            guard positions[p.id] == offset, let recurrence = result[p.id] else {
                writer.bytes.append(0)
                continue
            }
            writer.bytes.append(1)
            ids(recurrence.recurrenceOf)
            writer.append(UInt64(recurrence.recurrenceOfCount))
            ids(recurrence.recurredBy)
            writer.append(UInt64(recurrence.recurredByCount))
            let verdict: UInt8 = switch recurrence.verdict { case nil: 0; case .escaped: 1; case .pending: 2 }
            writer.bytes.append(verdict)
            writer.append(UInt32(recurrence.pendingItems.count))
            for pending in recurrence.pendingItems {
                let owner = positions[pending.id]
                writer.append(UInt32(owner ?? Int(UInt32.max)))
                let number = owner.flatMap { postmortems[$0].recurrenceFix.firstIndex(of: pending.item) }
                writer.append(UInt32(number ?? Int(UInt32.max)))
            }
            writer.append(UInt64(recurrence.pendingCount))
        }
    }

    /// The recurrence `write` wrote at the reader (after its byte 1), for
    /// the same postmortems; malformed when a position or item is not theirs.
    /// Not `making`, it is only checked and read past: an empty recurrence,
    /// no list made.
    static func readOne(_ reader: inout ByteReader, _ postmortems: [Postmortem],
                        making: Bool = true) throws(ByteReader.Malformed) -> Recurrence {
        func position() throws(ByteReader.Malformed) -> Int {
            let value = Int(try ByteReader.need(reader.uint32()))
            guard value < postmortems.count else { throw ByteReader.Malformed() }
            return value
        }
        func ids() throws(ByteReader.Malformed) -> [String] {
            let count = Int(try ByteReader.need(reader.uint32()))
            guard count * 4 <= reader.remaining else { throw ByteReader.Malformed() }
            var ids: [String] = []
            if making { ids.reserveCapacity(count) }
            for _ in 0..<count {
                let id = postmortems[try position()].id
                if making { ids.append(id) }
            }
            return ids
        }
        func count() throws(ByteReader.Malformed) -> Int {
            let value = try ByteReader.need(reader.uint64())
            guard value <= UInt64(postmortems.count) * UInt64(max(1, postmortems.count)) else { throw ByteReader.Malformed() }
            return Int(value)
        }
        var recurrence = Recurrence()
        recurrence.recurrenceOf = try ids()
        recurrence.recurrenceOfCount = try count()
        recurrence.recurredBy = try ids()
        recurrence.recurredByCount = try count()
        switch try ByteReader.need(reader.byte()) {
        case 0: recurrence.verdict = nil
        case 1: recurrence.verdict = .escaped
        case 2: recurrence.verdict = .pending
        default: throw ByteReader.Malformed()
        }
        let pending = Int(try ByteReader.need(reader.uint32()))
        guard pending * 8 <= reader.remaining else { throw ByteReader.Malformed() }
        for _ in 0..<pending {
            let owner = postmortems[try position()]
            let number = Int(try ByteReader.need(reader.uint32()))
            guard number < owner.recurrenceFix.count else { throw ByteReader.Malformed() }
            if making { recurrence.pendingItems.append(Recurrence.PendingItem(owner: owner, number: number)) }
        }
        recurrence.pendingCount = try count()
        return recurrence
    }
}

/// Every incident's recurrence, by id (the first postmortem of an id):
/// made by this build, or kept by the last one, each read when asked for.
struct Recurrences: Sendable {
    private let made: [String: Recurrence]?
    private let kept: Kept?

    init(made: [String: Recurrence]) {
        self.made = made
        kept = nil
    }

    init(kept: Kept) {
        made = nil
        self.kept = kept
    }

    /// The recurrence of the postmortem `id`; nil when it has none.
    subscript(id: String) -> Recurrence? {
        if let made { return made[id] }
        return kept?.recurrence(of: id)
    }

    /// Every recurrence, by id: a page of the overview reads most of them.
    var all: [String: Recurrence] { made ?? kept?.all ?? [:] }

    /// The memo's value of the last build, for the same postmortems in the
    /// same order, checked whole when read (a position or item not theirs
    /// makes it none), each recurrence decoded when asked for.
    final class Kept: Sendable {
        let bytes: [UInt8]
        let postmortems: [Postmortem]
        /// Position → where its recurrence starts in `bytes` (after its byte 1), -1 for none.
        let starts: [Int32]
        private let positions: Once<[String: Int]>

        init(_ bytes: [UInt8], _ postmortems: [Postmortem]) throws(ByteReader.Malformed) {
            guard bytes.count < Int(Int32.max) else { throw ByteReader.Malformed() }
            var starts = [Int32](repeating: -1, count: postmortems.count)
            let whole = bytes.withUnsafeBytes { buffer -> Bool in
                var reader = ByteReader(buffer)
                for position in postmortems.indices {
                    guard let byte = reader.byte() else { return false }
                    guard byte == 1 else { continue }
                    starts[position] = Int32(buffer.count - reader.remaining)
                    guard (try? RecurrenceAnalysis.readOne(&reader, postmortems, making: false)) != nil else { return false }
                }
                return reader.isAtEnd
            }
            guard whole else { throw ByteReader.Malformed() }
            self.bytes = bytes
            self.postmortems = postmortems
            self.starts = starts
            positions = Once { Postmortem.firstPositions(postmortems) }
        }

        func recurrence(of id: String) -> Recurrence? {
            positions.value[id].flatMap(recurrence(at:))
        }

        /// The recurrence of the postmortem at `position`: checked when the value was read, so it reads.
        func recurrence(at position: Int) -> Recurrence? {
            let start = Int(starts[position])
            guard start >= 0 else { return nil }
            return bytes.withUnsafeBytes { buffer in
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[start...]))
                return try? RecurrenceAnalysis.readOne(&reader, postmortems)
            }
        }

        var all: [String: Recurrence] {
            var result: [String: Recurrence] = [:]
            for (position, p) in postmortems.enumerated() where starts[position] >= 0 && result[p.id] == nil {
                result[p.id] = recurrence(at: position)
            }
            return result
        }
    }
}
