/// What every incident page's job reads, held once for all of them: each
/// job holds this and its position, where it held its postmortem, its
/// neighbours, its path, its last key and the analyses (a dozen values to
/// retain, two closures each, 10,000 times on one core before the pages
/// began). The page paths are made on every core; the key each page gets
/// is kept by position, for the next build (`IncidentKeys`).
final class IncidentPages: @unchecked Sendable {
    let ordered: [Postmortem]
    /// The site path of each page, by position.
    let paths: [String]
    private let last: [IncidentKeys.Entry]?
    private let keys: PageKeys
    private let context: PageContext
    private let relations: RelatedIncidents.Pages
    private let recurrences: Recurrences
    private let byID: [String: Postmortem]
    /// The key each page got, by position; each written by the one worker of its page.
    private let made: UnsafeMutableBufferPointer<UInt64>

    init(ordered: [Postmortem], last: [IncidentKeys.Entry]?, keys: PageKeys, context: PageContext,
         relations: RelatedIncidents.Pages, recurrences: Recurrences, byID: [String: Postmortem]) {
        self.ordered = ordered
        paths = Parallel.map(ordered, minimumChunk: 512) { SitePaths.incidentPage(id: $0.id) }
        self.last = last.flatMap { $0.count == ordered.count ? $0 : nil }
        self.keys = keys
        self.context = context
        self.relations = relations
        self.recurrences = recurrences
        self.byID = byID
        made = .allocate(capacity: ordered.count)
        made.initialize(repeating: 0)
    }

    deinit { made.deallocate() }

    /// The key of the page at `position`: the last build's while its postmortem's revision is the
    /// same (the rest of what it shows is in the key the last keys were kept under).
    func key(_ position: Int) -> UInt64 {
        let postmortem = ordered[position]
        let key: UInt64
        if let last = last?[position], postmortem.revision != 0, last.revision == postmortem.revision {
            key = last.key
        } else {
            let (older, newer) = neighbours(position)
            key = keys.incident(paths[position], postmortem, previous: older, next: newer,
                                related: relations[postmortem.id] ?? RelatedIncidents(),
                                recurrence: recurrences[postmortem.id] ?? Recurrence())
        }
        made[position] = key
        return key
    }

    /// The view of the page at `position`.
    func view(_ position: Int) -> Any {
        let postmortem = ordered[position]
        let (older, newer) = neighbours(position)
        return context.incident(postmortem, previous: older, next: newer, related: relations[postmortem.id] ?? RelatedIncidents(),
                                recurrence: recurrences[postmortem.id] ?? Recurrence(), postmortemsByID: byID)
    }

    /// Each page's postmortem revision and key, once every page got its key; nil when one did not
    /// (a key of 0, one in 2^64, reads as none too: the next build makes the keys again).
    var entries: [IncidentKeys.Entry]? {
        guard !made.contains(0) else { return nil }
        return ordered.indices.map { IncidentKeys.Entry(revision: ordered[$0].revision, key: made[$0]) }
    }

    private func neighbours(_ position: Int) -> (older: Postmortem?, newer: Postmortem?) {
        (position + 1 < ordered.count ? ordered[position + 1] : nil, position > 0 ? ordered[position - 1] : nil)
    }
}
