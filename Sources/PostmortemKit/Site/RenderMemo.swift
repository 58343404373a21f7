import Foundation
import Mustache

/// What lets a build skip the pages whose inputs did not change: every page
/// has a key, a digest of everything its view is made from (the revisions of
/// the postmortems it shows, what the analysis says about them, the
/// configuration, the theme, the tool and the day), and the last build's
/// keys and file stamps are kept in its record (`BuildRecord`). A page whose
/// key is the last build's, and whose file is still the one that build
/// wrote, is not rendered at all: the new site links the old file.
///
/// The keys over-approximate (a page may be rendered again for nothing, as
/// the index is after any edit), never the other way: a test builds after
/// edits of every kind and compares each site with a full build's.
public final class RenderMemo: @unchecked Sendable {
    /// A page of the last build: its key and the stamp of its file.
    struct Entry: Sendable {
        var key: UInt64
        var stamp: FileIO.Stamp
    }

    /// Everything every page depends on: the tool, the configuration, the theme, the day.
    let global: UInt64
    private let previous: [String: Entry]
    private let lock = NSLock()
    private var keys: [String: UInt64] = [:]
    private var counts = (rendered: 0, kept: 0)
    private var made: [String] = []

    init(global: UInt64, previous: [String: Entry] = [:]) {
        self.global = global
        self.previous = previous
        // Grown under the lock, a table of 12,500 keys was copied a dozen times while the other cores waited.
        keys.reserveCapacity(previous.count)
    }

    /// The stamp of the last build's file at `path`, when its key was `key`.
    func unchanged(_ path: String, key: UInt64) -> FileIO.Stamp? {
        guard let entry = previous[path], entry.key == key else { return nil }
        return entry.stamp
    }

    /// The key the last build's file at `path` had.
    func previousKey(_ path: String) -> UInt64? { previous[path]?.key }

    /// `path` has `key` in this build; a page (not a data file) counts as rendered or kept.
    func record(_ path: String, key: UInt64, kept: Bool, page: Bool = true) {
        lock.withLock {
            keys[path] = key
            if !kept { made.append(path) }
            guard page else { return }
            if kept { counts.kept += 1 } else { counts.rendered += 1 }
        }
    }

    /// Page path → key, of every page of this build.
    var pageKeys: [String: UInt64] { lock.withLock { keys } }
    /// The paths of the pages rendered and the files made (not kept), in UTF-8 order.
    public var madePaths: [String] { lock.withLock { made }.sortedByUTF8() }
    /// Pages rendered, and pages kept from the last build.
    public var pageCounts: (rendered: Int, kept: Int) { lock.withLock { counts } }
}

/// Puts the files the memo covers (pages, and the rows files of paged
/// groups): a file whose key is the last build's, and whose old file is
/// intact, is kept as it is; any other is made and put.
struct MemoizedSink<Sink: SiteSink>: Sendable {
    let sink: Sink
    let memo: RenderMemo?

    /// Puts the file at `path` that `make` makes, unless the last build's
    /// file of the same key can be kept; true when it was made.
    @discardableResult
    func put(_ path: String, key: UInt64, page: Bool, make: () throws -> [UInt8]) throws -> Bool {
        if let memo, let last = lastFile(path, key: key), try last.sink.keep(path, stamp: last.stamp) {
            memo.record(path, key: key, kept: true, page: page)
            return false
        }
        try sink.put(path, try make())
        memo?.record(path, key: key, kept: false, page: page)
        return true
    }

    /// Whether the last build's file at `path` had the key `key` and is still the one that build wrote.
    func hasPrevious(_ path: String, key: UInt64) -> Bool {
        lastFile(path, key: key).map { $0.sink.hasPrevious(path, stamp: $0.stamp) } ?? false
    }

    /// The bytes of the last build's file at `path`, when its key was `key`
    /// and the file is still the one that build wrote; else nil.
    func previous(_ path: String, key: UInt64) -> [UInt8]? {
        lastFile(path, key: key).flatMap { $0.sink.previousBytes(path, stamp: $0.stamp) }
    }

    /// The sink that holds the last build's files, and the stamp the file at `path` had when its key was `key`.
    private func lastFile(_ path: String, key: UInt64) -> (sink: any KeepingSink, stamp: FileIO.Stamp)? {
        guard let memo, let keeping = sink as? any KeepingSink, let stamp = memo.unchanged(path, key: key) else { return nil }
        return (keeping, stamp)
    }
}

/// A sink that can take a page of the last build as it is.
protocol KeepingSink: SiteSink {
    /// Puts the last build's file of `path` into the new site, if it still
    /// has `stamp`; false (and nothing done) when it does not.
    func keep(_ path: String, stamp: FileIO.Stamp) throws -> Bool
    /// The bytes of the last build's file of `path`, if it still has `stamp`.
    func previousBytes(_ path: String, stamp: FileIO.Stamp) -> [UInt8]?
    /// Whether the last build's file of `path` still has `stamp`.
    func hasPrevious(_ path: String, stamp: FileIO.Stamp) -> Bool
}

/// Pieces of pages that many pages show alike, each rendered by its
/// partial the first time a page needs it and then shared: a postmortem's
/// table row (once per folder depth) and the head of its entry in other
/// incidents' related and similar lists. A build that renders few pages
/// renders few pieces. (Mustache costs about as much per value looked up as
/// a page's other work: docs/benchmarks.md, "Eighth round".)
final class FragmentCache: @unchecked Sendable {
    static let rowPartial = "partials/incident-row"
    static let connectionPartial = "partials/connection"
    static let reasonsPartial = "partials/reasons"
    static let headerPartial = "partials/site-header"
    static let footerPartial = "partials/site-footer"
    /// Every partial the cache renders: a theme must have them (the built-in one gives them to any other).
    static let partials = [rowPartial, connectionPartial, reasonsPartial, headerPartial, footerPartial]

    private let library: MustacheLibrary
    private let maker: PageContext
    private let lock = NSLock()
    private var fragments: [String: String] = [:]
    private var rowViews: [String: IncidentRow] = [:]

    init(library: MustacheLibrary, maker: PageContext) {
        self.library = library
        self.maker = maker
    }

    /// The postmortem's row of an incident table on a page `root` away from the site's root.
    func row(_ postmortem: Postmortem, root: String) -> String {
        html(Self.rowPartial, key: root + "\u{0}" + postmortem.id) {
            RowContext(row: rowView(postmortem, root: root), labels: maker.labels)
        }
    }

    /// The postmortem's row without its HTML; made once for the pages one
    /// folder down (`../`), where an incident's row is on its own page, on
    /// each of its groups' pages and in their rows files (at 10,000, some
    /// 60,000 rows were made for 10,000 postmortems). Rows of other roots,
    /// each needed about once, are not kept.
    func rowView(_ postmortem: Postmortem, root: String) -> IncidentRow {
        guard root == "../" else { return maker.makeRow(postmortem, root: root) }
        if let row = lock.withLock({ rowViews[postmortem.id] }) { return row }
        let row = maker.makeRow(postmortem, root: root)
        lock.withLock { rowViews[postmortem.id] = row }
        return row
    }

    /// The link, badges and id of `postmortem` in an incident page's related or similar list (`entry`: its values).
    func connectionHead(_ postmortem: Postmortem, entry: [String: Any]) -> String {
        html(Self.connectionPartial, key: postmortem.id) { LabelledView(values: entry, labels: maker.labels) }
    }

    /// Why a related or similar incident is listed (`reasons`: each a
    /// `text` and whether it is `strong`): one list for every entry that
    /// gives the same reasons ("shared cause", "shared service: api"…), of
    /// which there are far fewer than entries.
    func reasons(_ reasons: [[String: Any]]) -> String {
        var key = ""
        for reason in reasons {
            key += (reason["strong"] as? Bool == true ? "1" : "0") + (reason["text"] as? String ?? "") + "\u{0}"
        }
        return html(Self.reasonsPartial, key: key) { LabelledView(values: ["reasons": reasons], labels: maker.labels) }
    }

    /// The site's header (skip link, name, navigation with `nav` marked,
    /// search) on a page `root` away from the site's root: the same on every
    /// page of a folder and navigation entry, so made once for each.
    func siteHeader(root: String, nav: String, site: [String: Any]) -> String {
        html(Self.headerPartial, key: root + "\u{0}" + nav) {
            LabelledView(values: ["root": root, "nav": [nav: true], "site": site], labels: maker.labels)
        }
    }

    /// The site's footer on a page `root` away from the site's root, made once per root.
    func siteFooter(root: String, site: [String: Any]) -> String {
        html(Self.footerPartial, key: root) { LabelledView(values: ["root": root, "site": site], labels: maker.labels) }
    }

    private func html(_ partial: String, key: String, context: () -> Any) -> String {
        let key = partial + "\u{0}" + key
        if let html = lock.withLock({ fragments[key] }) { return html }
        // The theme was checked for the partials before any page was rendered.
        var html = library.render(context(), withTemplate: partial) ?? ""
        // The page puts each piece on its own line.
        if html.hasSuffix("\n") { html.removeLast() }
        lock.withLock { fragments[key] = html }
        return html
    }
}

/// The keys of the pages: what each page kind's view reads, as a digest.
struct PageKeys: Sendable {
    let global: UInt64
    /// Each postmortem's digests, for every postmortem (`eager`, when the
    /// overview is made: its pages read them all), or for the few a rebuild
    /// asks for, made when asked from `byID`.
    private let table: Table?
    private let ordered: [Postmortem]
    private let byID: [String: Postmortem]
    private let names: PageNames
    private let metrics: MetricsDefinition

    struct Table: Sendable {
        /// Postmortem id → its revision and the paths of the pages its causes,
        /// categories, services and tags link to (they change when another name clashes).
        var revisions: [String: UInt64]
        /// Every postmortem, in the site's order.
        var all: UInt64
        /// Postmortem id → what its row in a table shows (`PageContext.makeRow`),
        /// which a body edit leaves alone unless it changes an inferred time to
        /// recover or the language; the configuration is in `global`.
        var rowDigests: [String: UInt64]
    }

    /// `byID`: the first postmortem of each id of `ordered`.
    init(global: UInt64, ordered: [Postmortem], byID: [String: Postmortem], names: PageNames, metrics: MetricsDefinition,
         eager: Bool = true) {
        self.global = global
        self.ordered = ordered
        self.byID = byID
        self.names = names
        self.metrics = metrics
        guard eager else {
            table = nil
            return
        }
        let digests = Parallel.map(ordered, minimumChunk: 256) { p in
            (revision: Self.revision(p, names: names), row: Self.row(p, names: names, metrics: metrics))
        }
        let ids = ordered.map(\.id)
        table = Table(revisions: Dictionary(zip(ids, digests.map(\.revision)), uniquingKeysWith: { first, _ in first }),
                      all: Self.all(digests.map(\.revision)),
                      rowDigests: Dictionary(zip(ids, digests.map(\.row)), uniquingKeysWith: { first, _ in first }))
    }

    /// A postmortem's revision with the paths of the pages its causes, categories, services and tags link to.
    static func revision(_ p: Postmortem, names: PageNames) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(p.revision)
            for cause in p.causes {
                hasher.combine(names.path(.causes, cause.key))
                hasher.combine(cause.category.map { names.path(.categories, $0) })
            }
            hasher.combine(p.services.map { names.path(.services, $0) })
            hasher.combine(p.tags.map { names.path(.tags, $0) })
        }
    }

    /// The row digest of the postmortem `id`; 0 for an id no postmortem has.
    private func rowDigest(_ id: String) -> UInt64 {
        if let table { return table.rowDigests[id] ?? 0 }
        return byID[id].map { Self.row($0, names: names, metrics: metrics) } ?? 0
    }

    /// The revision digest of `postmortem` (of the first of its id).
    private func revisionDigest(_ postmortem: Postmortem) -> UInt64 {
        if let table { return table.revisions[postmortem.id] ?? postmortem.revision }
        return byID[postmortem.id].map { Self.revision($0, names: names) } ?? postmortem.revision
    }

    /// Every postmortem's revision digest, in the site's order: made now when the table was not.
    private var all: UInt64 { table?.all ?? Self.all(ordered.map { Self.revision($0, names: names) }) }

    /// The digest of revision digests in order.
    private static func all(_ revisions: [UInt64]) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(revisions.count)
            for revision in revisions { hasher.combine(revision) }
        }
    }

    /// Everything `PageContext.makeRow` reads of `p` and of the site's names.
    static func row(_ p: Postmortem, names: PageNames, metrics: MetricsDefinition) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(p.id)
            hasher.combine(p.title)
            hasher.combine(p.kind.rawValue)
            hasher.combine(p.status.rawValue)
            hasher.combine(p.date?.number ?? -1)
            hasher.combine(p.severity)
            hasher.combine(p.services)
            hasher.combine(p.services.map { names.path(.services, $0) })
            let category = p.primaryCause?.category
            hasher.combine(category)
            hasher.combine(category.map { names.path(.categories, $0) })
            let recover = p.timings(metrics).recover
            hasher.combine(recover?.minutes ?? .nan)
            hasher.combine(recover?.approximate ?? false)
            hasher.combine(recover?.source.rawValue)
            hasher.combine(p.language.rawValue)
        }
    }

    /// `recurrences.html` (`PageContext.recurrencesPage`): each postmortem's
    /// row, primary cause and recurrence (verdict, earlier incidents,
    /// pending fixes with their postmortems' rows), the quarterly figures it
    /// charts, and the recurring causes it ranks. Not the revisions.
    func recurrences(_ path: String, _ ordered: [Postmortem], recurrences: [String: Recurrence], quarterly: MetricsReport,
                     causes: [Group], names: PageNames) -> UInt64 {
        key("recurrences", path) { hasher in
            hasher.combine(ordered.count)
            for p in ordered {
                combineRow(p.id, into: &hasher)
                let cause = p.primaryCause?.key
                hasher.combine(cause)
                hasher.combine(cause.map { names.path(.causes, $0) })
                guard let recurrence = recurrences[p.id] else { hasher.combine(-1); continue }
                hasher.combine(recurrence.verdict?.rawValue)
                hasher.combine(recurrence.recurrenceOf)
                hasher.combine(recurrence.recurrenceOfCount)
                hasher.combine(recurrence.pendingCount)
                combinePending(recurrence.pendingItems, into: &hasher)
            }
            let overall = quarterly.overall
            hasher.combine(overall.withCauseKey)
            hasher.combine(overall.recurrences)
            hasher.combine(overall.recurrenceRate ?? -1)
            hasher.combine(quarterly.periods.count)
            for period in quarterly.periods {
                hasher.combine(period.period.description)
                hasher.combine(period.withCauseKey)
                hasher.combine(period.recurrences)
            }
            let recurring = causes.filter { $0.postmortems.count >= 2 }.prefix(10)
            hasher.combine(recurring.count)
            for group in recurring {
                hasher.combine(group.name)
                hasher.combine(group.path)
                hasher.combine(group.postmortems.count)
                hasher.combine(group.lastSeen?.number ?? -1)
            }
        }
    }

    /// A page that shows nothing of the postmortems but how many there are (`search.html`).
    func count(_ path: String, _ count: Int) -> UInt64 {
        key("count", path) { $0.combine(count) }
    }

    /// A file of rows (`IndexRows`) at `path`, or a page made of nothing
    /// but its postmortems' rows and their facets (`template` "index": the
    /// first rows, the filters, the counts): those rows, in order.
    func rows(_ path: String, _ postmortems: [Postmortem], template: String = "rows") -> UInt64 {
        key(template, path) { hasher in combineRows(postmortems, into: &hasher) }
    }

    /// A page ranking `groups` (`PageContext.groupsPage`): each group's
    /// name, page, category, size and last date, and its members' rows,
    /// which hold the times to recover its figures are made from.
    func groups(_ path: String, _ groups: [Group]) -> UInt64 {
        key("groups", path) { hasher in
            hasher.combine(groups.count)
            for group in groups {
                hasher.combine(group.key)
                hasher.combine(group.name)
                hasher.combine(group.path)
                hasher.combine(group.category)
                hasher.combine(group.lastSeen?.number ?? -1)
                combineRows(group.postmortems, into: &hasher)
            }
        }
    }

    private func combineRows(_ postmortems: [Postmortem], into hasher: inout StableHasher) {
        hasher.combine(postmortems.count)
        for p in postmortems { combineRow(p.id, into: &hasher) }
    }

    /// What a link to postmortem `id` shows: its row's digest.
    private func combineRow(_ id: String, into hasher: inout StableHasher) {
        hasher.combine(id)
        hasher.combine(rowDigest(id))
    }

    /// Pending fixes as a list shows them: each item, and its postmortem's
    /// row (whose language its title is in).
    private func combinePending(_ items: [Recurrence.PendingItem], into hasher: inout StableHasher) {
        hasher.combine(items.count)
        for pending in items {
            combineRow(pending.id, into: &hasher)
            pending.item.combine(into: &hasher)
        }
    }

    private func key(_ template: String, _ path: String, _ body: (inout StableHasher) -> Void) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(global)
            hasher.combine(template)
            hasher.combine(path)
            body(&hasher)
        }
    }

    private func combine(_ postmortem: Postmortem, into hasher: inout StableHasher) {
        hasher.combine(postmortem.id)
        hasher.combine(revisionDigest(postmortem))
    }

    /// A page made from the whole knowledge base (index, rankings, trends…).
    func overview(_ template: String, _ path: String) -> UInt64 {
        key(template, path) { $0.combine(all) }
    }

    /// An incident's page: its postmortem's revision; of every other
    /// postmortem it links to (the previous and next, the related and
    /// similar ones, its recurrences and their pending fixes) what its row
    /// shows (title, date, severity, kind, language), not its revision, so
    /// a body edit renders that one page again, not its neighbours'.
    func incident(_ path: String, _ postmortem: Postmortem, previous: Postmortem?, next: Postmortem?,
                  related: RelatedIncidents, recurrence: Recurrence) -> UInt64 {
        key("incident", path) { hasher in
            combine(postmortem, into: &hasher)
            combineRow(previous, into: &hasher)
            combineRow(next, into: &hasher)
            // What two postmortems share is listed value by value; of their stories, only the cosine
            // (which depends on every story, so moves a little with any postmortem added) is not: the
            // page reads it as a related incident's nothing, and as a similar one's whole percentage
            // and score, which the key holds.
            hasher.combine(related.related.count)
            for item in related.related {
                combineRow(item.postmortem, into: &hasher)
                hasher.combine(item.reasons.count)
                for reason in item.reasons { hasher.combine(reason.rawValue) }
                hasher.combine(item.shared.causeKeys)
            }
            hasher.combine(related.similar.count)
            for item in related.similar {
                combineRow(item.postmortem, into: &hasher)
                hasher.combine(item.shared.causeKeys)
                hasher.combine(item.shared.categories)
                hasher.combine(item.shared.services)
                hasher.combine(item.shared.tags)
                hasher.combine(item.shared.text > 0)
                hasher.combine(item.shared.textPercent)
                hasher.combine(item.score)
            }
            for id in recurrence.recurrenceOf + ["/"] + recurrence.recurredBy { combineRow(id, into: &hasher) }
            hasher.combine(recurrence.recurrenceOfCount)
            hasher.combine(recurrence.recurredByCount)
            hasher.combine(recurrence.verdict?.rawValue)
            hasher.combine(recurrence.pendingCount)
            combinePending(recurrence.pendingItems, into: &hasher)
        }
    }

    /// What a link to `postmortem` shows: its row's digest.
    private func combineRow(_ postmortem: Postmortem?, into hasher: inout StableHasher) {
        guard let postmortem else { return hasher.combine(0 as UInt64) }
        combineRow(postmortem.id, into: &hasher)
    }

    /// A postmortem's record in the data files (`DataExport`): its outward
    /// fields (no record shows a body's own parts; the metrics' definition
    /// is in `global`) and its recurrences. A body edit leaves it alone.
    func record(_ postmortem: Postmortem, recurrence: Recurrence?) -> UInt64 {
        key("record", "") { hasher in
            hasher.combine(postmortem.id)
            hasher.combine(postmortem.outwardKey)
            let recurrence = recurrence ?? Recurrence()
            hasher.combine(recurrence.recurrenceOf + ["/"] + recurrence.recurredBy)
            hasher.combine(recurrence.recurrenceOfCount)
            hasher.combine(recurrence.recurredByCount)
            hasher.combine(recurrence.verdict?.rawValue)
        }
    }

    /// The trends page: what its figures and charts are made from, the
    /// samples (so not a body, a summary or an impact: an edit of those
    /// leaves the page alone) and the causes' names, pages, sizes and last dates.
    func trends(_ path: String, samples: [IncidentSample], causes: [Group]) -> UInt64 {
        let digests = Parallel.map(samples, minimumChunk: 512) { sample in StableHasher.digest { sample.combine(into: &$0) } }
        return key("trends", path) { hasher in
            hasher.combine(digests.count)
            for digest in digests { hasher.combine(digest) }
            hasher.combine(causes.count)
            for group in causes {
                hasher.combine(group.key)
                hasher.combine(group.name)
                hasher.combine(group.path)
                hasher.combine(group.postmortems.count)
                hasher.combine(group.lastSeen?.number ?? -1)
            }
        }
    }

    /// A page of an action-item list: its items, their incidents' titles and the list's size.
    func actionItemList(_ path: String, _ list: ActionItemLists.List, page number: Int) -> UInt64 {
        key("action-item-list", path) { hasher in
            combine(list, into: &hasher)
            hasher.combine(number)
            combine(list.entries(onPage: number), into: &hasher)
        }
    }

    /// `action-items.html`: every list's size and first items, and the number of items.
    func actionItems(_ path: String, _ lists: ActionItemLists) -> UInt64 {
        key("action-items", path) { hasher in
            hasher.combine(lists.entries.count)
            for list in lists.statuses + lists.owners {
                combine(list, into: &hasher)
                combine(list.entries.prefix(list.limit), into: &hasher)
            }
        }
    }

    private func combine(_ list: ActionItemLists.List, into hasher: inout StableHasher) {
        hasher.combine(list.id)
        hasher.combine(list.owner)
        hasher.combine(list.rank ?? -1)
        hasher.combine(list.limit)
        hasher.combine(list.entries.count)
        hasher.combine(list.unfinished)
        hasher.combine(list.pageCount)
    }

    /// What an item shows of its incident, not the incident's revision: a body edit leaves the lists alone.
    private func combine(_ entries: ArraySlice<ActionItemLists.Entry>, into hasher: inout StableHasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.postmortem.id)
            hasher.combine(entry.postmortem.title)
            hasher.combine(entry.postmortem.language.rawValue)
            hasher.combine(entry.rank)
            entry.item.combine(into: &hasher)
        }
    }

    /// A cause, category, service or tag page: its group's name and
    /// members' rows (the table, the figures, the time strip); on a cause
    /// page (`recurrences` given) also the verdict on each member's
    /// recurrence and its promised fixes, and the description with the
    /// member it comes from (whose language it is in). Not the members'
    /// revisions: a body edit leaves the pages alone.
    func group(_ path: String, _ group: Group, description: Group.Description?,
               recurrences: [String: Recurrence]? = nil) -> UInt64 {
        key("group", path) { hasher in
            hasher.combine(group.key)
            hasher.combine(group.name)
            hasher.combine(group.category)
            hasher.combine(description?.text)
            hasher.combine(description?.postmortem.id)
            combineRows(group.postmortems, into: &hasher)
            guard let recurrences else { return }
            for member in group.postmortems {
                hasher.combine(recurrences[member.id]?.verdict?.rawValue)
                hasher.combine(member.recurrenceFix.count)
                for item in member.recurrenceFix { item.combine(into: &hasher) }
            }
        }
    }
}

extension ActionItem {
    func combine(into hasher: inout StableHasher) {
        hasher.combine(title)
        hasher.combine(owner)
        hasher.combine(status.rawValue)
        // As numbers, not text: keys combine every item of every postmortem.
        hasher.combine(due?.number ?? -1)
        hasher.combine(completed?.number ?? -1)
        hasher.combine(ticket)
    }
}

extension IncidentSample {
    /// Every field, for a key (`PageKeys.trends`).
    func combine(into hasher: inout StableHasher) {
        hasher.combine(id)
        hasher.combine(title)
        hasher.combine(kind.rawValue)
        hasher.combine(status.rawValue)
        hasher.combine(severity)
        hasher.combine(category)
        hasher.combine(services)
        hasher.combine(start.map(\.timeIntervalSinceReferenceDate) ?? .nan)
        hasher.combine(day?.number ?? -1)
        for figure in [timings.recover, timings.detect, timings.mitigate] {
            hasher.combine(figure?.minutes ?? .nan)
            hasher.combine(figure?.source.rawValue)
            hasher.combine(figure?.approximate ?? false)
        }
        hasher.combine(hasCauseKey)
        hasher.combine(isRecurrence)
        hasher.combine(fixes.count)
        for item in fixes { item.combine(into: &hasher) }
    }
}
