import Foundation

/// The index's table in pages: `index.html` holds the newest `pageSize`
/// rows (all a reader without JavaScript gets), and `data/index-rows.js`
/// every row in a compact form, from which `assets/filters.js` filters,
/// sorts and pages in the browser (a `<script>` tag, so from `file://` too).
/// Written only when there is more than one page.
///
/// Group pages (a cause, category, service or tag) page their tables the
/// same way: the newest `pageSize` rows in the page, every row in
/// `data/rows/<kind>/<name>.js` (`rowsFile(_:)`), only for groups of more
/// than `pageSize`; their rows link relative to the group's folder.
enum IndexRows {
    static let pageSize = 100
    /// The index's rows, relative to the site root.
    static let indexFile = "data/index-rows.js"

    /// The rows of a group's page, relative to the site root: `causes/x.html` → `data/rows/causes/x.js`.
    static func rowsFile(_ group: Group) -> String {
        "data/rows/" + (group.path.hasSuffix(".html") ? String(group.path.dropLast(5)) : group.path) + ".js"
    }

    /// One row: the values a cell shows and those the filters and sorting read.
    struct Row: Encodable {
        let row: IncidentRow
        let services: [Int]
        let category: Int?

        // [url, title, date, severity, severityClass, severityRank, services, category, ttr minutes,
        //  ttr text, inferred, status, statusRank, near miss, language when not the site's]; "" or -1 when unknown.
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            let facets = row.facets
            try c.encode(row.url)
            try c.encode(row.title)
            try c.encode(row.date ?? "")
            try c.encode(row.severity ?? "")
            try c.encode(row.severityClass ?? "")
            try c.encode(Int(facets["severityRank"] ?? "") ?? -1)
            try c.encode(services)
            try c.encode(category ?? -1)
            try c.encode(Int(facets["ttr"] ?? "") ?? -1)
            try c.encode(row.ttr ?? "")
            try c.encode(row.ttrInferred ? 1 : 0)
            try c.encode(row.status)
            try c.encode(Int(facets["statusRank"] ?? "") ?? -1)
            try c.encode(row.nearMiss ? 1 : 0)
            try c.encode(row.contentLang ?? "")
        }
    }

    struct Data: Encodable {
        let labels: [String: String]
        /// [name, page] of each service; rows refer to them by position.
        let services: [[String]]
        /// [id, label, page] of each cause category.
        let categories: [[String]]
        let rows: [Row]
    }

    /// `window.POSTMORTEM_ROWS = {…};` with every postmortem, newest first; deterministic.
    /// `root` leads from the page that shows the rows to the site root.
    static func script(_ ordered: [Postmortem], context: PageContext, root: String = "") throws -> [UInt8] {
        let rows = ordered.map { context.row($0, root: root) }
        let services = Array(Set(rows.flatMap(\.serviceLinks).map { [$0.name, $0.url] })).sorted { $0.lexicographicallyPrecedes($1) }
        let serviceIndex = Dictionary(services.enumerated().map { ($1[0], $0) }, uniquingKeysWith: { a, _ in a })
        let categories = Array(Set(rows.compactMap { row -> [String]? in
            guard let label = row.category, let url = row.categoryURL else { return nil }
            return [row.facets["category"] ?? "", label, url]
        })).sorted { $0.lexicographicallyPrecedes($1) }
        let categoryIndex = Dictionary(categories.enumerated().map { ($1[0], $0) }, uniquingKeysWith: { a, _ in a })
        let labels = ["nearMiss", "inferred", "inferredHelp", "draft", "review", "published"]
        let data = Data(
            labels: Dictionary(uniqueKeysWithValues: labels.map { ($0, context.labels[$0] ?? $0) }),
            services: services, categories: categories,
            rows: rows.map { row in
                Row(row: row, services: row.services.compactMap { serviceIndex[$0] },
                    category: row.facets["category"].flatMap { categoryIndex[$0] })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array("window.POSTMORTEM_ROWS = ".utf8) + Array(try encoder.encode(data)) + Array(";\n".utf8)
    }
}
