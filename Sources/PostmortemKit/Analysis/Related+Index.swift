/// The working parts of `RelatedIncidents.index`.
extension RelatedIncidents {
    /// A postmortem's values, without repeats, in its own order; or their numbers.
    struct Codes<List: Sendable>: Sendable {
        var causes: List, categories: List, services: List, tags: List
    }
    typealias Values = Codes<[String]>

    /// A number for each value of each kind, in order of first sight.
    struct Numbering {
        var causes: [String: Int32] = [:], categories: [String: Int32] = [:]
        var services: [String: Int32] = [:], tags: [String: Int32] = [:]

        mutating func codes(_ values: Values) -> Codes<[Int32]> {
            func number(_ list: [String], _ numbers: inout [String: Int32]) -> [Int32] {
                list.map { value in
                    if let known = numbers[value] { return known }
                    let code = Int32(numbers.count)
                    numbers[value] = code
                    return code
                }
            }
            return Codes(causes: number(values.causes, &causes), categories: number(values.categories, &categories),
                         services: number(values.services, &services), tags: number(values.tags, &tags))
        }
    }

    /// What one page lists, by position: the related postmortems in order,
    /// each with its reasons (`Scratch.bit`s), and the similar ones, best
    /// first. `index` chooses them, then describes them (`Similarity`).
    struct Choice: Equatable {
        var related: [Int32]
        var reasons: [UInt8]
        var similar: [Int32]

        /// Each choice: the related count, then each one's position and reasons, the similar count, then each position.
        static func write(_ choices: [Choice], to writer: inout ByteWriter) {
            for choice in choices {
                writer.append(UInt32(choice.related.count))
                for (other, reasons) in zip(choice.related, choice.reasons) {
                    writer.append(UInt32(other))
                    writer.bytes.append(reasons)
                }
                writer.append(UInt32(choice.similar.count))
                for other in choice.similar { writer.append(UInt32(other)) }
            }
        }

        /// `count` choices as `write` wrote them, every position below `positions`.
        static func read(_ reader: inout ByteReader, count: Int, positions: Int) throws(ByteReader.Malformed) -> [Choice] {
            func position() throws(ByteReader.Malformed) -> Int32 {
                let value = try ByteReader.need(reader.uint32())
                guard Int(value) < positions else { throw ByteReader.Malformed() }
                return Int32(value)
            }
            var choices: [Choice] = []
            choices.reserveCapacity(count)
            for _ in 0..<count {
                var choice = Choice(related: [], reasons: [], similar: [])
                let related = Int(try ByteReader.need(reader.uint32()))
                guard related <= positions, related * 5 <= reader.remaining else { throw ByteReader.Malformed() }
                for _ in 0..<related {
                    choice.related.append(try position())
                    choice.reasons.append(try ByteReader.need(reader.byte()))
                }
                let similar = Int(try ByteReader.need(reader.uint32()))
                guard similar <= positions, similar * 4 <= reader.remaining else { throw ByteReader.Malformed() }
                for _ in 0..<similar { choice.similar.append(try position()) }
                choices.append(choice)
            }
            return choices
        }
    }

    /// Every postmortem's codes in one array, each kind's numbers shifted past the kinds
    /// before it (one number space for all four): position `p`'s codes of kind `k` (causes,
    /// categories, services, tags) are `codes[bounds[4p + k] ..< bounds[4p + k + 1]]`. Scoring a
    /// candidate reads integers in place, with no array of its own to retain.
    struct FlatCodes {
        static let kinds = 4
        private(set) var codes: [Int32] = []
        private(set) var bounds: [Int32] = [0]
        /// How many numbers there are, all kinds together.
        let count: Int

        init(_ lists: [Codes<[Int32]>], numbering: Numbering) {
            let shifts = [0, numbering.causes.count, numbering.categories.count, numbering.services.count]
                .reduce(into: [Int32]()) { $0.append(($0.last ?? 0) + Int32($1)) }
            count = Int(shifts[3]) + numbering.tags.count
            codes.reserveCapacity(lists.reduce(0) { $0 + $1.causes.count + $1.categories.count + $1.services.count + $1.tags.count })
            bounds.reserveCapacity(lists.count * Self.kinds + 1)
            for list in lists {
                for (kind, values) in [list.causes, list.categories, list.services, list.tags].enumerated() {
                    codes += values.lazy.map { $0 + shifts[kind] }
                    bounds.append(Int32(codes.count))
                }
            }
        }

        /// Where position `p`'s codes of kind `kind` are in `codes`.
        func range(_ p: Int, _ kind: Int) -> Range<Int> {
            Int(bounds[p &* Self.kinds &+ kind])..<Int(bounds[p &* Self.kinds &+ kind &+ 1])
        }

        /// All of position `p`'s codes.
        func all(_ p: Int) -> Range<Int> { Int(bounds[p &* Self.kinds])..<Int(bounds[(p &+ 1) &* Self.kinds]) }
    }

    /// One page's working state, by position, reused from page to page: which
    /// postmortems it has met (`touched`, marked with the page's position), why
    /// each is related (a bit per reason) and the cosine of its story.
    struct Scratch {
        var mark: [Int]
        var reasons: [UInt8]
        var cosine: [Double]
        var touched: [Int] = []
        var member = -1
        /// Which codes (`FlatCodes`) the page has: marked with the page's position.
        var owns: [Int]

        init(count: Int, codes: Int) {
            mark = [Int](repeating: -1, count: count)
            reasons = [UInt8](repeating: 0, count: count)
            cosine = [Double](repeating: 0, count: count)
            owns = [Int](repeating: -1, count: codes)
        }

        mutating func start(_ member: Int, codes: FlatCodes) {
            self.member = member
            touched.removeAll(keepingCapacity: true)
            for index in codes.all(member) { owns[Int(codes.codes[index])] = member }
        }

        /// `Similarity.score` of what the page shares with `other`, nil when they share nothing,
        /// from the codes alone (each list is without repeats: a count of `other`'s codes the
        /// page has is the count of the values both have).
        func score(_ other: Int, codes: FlatCodes) -> Int? {
            func shared(_ kind: Int) -> Int {
                var count = 0
                for index in codes.range(other, kind) where owns[Int(codes.codes[index])] == member { count &+= 1 }
                return count
            }
            let causes = shared(0) > 0, categories = shared(1) > 0, services = shared(2), tags = shared(3)
            let text = cosine[other]
            guard causes || categories || services > 0 || tags > 0 || text != 0 else { return nil }
            return Similarity.score(causeKeys: causes, categories: categories, services: services, tags: tags, text: text)
        }

        /// Meets `other` (never the page itself), once.
        mutating func add(_ other: Int) {
            guard other != member, mark[other] != member else { return }
            mark[other] = member
            reasons[other] = 0
            cosine[other] = 0
            touched.append(other)
        }

        mutating func add(_ other: Int, _ reason: RelatedIncident.Reason) {
            add(other)
            if other != member { reasons[other] |= Self.bit(reason) }
        }

        /// The cosine of `other`'s story (the first given wins).
        mutating func add(_ other: Int, cosine value: Double) {
            add(other)
            if other != member, cosine[other] == 0 { cosine[other] = value }
        }

        func has(_ other: Int, _ reason: RelatedIncident.Reason) -> Bool { reasons[other] & Self.bit(reason) != 0 }

        static func bit(_ reason: RelatedIncident.Reason) -> UInt8 {
            switch reason {
            case .listed: 1
            case .linkedFromText: 2
            case .linksHere: 4
            }
        }
    }

    /// The best `limit` entries offered (highest score, then lowest rank), kept in a heap whose
    /// root is the worst of them: choosing a few among many costs no sort of them all.
    struct Best {
        struct Entry {
            var score: Int, rank: Int, position: Int

            /// Whether `self` is shown before `other`.
            func precedes(_ other: Entry) -> Bool { score != other.score ? score > other.score : rank < other.rank }
        }

        let limit: Int
        var heap: [Entry] = []

        init(limit: Int) { self.limit = max(0, limit) }

        mutating func offer(_ entry: Entry) {
            if heap.count < limit {
                heap.append(entry)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard heap[parent].precedes(heap[child]) else { break }
                    heap.swapAt(child, parent)
                    child = parent
                }
            } else if let worst = heap.first, entry.precedes(worst) {
                heap[0] = entry
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var worse = parent
                    if left < heap.count, heap[worse].precedes(heap[left]) { worse = left }
                    if right < heap.count, heap[worse].precedes(heap[right]) { worse = right }
                    guard worse != parent else { break }
                    heap.swapAt(parent, worse)
                    parent = worse
                }
            }
        }

        /// The entries kept, best first.
        func sorted() -> [Entry] { heap.sorted { $0.precedes($1) } }
    }
}

extension RelatedIncidents.Codes where List == [String] {
    /// The values of `p` that likeness compares.
    init(_ p: Postmortem) {
        self.init(causes: RelatedIncidents.unique(p.causes.map(\.key)),
                  categories: RelatedIncidents.unique(p.causes.compactMap(\.category)),
                  services: RelatedIncidents.unique(p.services), tags: RelatedIncidents.unique(p.tags))
    }
}
