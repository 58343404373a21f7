import Foundation
import Mustache

/// What the render stage produces: every file of the site, path → bytes,
/// and the source files to copy, all sorted so two builds are identical.
public struct OutputPlan: Sendable {
    public var files: [String: [UInt8]]
    /// Site path → absolute path of a file of the source folder.
    public var copies: [String: String]

    public var pageCount: Int { files.keys.count { $0.hasSuffix(".html") } }
}

/// The render stage: postmortems and configuration in, the site's files out.
/// Reads nothing from disk; the clock comes in as `now`.
public enum SiteRenderer {
    public enum Failure: Error, CustomStringConvertible {
        case template(String)
        public var description: String {
            switch self {
            case let .template(name): "the theme has no template '\(name)'"
            }
        }
    }

    public static func render(
        _ postmortems: [Postmortem], configuration: SiteConfiguration, theme: Theme, sourceFolder: String, now: Date
    ) throws -> OutputPlan {
        let library = try theme.library()
        var context = PageContext(configuration: configuration, now: now)
        // Newest first; undated last; ties by id, so the order never depends on the disk.
        let ordered = postmortems.sorted { a, b in
            switch (a.date, b.date) {
            case let (x?, y?) where x != y: return x > y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
            }
        }
        context.names = PageNames(ordered)
        let names = context.names
        var files: [String: [UInt8]] = [:]
        func page(_ template: String, _ view: Any, to path: String) throws {
            guard let html = library.render(view, withTemplate: template) else { throw Failure.template(template) }
            files[path] = Array(html.utf8)
        }
        try page("index", context.index(ordered), to: "index.html")
        let relations = RelatedIncidents.index(ordered)
        let recurrences = RecurrenceAnalysis.analyze(ordered, timeZone: configuration.timeZone)
        let byID = Dictionary(ordered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, postmortem) in ordered.enumerated() {
            let newer = index > 0 ? ordered[index - 1] : nil
            let older = index + 1 < ordered.count ? ordered[index + 1] : nil
            try page("incident", context.incident(postmortem, previous: older, next: newer,
                                                  related: relations[postmortem.id] ?? RelatedIncidents(),
                                                  recurrence: recurrences[postmortem.id] ?? Recurrence(), postmortemsByID: byID),
                     to: SitePaths.incidentPage(id: postmortem.id))
        }
        let language = configuration.language
        let labels = context.labels
        // Causes, categories, services and tags: a page each, and rankings.
        let causes = Group.make(ordered, kind: .causes, names: names, keys: { $0.causes.map(\.key) },
                                category: { key, members in members.lazy.flatMap(\.causes).first { $0.key == key }?.category })
        try page("groups", context.groupsPage(causes, heading: labels["causes"] ?? "", lead: labels["causesLead"] ?? "",
                                              nameLabel: labels["cause"] ?? "", showCategory: true, nav: "causes"),
                 to: "causes/index.html")
        for group in causes {
            let summary = group.postmortems.lazy.flatMap(\.causes).first { $0.key == group.key && $0.summary != nil }?.summary
            try page("group", context.causePage(group, description: summary,
                                                parent: (labels["causes"] ?? "", "causes/index.html"), recurrences: recurrences),
                     to: group.path)
        }
        let categories = Group.make(ordered, kind: .categories, names: names, keys: { $0.causes.compactMap(\.category) },
                                    name: { id in configuration.causeCategories.first { $0.id == id }?.label[language] ?? id })
        for group in categories {
            try page("group", context.groupPage(group, heading: group.name, description: nil,
                                                parent: (labels["causes"] ?? "", "causes/index.html"), nav: "causes"),
                     to: group.path)
        }
        let services = Group.make(ordered, kind: .services, names: names, keys: \.services)
        try page("groups", context.groupsPage(services, heading: labels["servicesNav"] ?? "", lead: labels["servicesLead"] ?? "",
                                              nameLabel: labels["service"] ?? "", showCategory: false, nav: "services"),
                 to: "services/index.html")
        for group in services {
            try page("group", context.groupPage(group, heading: group.name, description: nil,
                                                parent: (labels["servicesNav"] ?? "", "services/index.html"), nav: "services"),
                     to: group.path)
        }
        for group in Group.make(ordered, kind: .tags, names: names, keys: \.tags) {
            try page("group", context.groupPage(group, heading: "#" + group.name, description: nil,
                                                parent: (labels["incidents"] ?? "", "index.html"), nav: "incidents"),
                     to: group.path)
        }
        try page("action-items", context.actionItemsPage(ordered), to: "action-items.html")
        // Trends: the statistics over the whole knowledge base, per configured period and per quarter.
        let samples = IncidentSample.make(ordered, configuration: configuration, recurrences: recurrences)
        let metrics = OutageMetrics.report(samples, configuration: configuration)
        let quarterly = metrics.granularity == .quarter ? metrics
            : OutageMetrics.report(samples, configuration: configuration, granularity: .quarter)
        try page("trends", context.trendsPage(metrics, samples: samples, quarterly: quarterly, causes: causes), to: "trends.html")
        try page("recurrences", context.recurrencesPage(ordered, recurrences: recurrences, causes: causes, quarterly: quarterly),
                 to: "recurrences.html")
        files["data/metrics.json"] = try MetricsExport.json(metrics)
        files["data/metrics.csv"] = MetricsExport.csv(metrics)
        try page("search", context.searchPage(documentCount: ordered.count), to: "search.html")
        files["data/search-index.js"] = try SearchIndex.script(ordered, context: context)
        for asset in theme.assets { files[asset.path] = Array(asset.text.utf8) }
        files["data/incidents.json"] = try DataExport.incidentsJSON(ordered, recurrences: recurrences,
                                                                    definition: configuration.metrics)
        files["data/incidents.csv"] = DataExport.incidentsCSV(ordered, recurrences: recurrences,
                                                              definition: configuration.metrics)
        files["feed.xml"] = Feeds.atom(ordered, configuration: configuration)
        if let sitemap = Feeds.sitemap(pages: files.keys.filter { $0.hasSuffix(".html") }, configuration: configuration) {
            files["sitemap.xml"] = sitemap
        }
        var copies: [String: String] = [:]
        let root = URL(fileURLWithPath: sourceFolder, isDirectory: true).standardizedFileURL
        for attachment in Set(postmortems.flatMap(\.body.attachments)) {
            copies["\(SitePaths.filesFolder)/\(attachment)"] = root.appendingPathComponent(attachment).path
        }
        return OutputPlan(files: files, copies: copies)
    }
}
