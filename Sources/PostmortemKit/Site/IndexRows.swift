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

    /// `window.POSTMORTEM_ROWS = {…};` with every postmortem, newest first; deterministic.
    /// `root` leads from the page that shows the rows to the site root.
    ///
    /// The object, as `JSONEncoder` (sorted keys, slashes as they are) wrote it:
    /// `categories`: [id, label, page] of each cause category; `labels`; `rows`:
    /// one array a postmortem, [url, title, date, severity, severityClass,
    /// severityRank, services, category, ttr minutes, ttr text, inferred,
    /// status, statusRank, near miss, language when not the site's] ("" or -1
    /// when unknown; services and category by position in the lists);
    /// `services`: [name, page] of each service.
    static func script(_ ordered: [Postmortem], context: PageContext, root: String = "") -> [UInt8] {
        // The rows without their HTML, which the script does not carry.
        let rows = ordered.map { context.row($0, root: root, html: false) }
        let services = Array(Set(rows.flatMap(\.serviceLinks).map { [$0.name, $0.url] })).sorted { $0.lexicographicallyPrecedes($1) }
        let serviceIndex = Dictionary(services.enumerated().map { ($1[0], $0) }, uniquingKeysWith: { a, _ in a })
        let categories = Array(Set(rows.compactMap { row -> [String]? in
            guard let label = row.category, let url = row.categoryURL else { return nil }
            return [row.facets["category"] ?? "", label, url]
        })).sorted { $0.lexicographicallyPrecedes($1) }
        let categoryIndex = Dictionary(categories.enumerated().map { ($1[0], $0) }, uniquingKeysWith: { a, _ in a })
        let labels = ["nearMiss", "inferred", "inferredHelp", "draft", "review", "published"]
            .map { ($0, context.labels[$0] ?? $0) }
            .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }

        var json = JSONWriter(capacity: 200 * rows.count + 1_024)
        json.raw("window.POSTMORTEM_ROWS = ")
        json.beginObject()
        json.key("categories")
        json.beginArray()
        for category in categories { json.strings(category) }
        json.endArray()
        json.key("labels")
        json.beginObject()
        for (name, label) in labels {
            json.key(name)
            json.string(label)
        }
        json.endObject()
        json.key("rows")
        json.beginArray()
        for row in rows {
            let facets = row.facets
            json.beginArray()
            json.string(row.url)
            json.string(row.title)
            json.string(row.date ?? "")
            json.string(row.severity ?? "")
            json.string(row.severityClass ?? "")
            json.number(Int(facets["severityRank"] ?? "") ?? -1)
            json.beginArray()
            for service in row.services {
                if let position = serviceIndex[service] { json.number(position) }
            }
            json.endArray()
            json.number(facets["category"].flatMap { categoryIndex[$0] } ?? -1)
            json.number(Int(facets["ttr"] ?? "") ?? -1)
            json.string(row.ttr ?? "")
            json.number(row.ttrInferred ? 1 : 0)
            json.string(row.status)
            json.number(Int(facets["statusRank"] ?? "") ?? -1)
            json.number(row.nearMiss ? 1 : 0)
            json.string(row.contentLang ?? "")
            json.endArray()
        }
        json.endArray()
        json.key("services")
        json.beginArray()
        for service in services { json.strings(service) }
        json.endArray()
        json.endObject()
        json.raw(";\n")
        return json.bytes
    }
}
