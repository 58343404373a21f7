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

    /// One reference, shared with the other pages that list it (a `Postmortem` shares its fields).
    public var postmortem: Postmortem
    /// In the order of `Reason.allCases`, each once.
    public var reasons: [Reason]
    /// What the two have in common too (a shared cause key: a recurrence the author linked).
    public var shared: Similarity

    public var id: String { postmortem.id }

    public init(postmortem: Postmortem, reasons: [Reason], shared: Similarity) {
        self.postmortem = postmortem
        self.reasons = reasons
        self.shared = shared
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.postmortem == b.postmortem && a.reasons == b.reasons && a.shared == b.shared
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(postmortem)
        hasher.combine(reasons)
        hasher.combine(shared)
    }
}

/// A postmortem that looks like another one, and what they share.
public struct SimilarIncident: Sendable, Hashable {
    /// One reference, shared with the other pages that list it (a `Postmortem` shares its fields).
    public var postmortem: Postmortem
    public var shared: Similarity

    public var id: String { postmortem.id }
    public var score: Int { shared.score }

    public init(postmortem: Postmortem, shared: Similarity) {
        self.postmortem = postmortem
        self.shared = shared
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.postmortem == b.postmortem && a.shared == b.shared
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(postmortem)
        hasher.combine(shared)
    }
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

    /// The cosine as pages show it, a whole percentage.
    public var textPercent: Int { Int((text * 100).rounded()) }

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
        index(postmortems, similarLimit: similarLimit, memos: nil).pages.all
    }

    /// `index`, with the last build's memos: the stories' terms and
    /// neighbours (`TextSimilarity.neighbours`), and the choices of the
    /// pages (`DigestMemos.relatedChoices`). What each page lists is a pure
    /// function of every postmortem's id, date, `related`, links, values and
    /// story neighbours: when none of them changed (an edit of a body outside
    /// its root cause and links), the last build's choices are read back
    /// and only described.
    /// With `memos`, also the digest of what the choices are made from
    /// (`inputKey`): while it is the same, so is every page's choice. Each
    /// page's choice is described when it is asked for (`Pages`): a rebuild
    /// that renders one page describes one.
    static func index(_ postmortems: [Postmortem], similarLimit: Int = defaultSimilarLimit,
                      memos: DigestMemos?) -> (pages: Pages, inputKey: UInt64?) {
        // Positions of the first postmortem of each id; later duplicates are left out.
        let position = Postmortem.firstPositions(postmortems)
        let isFirst = postmortems.indices.map { position[postmortems[$0].id] == $0 }
        let members = postmortems.indices.filter { isFirst[$0] }
        // Each postmortem's values, without repeats, in its own order (what likeness lists): made
        // for choosing; choices read back describe the few pages asked for from their postmortems.
        let allValues = Once { Parallel.map(postmortems, minimumChunk: 512) { Values($0) } }
        let textNeighbours = Profile.measure("analysis: text similarity") {
            TextSimilarity.lazyNeighbours(postmortems, memo: memos?.storyTerms, kept: memos?.storyNeighbours)
        }

        func chosen() -> [Choice] {
            choose(postmortems, members: members, position: position, isFirst: isFirst, values: allValues.value,
                   textNeighbours: textNeighbours.lists.value, similarLimit: similarLimit)
        }
        let key = memos.map { _ in inputKey(postmortems, stories: textNeighbours.key, similarLimit: similarLimit) }
        let choices = memos.map { memos in
            defer { memos.relatedChoices.finish() }
            return memos.relatedChoices.value(
                for: key ?? 0,
                read: { (reader: inout ByteReader) throws(ByteReader.Malformed) in
                    try Choice.read(&reader, count: members.count, positions: postmortems.count)
                },
                write: { Choice.write($0, to: &$1) }, make: chosen)
        } ?? chosen()

        var choiceOf = [Int32](repeating: -1, count: postmortems.count)
        for (number, member) in members.enumerated() { choiceOf[member] = Int32(number) }
        return (Pages(postmortems: postmortems, position: position, choiceOf: choiceOf, choices: choices, values: allValues.ifMade,
                      neighbours: textNeighbours.lists), key)
    }

    /// Every page's choice, described (the postmortems, the reasons, what is
    /// shared) when the page is asked for.
    struct Pages: Sendable {
        let postmortems: [Postmortem]
        /// Id → position of its first postmortem.
        let position: [String: Int]
        /// Position → its choice's number, -1 for a later postmortem of a repeated id.
        let choiceOf: [Int32]
        let choices: [Choice]
        /// Every postmortem's values, when they were made for choosing; else each page's are made when described.
        let values: [Values]?
        /// Decoded when a page is first described.
        let neighbours: Once<[[(index: Int, cosine: Double)]]>

        /// The page of the postmortem `id` (the first of that id); nil for an id no postmortem has.
        subscript(id: String) -> RelatedIncidents? {
            position[id].map(describe)
        }

        /// Every page, by id.
        var all: [String: RelatedIncidents] {
            let members = postmortems.indices.filter { choiceOf[$0] >= 0 }
            let pages = Parallel.map(members, minimumChunk: 256, describe)
            var result: [String: RelatedIncidents] = [:]
            result.reserveCapacity(members.count)
            for (member, page) in zip(members, pages) { result[postmortems[member].id] = page }
            return result
        }

        /// The page of the postmortem at `member`, the first of its id.
        func describe(_ member: Int) -> RelatedIncidents {
            let number = Int(choiceOf[member])
            guard number >= 0 else { return RelatedIncidents() }
            let choice = choices[number], neighbours = neighbours.value[member]
            /// What `member` shares with `other`, in full (lists of the shared values).
            func likeness(_ other: Int) -> Similarity {
                let mine = values?[member] ?? Values(postmortems[member]), theirs = values?[other] ?? Values(postmortems[other])
                // The cosine of the story, as a candidate's is (the first given; `other` is a member).
                let text = neighbours.first { $0.index == other }?.cosine ?? 0
                return Similarity(causeKeys: mine.causes.filter(theirs.causes.contains),
                                  categories: mine.categories.filter(theirs.categories.contains),
                                  services: mine.services.filter(theirs.services.contains),
                                  tags: mine.tags.filter(theirs.tags.contains), text: text)
            }
            let related = zip(choice.related, choice.reasons).map { other, reasons in
                RelatedIncident(postmortem: postmortems[Int(other)],
                                reasons: RelatedIncident.Reason.allCases.filter { reasons & Scratch.bit($0) != 0 },
                                shared: likeness(Int(other)))
            }
            let similar = choice.similar.map { SimilarIncident(postmortem: postmortems[Int($0)], shared: likeness(Int($0))) }
            return RelatedIncidents(related: related, similar: similar)
        }
    }

    /// What every member's page lists, in the order of `members`: backlinks and likenesses come from
    /// indexes by id and by value, so no page scans every other postmortem's fields.
    static func choose(_ postmortems: [Postmortem], members: [Int], position: [String: Int], isFirst: [Bool], values: [Values],
                       textNeighbours: [[(index: Int, cosine: Double)]], similarLimit: Int) -> [Choice] {
        // Each member's place in the site's order: comparing two is comparing two integers.
        var recency = [Int](repeating: Int.max, count: postmortems.count)
        for (rank, member) in Postmortem.newestFirst(postmortems, members: members).enumerated() {
            recency[member] = rank
        }
        // The values as numbers (what scoring compares), one numbering for each kind of value.
        var numbering = Numbering()
        let flat = FlatCodes(values.map { numbering.codes($0) }, numbering: numbering)
        // Who names whom: position → positions of the postmortems whose `related` or body names it.
        var namers = [[Int]](repeating: [], count: postmortems.count)
        // Positions by what they have (by code, all kinds in one number space), each postmortem once per value.
        var lists = [[Int]](repeating: [], count: flat.count)
        for member in members {
            let postmortem = postmortems[member]
            for id in unique(postmortem.related + postmortem.body.linkedPostmortems) {
                if let named = position[id] { namers[named].append(member) }
            }
            for index in flat.all(member) { lists[Int(flat.codes[index])].append(member) }
        }
        let (namedBy, byCode, rank) = (namers, lists, recency)

        // Pages in runs, each run with its own scratch (a mark, the reasons and the cosine for each
        // postmortem); each page's connections are independent of the others': computed on every core.
        let length = max(64, (members.count + runCount - 1) / runCount)
        let runs = stride(from: 0, to: members.count, by: length).map { members[$0..<min($0 + length, members.count)] }
        return Parallel.map(runs, minimumChunk: 1) { run -> [Choice] in
            var scratch = Scratch(count: postmortems.count, codes: flat.count)
            return run.map { member -> Choice in
                let postmortem = postmortems[member]
                scratch.start(member, codes: flat)
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
                for index in flat.all(member) {
                    for other in nearest(to: member, in: byCode[Int(flat.codes[index])], count: candidateWindow) { scratch.add(other) }
                }
                let related = scratch.touched.filter { scratch.reasons[$0] != 0 }.sorted { rank[$0] < rank[$1] }
                // Similar: the others with the most in common (the highest score, then the newest), leaving
                // out the related ones.
                var best = Best(limit: similarLimit)
                for other in scratch.touched where scratch.reasons[other] == 0 {
                    if let score = scratch.score(other, codes: flat) { best.offer(Best.Entry(score: score, rank: rank[other], position: other)) }
                }
                return Choice(related: related.map { Int32($0) }, reasons: related.map { scratch.reasons[$0] },
                              similar: best.sorted().map { Int32($0.position) })
            }
        }.flatMap { $0 }
    }

    /// A digest of everything `choose` reads: each postmortem's id, date,
    /// `related`, links and values, and the stories' key
    /// (`TextSimilarity.storiesKey`), of which every story's neighbours are
    /// a pure function (the limits are the tool's, whose stamp the memo's
    /// generation holds).
    static func inputKey(_ postmortems: [Postmortem], stories: UInt64, similarLimit: Int) -> UInt64 {
        let digests = Parallel.map(Array(postmortems.indices), minimumChunk: 512) { index in
            let p = postmortems[index]
            return StableHasher.digest { hasher in
                // The id, date, `related`, causes, services and tags are outward fields: their digest holds them.
                hasher.combine(p.outwardKey)
                hasher.combine(p.body.linkedPostmortems)
            }
        }
        return StableHasher.digest { hasher in
            hasher.combine(similarLimit)
            hasher.combine(stories)
            hasher.combine(digests.count)
            for digest in digests { hasher.combine(digest) }
        }
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

    /// `values` without repeats, in their first order; empty values left out.
    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
