import Foundation

/// The incidents an incident page points to: the related ones (named in
/// `related` or linked from a body, in either direction) and the similar
/// ones (sharing a cause, a category, services or tags).
public struct RelatedIncidents: Sendable, Hashable {
    /// Related postmortems, newest first (undated last, then by id).
    public var related: [RelatedIncident]
    /// The most similar other postmortems, best first; none of them is in `related`.
    public var similar: [SimilarIncident]

    public init(related: [RelatedIncident] = [], similar: [SimilarIncident] = []) {
        self.related = related
        self.similar = similar
    }

    public var isEmpty: Bool { related.isEmpty && similar.isEmpty }
}

/// A postmortem connected to another one by its author.
public struct RelatedIncident: Sendable, Hashable {
    /// How the two are connected, as seen from the page that lists `postmortem`.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// This page's `related` names it.
        case listed
        /// This page's body links to it.
        case linkedFromText = "linked-from-text"
        /// It names this page in its `related`, or its body links here.
        case linksHere = "links-here"
    }

    public var postmortem: Postmortem
    /// In the order of `Reason.allCases`, each once.
    public var reasons: [Reason]
    /// What the two have in common too (a shared cause key: a recurrence the author linked).
    public var shared: Similarity

    public var id: String { postmortem.id }
}

/// A postmortem that looks like another one, and what they share.
public struct SimilarIncident: Sendable, Hashable {
    public var postmortem: Postmortem
    public var shared: Similarity

    public var id: String { postmortem.id }
    public var score: Int { shared.score }
}

/// What two postmortems have in common, each list in the order of the
/// postmortem whose page shows it.
public struct Similarity: Sendable, Hashable {
    /// Cause keys both have: the same cause happened again.
    public var causeKeys: [String] = []
    /// Cause categories both have.
    public var categories: [String] = []
    public var services: [String] = []
    public var tags: [String] = []
    /// The TF-IDF cosine of their stories (`TextSimilarity`), 0 below its threshold.
    public var text: Double = 0

    public init(causeKeys: [String] = [], categories: [String] = [], services: [String] = [], tags: [String] = [],
                text: Double = 0) {
        self.causeKeys = causeKeys
        self.categories = categories
        self.services = services
        self.tags = tags
        self.text = text
    }

    /// Points for each kind of likeness: a shared cause key counts most.
    public enum Weight {
        public static let causeKey = 5
        public static let category = 2
        public static let service = 1
        public static let tag = 1
        /// Points for a cosine of 1; a cosine of 0.5 weighs as much as a shared cause key.
        public static let text = 10.0
    }

    /// A shared cause key 5 and a shared category 2 (once each, however many),
    /// plus 1 for each shared service and each shared tag, plus ten times
    /// the cosine of their stories, rounded.
    public var score: Int {
        Self.score(causeKeys: !causeKeys.isEmpty, categories: !categories.isEmpty, services: services.count,
                   tags: tags.count, text: text)
    }

    /// The score from what is shared, counted.
    static func score(causeKeys: Bool, categories: Bool, services: Int, tags: Int, text: Double) -> Int {
        (causeKeys ? Weight.causeKey : 0) + (categories ? Weight.category : 0)
            + services * Weight.service + tags * Weight.tag + Int((text * Weight.text).rounded())
    }

    public var isEmpty: Bool { causeKeys.isEmpty && categories.isEmpty && services.isEmpty && tags.isEmpty && text == 0 }
}

extension RelatedIncidents {
    /// How many similar postmortems a page shows.
    public static let defaultSimilarLimit = 5

    /// The related and similar postmortems of every postmortem, by id (the
    /// first postmortem of an id when ids repeat), computed once for a build:
    /// backlinks and likenesses come from indexes by id, cause key, category,
    /// service and tag, so no page scans every other postmortem's fields.
    ///
    /// Similar postmortems are ranked by `Similarity.score`, then newest
    /// first (undated last), then by id; a postmortem never lists itself, and
    /// a related postmortem is not listed again as similar.
    public static func index(_ postmortems: [Postmortem], similarLimit: Int = defaultSimilarLimit) -> [String: RelatedIncidents] {
        // Positions of the first postmortem of each id; later duplicates are left out.
        var firstPosition: [String: Int] = [:]
        for (offset, postmortem) in postmortems.enumerated() where firstPosition[postmortem.id] == nil {
            firstPosition[postmortem.id] = offset
        }
        let position = firstPosition
        let members = postmortems.indices.filter { position[postmortems[$0].id] == $0 }

        // Who names whom: id → positions of the postmortems whose `related` or body names it.
        var namers: [String: [Int]] = [:]
        // Positions by what they have, each postmortem once per value.
        var causeLists: [String: [Int]] = [:], categoryLists: [String: [Int]] = [:]
        var serviceLists: [String: [Int]] = [:], tagLists: [String: [Int]] = [:]
        for member in members {
            let postmortem = postmortems[member]
            for id in unique(postmortem.related + postmortem.body.linkedPostmortems) { namers[id, default: []].append(member) }
            for key in unique(postmortem.causes.map(\.key)) { causeLists[key, default: []].append(member) }
            for category in unique(postmortem.causes.compactMap(\.category)) { categoryLists[category, default: []].append(member) }
            for service in unique(postmortem.services) { serviceLists[service, default: []].append(member) }
            for tag in unique(postmortem.tags) { tagLists[tag, default: []].append(member) }
        }
        let (namedBy, byCause, byCategory, byService, byTag) = (namers, causeLists, categoryLists, serviceLists, tagLists)

        let textNeighbours = Profile.measure("analysis: text similarity") { TextSimilarity.neighbours(postmortems) }
        // Each postmortem's values, without repeats, in its own order: what likeness compares.
        struct Values { var causes: [String], categories: [String], services: [String], tags: [String] }
        let values = postmortems.map { p in
            Values(causes: unique(p.causes.map(\.key)), categories: unique(p.causes.compactMap(\.category)),
                   services: unique(p.services), tags: unique(p.tags))
        }
        // Each page's connections are independent of the others': computed on every core.
        let pages = Parallel.map(members) { member -> RelatedIncidents in
            let postmortem = postmortems[member]
            // Related: what this one names, and what names it.
            var reasons: [Int: Set<RelatedIncident.Reason>] = [:]
            func add(_ id: String, _ reason: RelatedIncident.Reason) {
                guard let other = position[id], other != member else { return }
                reasons[other, default: []].insert(reason)
            }
            for id in postmortem.related { add(id, .listed) }
            for id in postmortem.body.linkedPostmortems { add(id, .linkedFromText) }
            for other in namedBy[postmortem.id] ?? [] { add(postmortems[other].id, .linksHere) }

            // Candidates: the related ones, the similar stories, and for each value this one has, the
            // postmortems with it that are nearest in the list (in time): bounded work for each page,
            // however many postmortems share a busy service or category.
            var candidates = Set(reasons.keys)
            let cosines = Dictionary(textNeighbours[member].filter { $0.index != member && position[postmortems[$0.index].id] == $0.index }
                .map { ($0.index, $0.cosine) }, uniquingKeysWith: { first, _ in first })
            candidates.formUnion(cosines.keys)
            let own = values[member]
            for (list, index) in [(own.causes, byCause), (own.categories, byCategory), (own.services, byService), (own.tags, byTag)] {
                for value in list { candidates.formUnion(nearest(to: member, in: index[value] ?? [], count: candidateWindow)) }
            }
            candidates.remove(member)
            /// What `member` shares with `other`, in full (lists of the shared values).
            func likeness(_ other: Int) -> Similarity {
                let theirs = values[other]
                return Similarity(causeKeys: own.causes.filter(theirs.causes.contains),
                                  categories: own.categories.filter(theirs.categories.contains),
                                  services: own.services.filter(theirs.services.contains),
                                  tags: own.tags.filter(theirs.tags.contains), text: cosines[other] ?? 0)
            }
            /// `likeness(other).score`, nil when they share nothing, without making the lists.
            func score(_ other: Int) -> Int? {
                let theirs = values[other]
                let causes = own.causes.contains(where: theirs.causes.contains)
                let categories = own.categories.contains(where: theirs.categories.contains)
                let services = own.services.count(where: theirs.services.contains)
                let tags = own.tags.count(where: theirs.tags.contains)
                let text = cosines[other] ?? 0
                guard causes || categories || services > 0 || tags > 0 || text != 0 else { return nil }
                return Similarity.score(causeKeys: causes, categories: categories, services: services, tags: tags, text: text)
            }

            let related = reasons.keys.sorted { newerFirst(postmortems[$0], postmortems[$1]) }.map { other in
                RelatedIncident(postmortem: postmortems[other],
                                reasons: RelatedIncident.Reason.allCases.filter { reasons[other]?.contains($0) == true },
                                shared: likeness(other))
            }
            // Similar: the others with the most in common, leaving out the related ones; only the
            // chosen few get their shared values listed.
            let scored = candidates.compactMap { other in reasons[other] == nil ? score(other).map { (other, $0) } : nil }
            let similar = scored.sorted { a, b in
                a.1 != b.1 ? a.1 > b.1 : newerFirst(postmortems[a.0], postmortems[b.0])
            }.prefix(max(0, similarLimit)).map { SimilarIncident(postmortem: postmortems[$0.0], shared: likeness($0.0)) }

            return RelatedIncidents(related: related, similar: similar)
        }
        var result: [String: RelatedIncidents] = [:]
        for (member, page) in zip(members, pages) { result[postmortems[member].id] = page }
        return result
    }

    /// How many postmortems with the same value a page considers: the nearest this many in the list.
    static let candidateWindow = 40

    /// The `count` entries of `list` (ascending positions) nearest to `member`'s place in it.
    static func nearest(to member: Int, in list: [Int], count: Int) -> ArraySlice<Int> {
        guard list.count > count else { return list[...] }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < member { low = middle + 1 } else { high = middle }
        }
        let start = min(max(0, low - count / 2), list.count - count)
        return list[start..<(start + count)]
    }

    /// Newest first, undated last, then by id (as the site lists incidents).
    static func newerFirst(_ a: Postmortem, _ b: Postmortem) -> Bool {
        switch (a.date, b.date) {
        case let (x?, y?) where x != y: return x > y
        case (nil, _?): return false
        case (_?, nil): return true
        default: return a.id.utf8Precedes(b.id)
        }
    }

    /// `values` without repeats, in their first order; empty values left out.
    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
