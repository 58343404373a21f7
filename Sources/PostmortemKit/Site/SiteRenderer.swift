import Foundation
import Mustache

/// Where the render stage puts each file of the site as soon as it is made,
/// from any core: the write stage's staging folder, or an `OutputPlan`.
public protocol SiteSink: Sendable {
    /// The file at site path `path` holds `bytes`.
    func put(_ path: String, _ bytes: [UInt8]) throws
    /// The file at site path `path` is a copy of `source`, a file of the source folder.
    func copy(_ path: String, from source: String) throws
}

/// Every file of a site held in memory, path → bytes, and the source files
/// to copy: what tests look at.
public final class OutputPlan: SiteSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _files: [String: [UInt8]] = [:]
    private var _copies: [String: String] = [:]

    public init() {}

    public var files: [String: [UInt8]] { lock.withLock { _files } }
    /// Site path → absolute path of a file of the source folder.
    public var copies: [String: String] { lock.withLock { _copies } }

    public var pageCount: Int { files.keys.count { $0.hasSuffix(".html") } }

    public func put(_ path: String, _ bytes: [UInt8]) throws { lock.withLock { _files[path] = bytes } }
    public func copy(_ path: String, from source: String) throws { lock.withLock { _copies[path] = source } }

    /// Hands every file to `sink`, in path order.
    func replay(into sink: some SiteSink) throws {
        let (files, copies) = lock.withLock { (_files, _copies) }
        for path in files.keys.sorted() { try sink.put(path, files[path] ?? []) }
        for path in copies.keys.sorted() { if let source = copies[path] { try sink.copy(path, from: source) } }
    }
}

/// What the render stage made, besides the files.
public struct RenderSummary: Sendable {
    public var pageCount: Int
    /// Whether the overview was the last build's, taken as it is (`Overview`).
    public var overviewKept = false
    /// What the render stage worked with (its pages' jobs, the analyses,
    /// the groups), kept alive with the summary rather than freed as the
    /// stage returns: a process that exits after the build (`postmortem
    /// build`) never spends the time to free it (about 0.1 s at 10,000).
    var workingState: WorkingState?
}

/// Values kept only to be freed later, or never (`RenderSummary.workingState`).
final class WorkingState: @unchecked Sendable {
    private let parts: [Any]
    init(_ parts: [Any]) { self.parts = parts }
}

/// One page to render: its template, where it goes, how to make its view,
/// and the key of what the view is made from (`RenderMemo`).
struct PageJob: Sendable {
    let template: String
    let path: String
    let key: @Sendable () -> UInt64
    /// Throws `SiteRenderer.OverviewChanged` for a page kept from the last build whose file changed since.
    let view: @Sendable () throws -> Any
}

/// One piece of the render stage's work: a page, or a data file made from many postmortems.
enum RenderWork: Sendable {
    case file(step: String, make: @Sendable () throws -> Void)
    case page(PageJob)
    /// The incident page at a position of `IncidentPages`: 10,000 of them, so no job of closures each.
    case incident(Int)
}

/// The render stage: postmortems and configuration in, the site's files out.
/// Reads nothing from disk; the clock comes in as `now`.
public enum SiteRenderer {
    /// A page or file of the overview the last build made, taken as it is
    /// (`Overview`), was changed or removed since the check before the
    /// pages: the build starts again, making the overview.
    struct OverviewChanged: Error {}

    public enum Failure: Error, CustomStringConvertible {
        case template(String)
        public var description: String {
            switch self {
            case let .template(name): "the theme has no template '\(name)'"
            }
        }
    }

    /// The whole site in memory.
    public static func render(
        _ postmortems: [Postmortem], configuration: SiteConfiguration, theme: Theme, sourceFolder: String, now: Date
    ) throws -> OutputPlan {
        let plan = OutputPlan()
        _ = try render(postmortems, configuration: configuration, theme: theme, sourceFolder: sourceFolder, now: now, into: plan)
        return plan
    }

    /// Renders every file of the site into `sink`, each as soon as it is
    /// made; with a `memo` of the last build, only the pages whose keys changed.
    public static func render(
        _ postmortems: [Postmortem], configuration: SiteConfiguration, theme: Theme, sourceFolder: String, now: Date,
        memo: RenderMemo? = nil, into sink: some SiteSink
    ) throws -> RenderSummary {
        try render(postmortems, configuration: configuration, theme: theme, sourceFolder: sourceFolder, now: now,
                   memo: memo, digests: nil, into: sink)
    }

    /// `render`, with the per-postmortem work of the last build (`DigestMemos`);
    /// `keepingOverview` lets it take the last build's overview as it is
    /// (`Overview`).
    static func render(
        _ postmortems: [Postmortem], configuration: SiteConfiguration, theme: Theme, sourceFolder: String, now: Date,
        memo: RenderMemo?, digests: DigestMemos?, keepingOverview: Bool = true, into sink: some SiteSink
    ) throws -> RenderSummary {
        // The theme's templates parsed (on every core) while the postmortems are put in order, the
        // group pages named (names are sorted by themselves: their pages do not depend on the order)
        // and the last build's overview looked at.
        let memoized = MemoizedSink(sink: sink, memo: memo)
        let (parsed, (ordered, names, byID, overviewKey, keptOverview)) = Parallel.both({
            Profile.measure("set-up: templates") { Result { try theme.library() } }
        }, {
            let names = Profile.measure("set-up: page names") { PageNames.of(postmortems, memo: digests?.pageNames) }
            let ordered = Profile.measure("set-up: order") {
                // Newest first; undated last; ties by id, so the order never depends on the disk.
                Postmortem.newestFirst(postmortems).map { postmortems[$0] }
            }
            let byID = Profile.measure("set-up: by id") { Dictionary(ordered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }) }
            // The overview of the last build, when nothing it is made of changed and its files are as that build left them.
            let overviewKey = Profile.measure("set-up: overview key") { memo.flatMap { Overview.key(ordered, global: $0.global) } }
            let keptOverview = Profile.measure("set-up: overview kept") {
                keepingOverview
                    ? overviewKey.flatMap { key in digests.flatMap { Overview.kept(for: key, memo: $0.overview, keys: memo, sink: memoized) } }
                    : nil
            }
            return (ordered, names, byID, overviewKey, keptOverview)
        })
        let library = try parsed.get()
        for partial in FragmentCache.partials where library.getTemplate(named: partial) == nil {
            throw Failure.template(partial)
        }
        var context = PageContext(configuration: configuration, now: now)
        context.names = names
        context.fragments = FragmentCache(library: library, maker: context)
        // A kept overview leaves a page or two to key: their postmortems' digests are made when asked for.
        let keys = PageKeys(global: memo?.global ?? 0, ordered: ordered, byID: byID, names: names, metrics: configuration.metrics,
                            eager: keptOverview == nil)
        /// Pages are independent: each job makes its view and renders it, all of them on every core.
        var jobs: [PageJob] = []
        func page(_ template: String, to path: String, key: (@Sendable () -> UInt64)? = nil,
                  _ view: @escaping @Sendable () -> Any) {
            jobs.append(PageJob(template: template, path: path, key: key ?? { keys.overview(template, path) }, view: view))
        }
        let frozen = context
        let language = configuration.language
        let labels = context.labels
        let today = context.today
        // The analyses and what the overview pages are made of, in two lanes
        // at once, each about one core's work (related and similar also
        // spreads over every core itself): related and similar, then the
        // groups and the action-item lists; recurrences, then the statistics
        // made from them. A kept overview needs none of the set-up.
        let (overview, statistics) = Parallel.both({
            let relations = Profile.measure("analysis: related and similar") { RelatedIncidents.index(ordered, memos: digests) }
            guard keptOverview == nil else { return (relations: relations, setUp: nil as OverviewGroups?) }
            let groups = Profile.measure("set-up: groups") {
                // Causes, categories, services and tags: a page each, and rankings.
                (causes: Group.make(ordered, kind: .causes, names: names, keys: { $0.causes.map(\.key) },
                                    category: { key, members in members.lazy.flatMap(\.causes).first { $0.key == key }?.category }),
                 categories: Group.make(ordered, kind: .categories, names: names, keys: { $0.causes.compactMap(\.category) },
                                        name: { id in configuration.causeCategories.first { $0.id == id }?.label[language] ?? id }),
                 services: Group.make(ordered, kind: .services, names: names, keys: \.services,
                                      name: { id in configuration.service(id)?.label?[language] ?? id }),
                 tags: Group.make(ordered, kind: .tags, names: names, keys: \.tags))
            }
            let actionItems = Profile.measure("set-up: action items") { ActionItemLists(ordered, today: today) }
            return (relations: relations, setUp: OverviewGroups(groups: groups, actionItems: actionItems))
        }, {
            let recurrences = Profile.measure("analysis: recurrences") {
                RecurrenceAnalysis.analyze(ordered, timeZone: configuration.timeZone, memo: digests?.recurrences)
            }
            guard keptOverview == nil else { return (recurrences: recurrences, figures: nil as OverviewFigures?) }
            // Trends: the statistics over the whole knowledge base, per configured period and per quarter.
            return Profile.measure("set-up: statistics") {
                let samples = IncidentSample.make(ordered, configuration: configuration, recurrences: recurrences.all)
                let metrics = OutageMetrics.report(samples, configuration: configuration)
                let quarterly = metrics.granularity == .quarter ? metrics
                    : OutageMetrics.report(samples, configuration: configuration, granularity: .quarter)
                return (recurrences: recurrences, figures: OverviewFigures(samples: samples, metrics: metrics, quarterly: quarterly))
            }
        })
        let relations = overview.relations.pages, recurrences = statistics.recurrences
        Memory.releaseFreedPages()
        // The incident pages' keys of the last build, when all but their own postmortems is the same.
        let incidentsKey = IncidentKeys.key(overview: overviewKey, relations: overview.relations.inputKey)
        let lastIncidents = Profile.measure("set-up: incident keys") {
            incidentsKey.flatMap { key in digests?.incidentKeys.value(for: key, read: IncidentKeys.read) }
        }
        let jobsStarted = Profile.start()
        let incidents = IncidentPages(ordered: ordered, last: lastIncidents, keys: keys, context: frozen, relations: relations,
                                      recurrences: recurrences, byID: byID)
        Profile.add("set-up: incident jobs", since: jobsStarted)
        // The overview: the index, the groups' pages and rankings, the action
        // items, trends and recurrences, and the files of rows and figures.
        var files: [(step: String, make: @Sendable () throws -> Void)] = []
        var overviewEntries: [Overview.Entry] = []
        if let keptOverview {
            // As the last build left them: taken as they are, never made (`Overview.kept` checked every one).
            for entry in keptOverview where entry.template != nil {
                jobs.append(PageJob(template: entry.template ?? "", path: entry.path, key: { entry.key },
                                    view: { throw OverviewChanged() }))
            }
            let data = keptOverview.filter { $0.template == nil }
            files.append(("data: overview files", {
                for entry in data { try memoized.put(entry.path, key: entry.key, page: false) { throw OverviewChanged() } }
            }))
        } else if let setUp = overview.setUp, let figures = statistics.figures {
            let (causes, categories, services, tags) = setUp.groups
            let actionItems = setUp.actionItems
            let (samples, metrics, quarterly) = (figures.samples, figures.metrics, figures.quarterly)
            let recurrences = recurrences.all
            let first = jobs.count
            // The index is its rows (the first page, the filters, the counts): a body edit leaves it alone.
            page("index", to: "index.html", key: { keys.rows("index.html", ordered, template: "index") }) { frozen.index(ordered) }
            page("groups", to: "causes/index.html", key: { keys.groups("causes/index.html", causes) }) {
                frozen.groupsPage(causes, heading: labels["causes"] ?? "", lead: labels["causesLead"] ?? "",
                                  nameLabel: labels["cause"] ?? "", showCategory: true, nav: "causes")
            }
            for group in causes {
                // Its language is its postmortem's: the key holds which member that is, and the member's row.
                let description = group.causeDescription
                page("group", to: group.path, key: { keys.group(group.path, group, description: description, recurrences: recurrences) }) {
                    frozen.causePage(group, description: description, parent: (labels["causes"] ?? "", "causes/index.html"),
                                     recurrences: recurrences)
                }
            }
            for group in categories {
                page("group", to: group.path, key: { keys.group(group.path, group, description: nil) }) {
                    frozen.groupPage(group, heading: group.name, description: nil,
                                     parent: (labels["causes"] ?? "", "causes/index.html"), nav: "causes")
                }
            }
            page("groups", to: "services/index.html", key: { keys.groups("services/index.html", services) }) {
                frozen.groupsPage(services, heading: labels["servicesNav"] ?? "", lead: labels["servicesLead"] ?? "",
                                  nameLabel: labels["service"] ?? "", showCategory: false, nav: "services")
            }
            for group in services {
                page("group", to: group.path, key: { keys.group(group.path, group, description: nil) }) {
                    frozen.servicePage(group)
                }
            }
            for group in tags {
                page("group", to: group.path, key: { keys.group(group.path, group, description: nil) }) {
                    frozen.groupPage(group, heading: "#" + group.name, description: nil,
                                     parent: (labels["incidents"] ?? "", "index.html"), nav: "incidents")
                }
            }
            page("action-items", to: "action-items.html", key: { keys.actionItems("action-items.html", actionItems) }) {
                frozen.actionItemsPage(actionItems)
            }
            for (list, number) in actionItems.pages {
                let path = list.path(page: number)
                page("action-item-list", to: path, key: { keys.actionItemList(path, list, page: number) }) {
                    frozen.actionItemListPage(list, page: number)
                }
            }
            page("trends", to: "trends.html", key: { keys.trends("trends.html", samples: samples, causes: causes) }) {
                frozen.trendsPage(metrics, samples: samples, quarterly: quarterly, causes: causes)
            }
            page("recurrences", to: "recurrences.html", key: {
                keys.recurrences("recurrences.html", ordered, recurrences: recurrences, quarterly: quarterly, causes: causes, names: names)
            }) {
                frozen.recurrencesPage(ordered, recurrences: recurrences, causes: causes, quarterly: quarterly)
            }
            overviewEntries = jobs[first...].map { Overview.Entry(path: $0.path, template: $0.template) }
            // The files made from every postmortem (or a group's) that only change with the overview.
            // The rows files are made again only when a row they hold changed (`PageKeys.rows`).
            if ordered.count > IndexRows.pageSize {
                overviewEntries.append(Overview.Entry(path: IndexRows.indexFile, template: nil))
                files.append(("data: index rows", {
                    // Made again only when a row changed: a body edit leaves it alone.
                    try memoized.put(IndexRows.indexFile, key: keys.rows(IndexRows.indexFile, ordered), page: false) {
                        IndexRows.script(ordered, context: frozen)
                    }
                }))
            }
            overviewEntries += ["data/metrics.json", "data/metrics.csv"].map { Overview.Entry(path: $0, template: nil) }
            files.append(("data: metrics", {
                for (path, bytes) in [("data/metrics.json", MetricsExport.json(metrics)), ("data/metrics.csv", MetricsExport.csv(metrics))] {
                    try memoized.put(path, key: StableHasher.digest { $0.combine(bytes) }, page: false) { bytes }
                }
            }))
            let paged = (causes + categories + services + tags).filter { $0.postmortems.count > IndexRows.pageSize }
            overviewEntries += paged.map { Overview.Entry(path: IndexRows.rowsFile($0), template: nil) }
            files += paged.map { group in
                ("data: groups' rows", {
                    let path = IndexRows.rowsFile(group)
                    try memoized.put(path, key: keys.rows(path, group.postmortems), page: false) {
                        IndexRows.script(group.postmortems, context: frozen, root: "../")
                    }
                })
            }
        }
        let documentCount = ordered.count
        page("search", to: "search.html", key: { keys.count("search.html", documentCount) }) {
            frozen.searchPage(documentCount: documentCount)
        }
        // The files made from every postmortem, each on its own.
        let pagePaths = incidents.paths + jobs.map(\.path)
        var dataFiles: [(step: String, make: @Sendable () throws -> Void)] = [
            ("search index", {
                try SearchIndex.write(ordered, context: frozen, memo: digests?.searchTerms, state: digests?.searchIndex,
                                      global: memo?.global ?? 0, into: memoized)
            }),
            ("data: feed, sitemap, theme files", {
                for asset in theme.assets { try sink.put(asset.path, Array(asset.text.utf8)) }
                try sink.put("feed.xml", Feeds.atom(ordered, configuration: configuration))
                if let sitemap = Feeds.sitemap(pages: pagePaths, configuration: configuration) {
                    try sink.put("sitemap.xml", sitemap)
                }
            }),
        ]
        // The records of every postmortem: made of their outward fields and
        // recurrences, so part of the overview (a kept overview kept them above).
        var recordKeys: [UInt64] = []
        if keptOverview == nil {
            let recurrences = recurrences.all
            recordKeys = Parallel.map(ordered, minimumChunk: 256) { keys.record($0, recurrence: recurrences[$0.id]) }
            let frozenKeys = recordKeys
            overviewEntries += [DataExport.jsonPath, DataExport.csvPath].map { Overview.Entry(path: $0, template: nil) }
            dataFiles.insert(("data: incidents.json", {
                try DataExport.putJSON(ordered, recurrences: recurrences, definition: configuration.metrics,
                                       keys: frozenKeys, memo: digests?.recordFiles, into: memoized)
            }), at: 0)
            dataFiles.insert(("data: incidents.csv", {
                try DataExport.putCSV(ordered, recurrences: recurrences, definition: configuration.metrics,
                                      keys: frozenKeys, memo: digests?.recordFiles, into: memoized)
            }), at: 2)
        }
        // The long ones first.
        files.insert(contentsOf: dataFiles, at: 0)
        // Pages and files are independent: all of them on every core, the
        // long files first so the pages fill the cores around them.
        // An incident page is described when its key or its view needs it: one whose key is the
        // last build's and is kept, never.
        let work = files.map { RenderWork.file(step: $0.step, make: $0.make) } + ordered.indices.map(RenderWork.incident)
            + jobs.map(RenderWork.page)
        @Sendable func render(_ template: String, _ view: () throws -> Any) throws -> [UInt8] {
            let started = Profile.start()
            let view = try view()
            let built = Profile.start()
            guard let html = library.render(ViewBox.wrap(view), withTemplate: template) else { throw Failure.template(template) }
            Profile.add("view " + template, since: started, until: built)
            Profile.add("render " + template, since: built)
            return Array(html.utf8)
        }
        let started = Profile.start()
        try Parallel.forEach(work, minimumChunk: 1) { item in
            switch item {
            case let .file(step, make):
                try Profile.measure(step) { try make() }
            case let .page(job):
                try memoized.put(job.path, key: job.key(), page: true) { try render(job.template, job.view) }
            case let .incident(position):
                try memoized.put(incidents.paths[position], key: incidents.key(position), page: true) {
                    try render("incident") { incidents.view(position) }
                }
            }
        }
        Profile.add("pages and data files (wall)", since: started)
        let finishing = Profile.start()
        defer { Profile.add("render: memos kept", since: finishing) }
        let made = memo?.pageKeys ?? [:]
        // The overview made, with the key of each of its files, for the next build.
        if let overviewKey, let digests, keptOverview == nil {
            let entries = overviewEntries.compactMap { entry in made[entry.path].map { Overview.Entry(path: entry.path, template: entry.template, key: $0) } }
            if entries.count == overviewEntries.count {
                digests.overview.keep(overviewKey) { Overview.Entry.write(entries, to: &$0) }
            }
        }
        digests?.overview.finish()
        // Each incident page's postmortem revision and key, for the next build.
        if let incidentsKey, let digests, memo != nil, let entries = incidents.entries {
            if entries != lastIncidents {
                digests.incidentKeys.keep(incidentsKey) { IncidentKeys.write(entries, to: &$0) }
            }
        }
        digests?.incidentKeys.finish()
        // A kept overview kept the data files without reading where their records are: left for the next build.
        if keptOverview == nil { digests?.recordFiles.finish() } else { digests?.recordFiles.leave() }
        let root = URL(fileURLWithPath: sourceFolder, isDirectory: true).standardizedFileURL
        for attachment in Set(postmortems.flatMap(\.body.attachments)).sorted() {
            try sink.copy("\(SitePaths.filesFolder)/\(attachment)", from: root.appendingPathComponent(attachment).path)
        }
        return RenderSummary(pageCount: ordered.count + jobs.count, overviewKept: keptOverview != nil, workingState: WorkingState([
            jobs, work, incidents, relations, recurrences, byID, overview.setUp as Any, statistics.figures as Any, recordKeys, context, keys,
        ]))
    }
}
