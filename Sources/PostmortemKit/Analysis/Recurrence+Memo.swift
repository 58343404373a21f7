import Foundation

/// The recurrences of the last build, kept (`DigestMemos.recurrences`, one
/// value) under a digest of everything `analyze` reads: each postmortem's
/// id, start, cause keys and promised items, and the time zone. An edit
/// that changes none of them (a body, a title, an impact) reads them back
/// instead of analysing every incident again.
extension RecurrenceAnalysis {
    static func analyze(_ postmortems: [Postmortem], timeZone: TimeZone, memo: DigestMemo?) -> [String: Recurrence] {
        guard let memo else { return analyze(postmortems, timeZone: timeZone) }
        defer { memo.finish() }
        return memo.value(for: inputKey(postmortems, timeZone: timeZone),
                          read: { (reader: inout ByteReader) throws(ByteReader.Malformed) in try read(&reader, postmortems) },
                          write: { write($0, postmortems, to: &$1) }, make: { analyze(postmortems, timeZone: timeZone) })
    }

    /// A digest of what `analyze` reads of `postmortems` (in their order) and the time zone.
    static func inputKey(_ postmortems: [Postmortem], timeZone: TimeZone) -> UInt64 {
        let digests = Parallel.map(postmortems, minimumChunk: 512) { p in
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
        return StableHasher.digest { hasher in
            hasher.combine(timeZone.identifier)
            hasher.combine(timeZone.secondsFromGMT())
            hasher.combine(digests.count)
            for digest in digests { hasher.combine(digest) }
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

    /// What `write` wrote, for the same postmortems; malformed when a position or item is not theirs.
    static func read(_ reader: inout ByteReader, _ postmortems: [Postmortem]) throws(ByteReader.Malformed) -> [String: Recurrence] {
        func position() throws(ByteReader.Malformed) -> Int {
            let value = Int(try ByteReader.need(reader.uint32()))
            guard value < postmortems.count else { throw ByteReader.Malformed() }
            return value
        }
        func ids() throws(ByteReader.Malformed) -> [String] {
            let count = Int(try ByteReader.need(reader.uint32()))
            guard count * 4 <= reader.remaining else { throw ByteReader.Malformed() }
            var ids: [String] = []
            ids.reserveCapacity(count)
            for _ in 0..<count { ids.append(postmortems[try position()].id) }
            return ids
        }
        func count() throws(ByteReader.Malformed) -> Int {
            let value = try ByteReader.need(reader.uint64())
            guard value <= UInt64(postmortems.count) * UInt64(max(1, postmortems.count)) else { throw ByteReader.Malformed() }
            return Int(value)
        }
        var result: [String: Recurrence] = [:]
        for p in postmortems {
            guard try ByteReader.need(reader.byte()) == 1 else { continue }
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
                recurrence.pendingItems.append(Recurrence.PendingItem(id: owner.id, item: owner.recurrenceFix[number]))
            }
            recurrence.pendingCount = try count()
            result[p.id] = recurrence
        }
        return result
    }
}
