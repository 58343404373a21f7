/// The page of every cause, category, service and tag, decided once per
/// build so every link to it agrees. Two names that make the same file name
/// (`admin panel` and `admin-panel`, `DB` and `db` on a case-insensitive
/// disk) get different pages: the first in sorted order keeps the plain
/// name, the next ones get `-2`, `-3`…; nothing overwrites anything.
struct PageNames: Sendable {
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

    /// The page of `name`, relative to the site root.
    func path(_ kind: Kind, _ name: String) -> String {
        paths[kind]?[name] ?? "\(kind.rawValue)/\(SitePaths.fileName(name)).html"
    }
}
