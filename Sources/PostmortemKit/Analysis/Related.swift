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
        index(postmortems, similarLimit: similarLimit, memos: nil)
    }

    /// `index`, with the last build's memos of the stories' terms and neighbours (`TextSimilarity.neighbours`).
    static func index(_ postmortems: [Postmortem], similarLimit: Int = defaultSimilarLimit,
                      memos: DigestMemos?) -> [String: RelatedIncidents] {
        // Positions of the first postmortem of each id; later duplicates are left out.
        var firstPosition: [String: Int] = [:]
        for (offset, postmortem) in postmortems.enumerated() where firstPosition[postmortem.id] == nil {
            firstPosition[postmortem.id] = offset
        }
        let position = firstPosition
        let members = postmortems.indices.filter { position[postmortems[$0].id] == $0 }
        var isMember = [Bool](repeating: false, count: postmortems.count)
        for member in members { isMember[member] = true }
        // Each member's place in `newerFirst` order: comparing two is comparing two integers.
        var recency = [Int](repeating: Int.max, count: postmortems.count)
        for (rank, member) in members.sorted(by: { newerFirst(postmortems[$0], postmortems[$1]) }).enumerated() {
            recency[member] = rank
        }

        // Each postmortem's values, without repeats, in its own order (what likeness lists), and the
        // same values as numbers (what scoring compares), one numbering for each kind of value.
        let values = postmortems.map { Values($0) }
        var numbering = Numbering()
        let codes = values.map { numbering.codes($0) }
        // Who names whom: position → positions of the postmortems whose `related` or body names it.
        var namers = [[Int]](repeating: [], count: postmortems.count)
        // Positions by what they have, each postmortem once per value.
        var lists = Codes<[[Int]]>(causes: .init(repeating: [], count: numbering.causes.count),
                                   categories: .init(repeating: [], count: numbering.categories.count),
                                   services: .init(repeating: [], count: numbering.services.count),
                                   tags: .init(repeating: [], count: numbering.tags.count))
        for member in members {
            let postmortem = postmortems[member]
            for id in unique(postmortem.related + postmortem.body.linkedPostmortems) {
                if let named = position[id] { namers[named].append(member) }
            }
            let own = codes[member]
            for code in own.causes { lists.causes[Int(code)].append(member) }
            for code in own.categories { lists.categories[Int(code)].append(member) }
            for code in own.services { lists.services[Int(code)].append(member) }
            for code in own.tags { lists.tags[Int(code)].append(member) }
        }
        let (namedBy, byValue, isFirst, rank) = (namers, lists, isMember, recency)

        let textNeighbours = Profile.measure("analysis: text similarity") {
            TextSimilarity.neighbours(postmortems, memo: memos?.storyTerms, kept: memos?.storyNeighbours)
        }
        // Pages in runs, each run with its own scratch (a mark, the reasons and the cosine for each
        // postmortem); each page's connections are independent of the others': computed on every core.
        let length = max(64, (members.count + runCount - 1) / runCount)
        let runs = stride(from: 0, to: members.count, by: length).map { members[$0..<min($0 + length, members.count)] }
        let pages = Parallel.map(runs, minimumChunk: 1) { run -> [RelatedIncidents] in
            var scratch = Scratch(count: postmortems.count)
            return run.map { member -> RelatedIncidents in
                let postmortem = postmortems[member]
                scratch.start(member)
                // Related: what this one names, and what names it.
                func add(_ id: String, _ reason: RelatedIncident.Reason) {
                    if let other = position[id] { scratch.add(other, reason) }
                }
                for id in postmortem.related { add(id, .listed) }
                for id in postmortem.body.linkedPostmortems { add(id, .linkedFromText) }
                for other in namedBy[member] { scratch.add(other, .linksHere) }

                // Candidates: the related ones, the similar stories, and for each value this one has, the
                // postmortems with it that are nearest in the list (in time): bounded work for each page,
                // however many postmortems share a busy service or category.
                for (other, cosine) in textNeighbours[member] where isFirst[other] { scratch.add(other, cosine: cosine) }
                let own = codes[member]
                for (mine, index) in [(own.causes, byValue.causes), (own.categories, byValue.categories),
                                      (own.services, byValue.services), (own.tags, byValue.tags)] {
                    for code in mine {
                        for other in nearest(to: member, in: index[Int(code)], count: candidateWindow) { scratch.add(other) }
                    }
                }
                /// What `member` shares with `other`, in full (lists of the shared values).
                func likeness(_ other: Int) -> Similarity {
                    let mine = values[member], theirs = values[other]
                    return Similarity(causeKeys: mine.causes.filter(theirs.causes.contains),
                                      categories: mine.categories.filter(theirs.categories.contains),
                                      services: mine.services.filter(theirs.services.contains),
                                      tags: mine.tags.filter(theirs.tags.contains), text: scratch.cosine[other])
                }
                /// `likeness(other).score`, nil when they share nothing, without making the lists.
                func score(_ other: Int) -> Int? {
                    let theirs = codes[other]
                    let causes = own.causes.contains(where: theirs.causes.contains)
                    let categories = own.categories.contains(where: theirs.categories.contains)
                    let services = own.services.count(where: theirs.services.contains)
                    let tags = own.tags.count(where: theirs.tags.contains)
                    let text = scratch.cosine[other]
                    guard causes || categories || services > 0 || tags > 0 || text != 0 else { return nil }
                    return Similarity.score(causeKeys: causes, categories: categories, services: services, tags: tags, text: text)
                }

                let related = scratch.touched.filter { scratch.reasons[$0] != 0 }.sorted { rank[$0] < rank[$1] }.map { other in
                    RelatedIncident(postmortem: postmortems[other],
                                    reasons: RelatedIncident.Reason.allCases.filter { scratch.has(other, $0) },
                                    shared: likeness(other))
                }
                // Similar: the others with the most in common (the highest score, then the newest), leaving
                // out the related ones; only the chosen few get their shared values listed.
                var best = Best(limit: similarLimit)
                for other in scratch.touched where scratch.reasons[other] == 0 {
                    if let score = score(other) { best.offer(Best.Entry(score: score, rank: rank[other], position: other)) }
                }
                let similar = best.sorted().map { SimilarIncident(postmortem: postmortems[$0.position], shared: likeness($0.position)) }
                return RelatedIncidents(related: related, similar: similar)
            }
        }
        var result: [String: RelatedIncidents] = [:]
        result.reserveCapacity(members.count)
        for (member, page) in zip(members, pages.joined()) { result[postmortems[member].id] = page }
        return result
    }

    /// How many runs `index` cuts the pages into (each run allocates its scratch once).
    static let runCount = 64

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
