/// The page of every cause, category, service and tag, decided once per
/// build so every link to it agrees. Two names that make the same file name
/// (`admin panel` and `admin-panel`, `DB` and `db` on a case-insensitive
/// disk) get different pages: the first in sorted order keeps the plain
/// name, the next ones get `-2`, `-3`…; nothing overwrites anything.
struct PageNames: Sendable, Equatable {
    enum Kind: String, CaseIterable, Sendable {
        case causes, categories, services, tags
    }

    private var paths: [Kind: [String: String]] = [:]

    init() {}

    init(_ postmortems: [Postmortem]) {
        // One pass, no list of every value made first (a third of a one-edit rebuild's work here).
        var causes: Set<String> = [], categories: Set<String> = [], services: Set<String> = [], tags: Set<String> = []
        for postmortem in postmortems {
            for cause in postmortem.causes {
                causes.insert(cause.key)
                if let category = cause.category { categories.insert(category) }
            }
            for service in postmortem.services { services.insert(service) }
            for tag in postmortem.tags { tags.insert(tag) }
        }
        let names: [Kind: Set<String>] = [.causes: causes, .categories: categories, .services: services, .tags: tags]
        for kind in Kind.allCases {
            var used: Set<String> = []
            var table: [String: String] = [:]
            for name in (names[kind] ?? []).sortedByUTF8() where !name.isEmpty {
                let base = SitePaths.fileName(name)
                var candidate = base
                var number = 2
                while used.contains(candidate.lowercased()) {
                    candidate = "\(base)-\(number)"
                    number += 1
                }
                used.insert(candidate.lowercased())
                table[name] = "\(kind.rawValue)/\(candidate).html"
            }
            paths[kind] = table
        }
    }

    /// The names of `postmortems`' values, or, with `memo`, the last
    /// build's while every postmortem's outward fields (which hold every
    /// value named here) are the same, in the same order: naming the values
    /// hashed 55,000 of them at 10,000 postmortems, the longest lane of a
    /// rebuild's set-up.
    static func of(_ postmortems: [Postmortem], memo: DigestMemo?) -> PageNames {
        guard let memo, !postmortems.contains(where: { $0.outward == 0 }) else {
            memo?.leave()
            return PageNames(postmortems)
        }
        defer { memo.finish() }
        let key = StableHasher.digest { hasher in
            hasher.combine("page names")
            hasher.combine(postmortems.count)
            for postmortem in postmortems { hasher.combine(postmortem.outward) }
        }
        return memo.value(for: key) { PageNames(postmortems) }
    }

    /// The page of `name`, relative to the site root.
    func path(_ kind: Kind, _ name: String) -> String {
        paths[kind]?[name] ?? "\(kind.rawValue)/\(SitePaths.fileName(name)).html"
    }
}

extension PageNames: ByteCodable {
    /// Each kind's names and paths, in the UTF-8 order of the names.
    func write(to writer: inout ByteWriter) {
        for kind in Kind.allCases {
            let table = (paths[kind] ?? [:]).sorted { $0.key.utf8Precedes($1.key) }
            writer.write(table.map(\.key))
            writer.write(table.map(\.value))
        }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self.init()
        for kind in Kind.allCases {
            let names: [String] = try reader.read(), paths: [String] = try reader.read()
            guard names.count == paths.count else { throw ByteReader.Malformed() }
            var table: [String: String] = [:]
            table.reserveCapacity(names.count)
            for (name, path) in zip(names, paths) { table[name] = path }
            guard table.count == names.count else { throw ByteReader.Malformed() }
            self.paths[kind] = table
        }
    }
}
