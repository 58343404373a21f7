import Foundation

/// Every recurrence-fix item of the knowledge base, sorted once for
/// `action-items.html` and its list pages: by status (overdue first, then in
/// progress, open, done, won't do) and by owner (owners with the most
/// unfinished items first), in each list the overdue and the soonest due first.
///
/// `action-items.html` shows each status's first `statusLimit` items and
/// each owner's first `ownerLimit`; a longer list also gets its own pages of
/// `pageSize` items, `action-items/<list>.html`, `<list>-2.html`…, linked from
/// it, so the page stays the same size however many items there are and every
/// item is still a link away (no script needed).
struct ActionItemLists: Sendable {
    static let statusLimit = 100
    static let ownerLimit = 20
    static let pageSize = 250
    static let folder = "action-items"

    /// An item as its incident and its place in the incident's recurrence
    /// fix: 16 bytes, where a copy of the item was about 130 and each is in
    /// three lists (4 % of a full build's peak memory at 100,000).
    struct Entry: Sendable {
        /// One reference: a `Postmortem` shares its fields.
        let postmortem: Postmortem
        private let number: Int32
        private let storedRank: UInt8

        init(_ postmortem: Postmortem, number: Int, rank: Int) {
            self.postmortem = postmortem
            self.number = Int32(number)
            storedRank = UInt8(rank)
        }

        var item: ActionItem { postmortem.recurrenceFix[Int(number)] }
        /// 0 overdue, 1 in progress, 2 open, 3 done, 4 won't do.
        var rank: Int { Int(storedRank) }
    }

    /// One list: a status's or an owner's items, and its own pages when it is too long for `action-items.html`.
    struct List: Sendable {
        /// `overdue`, `in-progress`, `open`, `done`, `wont-do`, or `owner-<name>` / `unassigned`.
        let id: String
        /// The owner, "" for unassigned; nil for a status list.
        let owner: String?
        /// The status rank of a status list.
        let rank: Int?
        let entries: [Entry]
        /// Items shown on `action-items.html`.
        let limit: Int

        var unfinished: Int { entries.count { $0.rank < 3 } }
        var pageCount: Int { entries.count > limit ? (entries.count + ActionItemLists.pageSize - 1) / ActionItemLists.pageSize : 0 }

        /// The items on page `number` (from 1) of the list's own pages.
        func entries(onPage number: Int) -> ArraySlice<Entry> {
            entries.dropFirst((number - 1) * ActionItemLists.pageSize).prefix(ActionItemLists.pageSize)
        }

        /// The site path of page `number` (from 1) of the list.
        func path(page number: Int) -> String {
            "\(ActionItemLists.folder)/\(id)" + (number > 1 ? "-\(number).html" : ".html")
        }
    }

    static let statusIDs = ["overdue", "in-progress", "open", "done", "wont-do"]

    let entries: [Entry]
    /// The five statuses, empty ones included.
    let statuses: [List]
    let owners: [List]

    init(_ ordered: [Postmortem], today: CalendarDate) {
        func rank(_ item: ActionItem) -> Int {
            if item.isOverdue(on: today) { return 0 }
            switch item.status {
            case .inProgress: return 1
            case .open: return 2
            case .done: return 3
            case .wontDo: return 4
            }
        }
        // By rank, due date (none after any date before the year 9999) and id; each key made once, not per comparison.
        func key(_ entry: Entry) -> (Int, Int, String) {
            (entry.rank, CalendarDate.sortNumber(entry.item.due), entry.postmortem.id)
        }
        var made: [Entry] = []
        for p in ordered {
            for (number, item) in p.recurrenceFix.enumerated() { made.append(Entry(p, number: number, rank: rank(item))) }
        }
        let keys = made.map(key)
        entries = made.indices.sorted { keys[$0] < keys[$1] }.map { made[$0] }
        var byRank: [[Entry]] = Array(repeating: [], count: 5)
        for entry in entries { byRank[entry.rank].append(entry) }
        statuses = byRank.enumerated().map { rank, items in
            List(id: Self.statusIDs[rank], owner: nil, rank: rank, entries: items, limit: Self.statusLimit)
        }
        var byOwner: [String: [Entry]] = [:]
        for entry in entries { byOwner[entry.item.owner ?? "", default: []].append(entry) }
        let sorted = byOwner.map { owner, items in (owner: owner, items: items, unfinished: items.count { $0.rank < 3 }) }
            .sorted { a, b in
                (a.owner.isEmpty ? 1 : 0, -a.unfinished, a.owner) < (b.owner.isEmpty ? 1 : 0, -b.unfinished, b.owner)
            }
        // File names: `unassigned`, `owner-<name>`; two owners with the same file name get -2, -3… in sorted order.
        var used: Set<String> = []
        var ids: [String: String] = [:]
        for owner in byOwner.keys.sortedByUTF8() {
            let base = owner.isEmpty ? "unassigned" : "owner-" + SitePaths.fileName(owner)
            var candidate = base, number = 2
            while used.contains(candidate.lowercased()) {
                candidate = "\(base)-\(number)"
                number += 1
            }
            used.insert(candidate.lowercased())
            ids[owner] = candidate
        }
        owners = sorted.map { owner in
            List(id: ids[owner.owner] ?? "unassigned", owner: owner.owner, rank: nil, entries: owner.items, limit: Self.ownerLimit)
        }
    }

    /// Every list page: list, page number (from 1).
    var pages: [(list: List, page: Int)] {
        (statuses + owners).flatMap { list in list.pageCount > 0 ? (1...list.pageCount).map { (list, $0) } : [] }
    }
}

extension PageContext {
    func actionItemsPage(_ ordered: [Postmortem]) -> [String: Any] {
        actionItemsPage(ActionItemLists(ordered, today: today))
    }

    /// `action-items.html`: the exact counts, then each status's and each
    /// owner's first items, with a link to the list's pages when it has more.
    func actionItemsPage(_ lists: ActionItemLists) -> [String: Any] {
        var page = base(pageTitle: labels["actionItems"] ?? "", root: "", nav: "actionItems")
        page["statuses"] = lists.statuses.filter { !$0.entries.isEmpty }.map { list -> [String: Any] in
            ["id": "status-\(list.id)", "name": listName(list), "count": list.entries.count,
             "unfinished": (list.rank ?? 0) < 3, "items": list.entries.prefix(list.limit).map { actionItemView($0, root: "", showOwner: true) },
             "more": moreLink(list, root: "")]
        }
        page["statusFigures"] = lists.statuses.map { list -> [String: Any] in
            ["label": listName(list), "value": list.entries.count, "id": "status-\(list.id)",
             "linked": !list.entries.isEmpty, "alert": list.rank == 0 && !list.entries.isEmpty]
        }
        page["owners"] = lists.owners.map { list -> [String: Any] in
            ["owner": listName(list), "count": list.entries.count, "unfinished": list.unfinished,
             "items": list.entries.prefix(list.limit).map { actionItemView($0, root: "", showOwner: false) },
             "more": moreLink(list, root: "")]
        }
        let open = lists.statuses.prefix(3).reduce(0) { $0 + $1.entries.count }
        let overdue = lists.statuses.first?.entries.count ?? 0
        page["summaryLine"] = String(format: labels["actionSummary"] ?? "%d %d %d", lists.entries.count, open, overdue)
        return page
    }

    /// Page `number` of a list too long for `action-items.html`.
    func actionItemListPage(_ list: ActionItemLists.List, page number: Int) -> [String: Any] {
        let name = listName(list)
        let pages = list.pageCount
        let pageOf = (labels["pageOf"] ?? "{page} / {pages}")
            .replacingEvery("{page}", with: "\(number)").replacingEvery("{pages}", with: "\(pages)")
        var page = base(pageTitle: "\(name) · \(labels["actionItems"] ?? "")" + (pages > 1 ? " · \(pageOf)" : ""), root: "../",
                        nav: "actionItems")
        page["heading"] = name
        page["count"] = list.entries.count
        page["pageOf"] = pageOf
        page["items"] = list.entries(onPage: number).map { actionItemView($0, root: "../", showOwner: list.owner == nil) }
        if pages > 1 {
            func file(_ n: Int) -> String { String(list.path(page: n).dropFirst(ActionItemLists.folder.count + 1)) }
            func link(_ key: String, _ target: Int) -> [String: Any] {
                let usable = target >= 1 && target <= pages && target != number
                return ["label": labels[key] ?? key, "url": usable ? file(target) : false]
            }
            page["pager"] = [
                "links": [link("firstPage", 1), link("previousPage", number - 1)],
                "numbers": Self.pageWindow(page: number, of: pages).map { n -> [String: Any] in
                    guard let n else { return ["gap": true, "current": false] }
                    return ["number": n, "url": file(n), "current": n == number, "gap": false]
                },
                "after": [link("nextPage", number + 1), link("lastPage", pages)],
            ]
        }
        return page
    }

    /// The page numbers a pager links: the first, the last, and those within
    /// `radius` of `page`, nil standing for each run of pages left out (a run
    /// of one is shown instead), so a pager has at most `2 × radius + 5`
    /// entries however many pages a list has: a page linking every other page
    /// made the list pages quadratic in the items (2,219 pages at 100,000
    /// postmortems).
    static func pageWindow(page: Int, of pages: Int, radius: Int = 2) -> [Int?] {
        guard pages > 0 else { return [] }
        let low = max(1, page - radius), high = min(pages, page + radius)
        var shown: [Int?] = []
        if low > 1 { shown.append(1) }
        if low == 3 { shown.append(2) } else if low > 3 { shown.append(nil) }
        shown += (low...high).map { $0 }
        if high == pages - 2 { shown.append(pages - 1) } else if high < pages - 2 { shown.append(nil) }
        if high < pages { shown.append(pages) }
        return shown
    }

    /// A status's name ("Overdue", "Done") or an owner's ("@kato", "Unassigned").
    func listName(_ list: ActionItemLists.List) -> String {
        if let owner = list.owner { return owner.isEmpty ? (labels["unassigned"] ?? "") : "@" + owner }
        let rank = list.rank ?? 0
        return rank == 0 ? (labels["overdueItems"] ?? "") : statusLabel(ActionItemLists.statusIDs[rank])
    }

    /// "All 4,079 on 17 pages →" for a list longer than `action-items.html` shows, else false.
    func moreLink(_ list: ActionItemLists.List, root: String) -> Any {
        guard list.pageCount > 0 else { return false }
        return ["url": root + list.path(page: 1),
                "text": fill(labels[list.pageCount == 1 ? "allItemsOne" : "allItems"] ?? "{total} {pages}",
                             ["total": list.entries.count, "pages": list.pageCount])]
    }

    func actionItemView(_ entry: ActionItemLists.Entry, root: String, showOwner: Bool) -> [String: Any] {
        var item = fix(entry.item)
        item["incident"] = entry.postmortem.title
        item["contentLang"] = contentLang(entry.postmortem) ?? false
        item["url"] = root + SitePaths.incidentPage(id: entry.postmortem.id)
        // false, not absent: Mustache would find the owner group's own "owner" instead.
        if !showOwner { item["owner"] = false }
        return item
    }
}
