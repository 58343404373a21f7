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

    /// One page's working state, by position, reused from page to page: which
    /// postmortems it has met (`touched`, marked with the page's position), why
    /// each is related (a bit per reason) and the cosine of its story.
    struct Scratch {
        var mark: [Int]
        var reasons: [UInt8]
        var cosine: [Double]
        var touched: [Int] = []
        var member = -1

        init(count: Int) {
            mark = [Int](repeating: -1, count: count)
            reasons = [UInt8](repeating: 0, count: count)
            cosine = [Double](repeating: 0, count: count)
        }

        mutating func start(_ member: Int) {
            self.member = member
            touched.removeAll(keepingCapacity: true)
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
