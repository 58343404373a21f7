/// The overview of the site: the index, the cause, category, service and
/// tag pages and their rankings, the action items, the trends and
/// recurrences pages, and the files of rows and figures. None of them shows
/// a body's own parts (its HTML, text, sections or links), so all of them
/// are made of the postmortems' `outward` digests, in the site's order, and
/// what every page depends on (`RenderMemo.global`).
///
/// While that key is the last build's, and every file of that build's
/// overview is still as it left it, the build takes them as they are: it
/// neither groups the postmortems, lists their action items nor counts
/// their statistics, and computes no overview page's key. An edit of a
/// body (outside its inferred times, title and language) is such a build.
/// Should a file of the overview change between the check and its turn,
/// the build starts again and makes the overview (`SiteRenderer.OverviewChanged`).
enum Overview {
    /// A page of the overview (its template), or a data file (none), and the key it had.
    struct Entry: Sendable, Equatable {
        var path: String
        var template: String?
        var key: UInt64 = 0

        /// The entries in order, each its path, template ("" for a file) and key.
        static func write(_ entries: [Entry], to writer: inout ByteWriter) {
            writer.append(UInt32(entries.count))
            for entry in entries {
                writer.write(entry.path)
                writer.write(entry.template ?? "")
                writer.append(entry.key)
            }
        }

        static func read(_ reader: inout ByteReader) throws(ByteReader.Malformed) -> [Entry] {
            let count = Int(try ByteReader.need(reader.uint32()))
            guard count <= reader.remaining else { throw ByteReader.Malformed() }
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let path: String = try reader.read(), template: String = try reader.read()
                entries.append(Entry(path: path, template: template.isEmpty ? nil : template, key: try ByteReader.need(reader.uint64())))
            }
            return entries
        }
    }

    /// What the overview is made of: every postmortem's `outward` digest in
    /// the site's order, and `global`; nil when a postmortem's is unknown
    /// (one made other than by the load stage).
    static func key(_ ordered: [Postmortem], global: UInt64) -> UInt64? {
        guard !ordered.contains(where: { $0.outward == 0 }) else { return nil }
        return StableHasher.digest { hasher in
            hasher.combine(global)
            hasher.combine(ordered.count)
            for postmortem in ordered { hasher.combine(postmortem.outward) }
        }
    }

    /// The overview made for `key` (its entries with their keys), when the
    /// site in place has every one of its files, as made for the same key
    /// (the build record says) and as that build wrote it; else nil. A build
    /// that made an overview and then failed left the memo but not the
    /// record: its keys tell its files from those in place.
    static func kept<Sink: SiteSink>(for key: UInt64, memo: DigestMemo, keys: RenderMemo?,
                                     sink: MemoizedSink<Sink>) -> [Entry]? {
        guard let keys, let entries = memo.value(for: key, read: Entry.read) else { return nil }
        // 1,500 files at 10,000 postmortems, each a `stat`: on every core.
        let kept = Parallel.map(entries, minimumChunk: 128) { entry in
            keys.previousKey(entry.path) == entry.key && sink.hasPrevious(entry.path, key: entry.key)
        }
        return kept.allSatisfy { $0 } ? entries : nil
    }
}

/// The set-up of the overview's groups and action items (`SiteRenderer`).
struct OverviewGroups: Sendable {
    var groups: (causes: [Group], categories: [Group], services: [Group], tags: [Group])
    var actionItems: ActionItemLists
}

/// The statistics the overview's trends and recurrences show.
struct OverviewFigures: Sendable {
    var samples: [IncidentSample]
    var metrics: MetricsReport
    var quarterly: MetricsReport
}

/// The incident pages' keys of the last build (`DigestMemos.incidentKeys`).
/// An incident page's key (`PageKeys.incident`) is made of its own
/// postmortem's revision and of what the others show of themselves on it:
/// its neighbours' rows, its related and similar entries (what the related
/// choices are made from, `RelatedIncidents.inputKey`, and what the
/// postmortems share), its recurrences. All of those are made of the
/// overview's key and the related choices' key: while both are the same,
/// a page whose postmortem kept its revision has the key it had, and only
/// the edited postmortems' pages need a key made.
enum IncidentKeys {
    struct Entry: Sendable, Equatable {
        var revision: UInt64
        var key: UInt64
    }

    /// The key the entries are kept under; nil without both keys.
    static func key(overview: UInt64?, relations: UInt64?) -> UInt64? {
        guard let overview, let relations else { return nil }
        return StableHasher.digest { hasher in
            hasher.combine(overview)
            hasher.combine(relations)
        }
    }

    /// Each page's entry, in the site's order.
    static func write(_ entries: [Entry], to writer: inout ByteWriter) {
        writer.append(UInt32(entries.count))
        for entry in entries {
            writer.append(entry.revision)
            writer.append(entry.key)
        }
    }

    static func read(_ reader: inout ByteReader) throws(ByteReader.Malformed) -> [Entry] {
        let count = Int(try ByteReader.need(reader.uint32()))
        guard count * 16 <= reader.remaining else { throw ByteReader.Malformed() }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            entries.append(Entry(revision: try ByteReader.need(reader.uint64()), key: try ByteReader.need(reader.uint64())))
        }
        return entries
    }
}
