import Foundation

/// Postmortems grouped by what they share: a cause, a category, a service,
/// a tag. Each group knows its figures; time figures count published and
/// in-review incidents only (drafts and near misses are left out).
struct Group {
    var key: String
    var name: String
    /// The group's page, relative to the site root.
    var path: String
    var category: String?
    /// Newest first.
    var postmortems: [Postmortem]

    /// A cause's description: a summary written for it, and the postmortem it is written in.
    struct Description: Sendable {
        var text: String
        var postmortem: Postmortem
    }

    /// For a cause: the summary of the newest postmortem that gives this key one.
    var causeDescription: Description? {
        for postmortem in postmortems {
            if let summary = postmortem.causes.first(where: { $0.key == key && $0.summary != nil })?.summary {
                return Description(text: summary, postmortem: postmortem)
            }
        }
        return nil
    }

    var incidents: [Postmortem] { postmortems.filter { $0.kind == .incident && $0.status != .draft } }
    var lastSeen: CalendarDate? { postmortems.compactMap(\.date).max() }
    var firstSeen: CalendarDate? { postmortems.compactMap(\.date).min() }

    /// Groups of `ordered` (newest first) by the keys each postmortem has;
    /// the most postmortems first, then by name. `category` sees a key and
    /// its members (newest first), so it never scans every postmortem.
    static func make(_ ordered: [Postmortem], kind: PageNames.Kind, names: PageNames, keys: (Postmortem) -> [String],
                     name: (String) -> String = { $0 },
                     category: (String, [Postmortem]) -> String? = { _, _ in nil }) -> [Group] {
        var members: [String: [Postmortem]] = [:]
        for postmortem in ordered {
            for key in Set(keys(postmortem)) where !key.isEmpty { members[key, default: []].append(postmortem) }
        }
        return members.map { key, postmortems in
            Group(key: key, name: name(key), path: names.path(kind, key), category: category(key, postmortems),
                  postmortems: postmortems)
        }.sorted { ($0.postmortems.count, $1.key) > ($1.postmortems.count, $0.key) }
    }
}

extension PageContext {
    /// The group's times to recover as statistics count them (the configured definition).
    func recovery(_ group: Group) -> Statistics? {
        let metrics = configuration.metrics
        return Statistics(group.incidents.compactMap { $0.timings(metrics).counted(metrics).recover?.minutes })
    }

    func groupFigures(_ group: Group) -> [[String: Any]] {
        var figures: [[String: Any]] = [["label": labels["postmortems"] ?? "", "value": "\(group.postmortems.count)"]]
        if let ttr = recovery(group) {
            figures.append(["label": labels["totalTTR"] ?? "", "value": format.duration(ttr.total)])
            figures.append(["label": labels["medianTTR"] ?? "", "value": format.duration(ttr.median)])
        }
        if let first = group.firstSeen { figures.append(["label": labels["firstSeen"] ?? "", "value": "\(first)"]) }
        if let last = group.lastSeen { figures.append(["label": labels["lastSeen"] ?? "", "value": "\(last)"]) }
        return figures
    }

    /// One group's page: its figures and its postmortems.
    /// `descriptionLang`: the language of `description` when it is a
    /// postmortem's text in another language than the site's.
    func groupPage(_ group: Group, heading: String, description: String?, descriptionLang: String? = nil,
                   parent: (title: String, url: String), nav: String) -> [String: Any] {
        var page = base(pageTitle: heading, root: "../", nav: nav)
        page["heading"] = heading
        if let description { page["description"] = description }
        page["descriptionLang"] = descriptionLang ?? false
        page["parentTitle"] = parent.title
        page["parentURL"] = "../" + parent.url
        page["figures"] = groupFigures(group)
        page.merge(incidentTable(group.postmortems, root: "../", rowsFile: IndexRows.rowsFile(group)) { facets in
            // A facet that cannot narrow this group (one value, always set) is left out.
            facets.filter { (($0["options"] as? [Any])?.count ?? 0) >= 2 || ($0["unset"] as? Bool ?? false) }
        }) { $1 }
        return page
    }

    /// A service's page: the group page, with its owner from `services:` in
    /// postmortem.yml first among the figures.
    func servicePage(_ group: Group) -> [String: Any] {
        var page = groupPage(group, heading: group.name, description: nil,
                             parent: (labels["servicesNav"] ?? "", "services/index.html"), nav: "services")
        if let owner = configuration.service(group.key)?.owner {
            let figures = page["figures"] as? [[String: Any]] ?? []
            page["figures"] = [["label": labels["serviceOwner"] ?? "", "value": owner]] + figures
        }
        return page
    }

    /// A cause's page: the group page, with its occurrences on a time strip,
    /// the verdicts on its recurrences, and every fix ever promised for it.
    func causePage(_ group: Group, description: Group.Description?, parent: (title: String, url: String),
                   recurrences: [String: Recurrence]) -> [String: Any] {
        var page = groupPage(group, heading: group.name, description: description?.text,
                             descriptionLang: description.flatMap { contentLang($0.postmortem) }, parent: parent, nav: "causes")
        if let id = group.category, let label = categoryLabel(id) {
            page["categoryName"] = label
            page["categoryURL"] = "../" + names.path(.categories, id)
        }
        if let strip = TimeStrip.svg(group.postmortems, label: labels["timeStrip"] ?? "", monthLabel: labels["timeStripMonth"] ?? "",
                                     levels: configuration.severityLevels) {
            page["timeline"] = strip
            page["timelineCaption"] = labels[TimeStrip.byMonth(group.postmortems) ? "timeStripMonthsCaption" : "timeStripCaption"] ?? ""
        }
        // Oldest first: the story of the cause in order; past `causeListLimit`, its latest chapters, the rest counted.
        let limit = Self.causeListLimit
        let chronological = group.postmortems.reversed()
        let withVerdict = chronological.compactMap { p in recurrences[p.id]?.verdict.map { (p, $0) } }
        page["verdicts"] = withVerdict.suffix(limit).map { p, verdict -> [String: Any] in
            ["id": p.id, "title": p.title, "url": "../" + SitePaths.incidentPage(id: p.id), "contentLang": contentLang(p) ?? false,
             "verdict": verdict.rawValue, "verdictLabel": labels["verdict-" + verdict.rawValue] ?? verdict.rawValue,
             "date": p.date.map { "\($0)" } ?? false]
        }
        if withVerdict.count > limit {
            page["verdictsShown"] = fill(labels["verdictsShown"] ?? "", ["shown": limit, "total": withVerdict.count,
                                                                        "escaped": withVerdict.count { $0.1 == .escaped },
                                                                        "pending": withVerdict.count { $0.1 == .pending }])
        }
        let promised = chronological.flatMap { p in p.recurrenceFix.map { (p, $0) } }
        let fixes = promised.suffix(limit).map { p, item -> [String: Any] in
            var entry = fix(item)
            entry["incident"] = p.title
            entry["url"] = "../" + SitePaths.incidentPage(id: p.id)
            entry["contentLang"] = contentLang(p) ?? false
            return entry
        }
        if promised.count > limit {
            page["fixesShown"] = fill(labels["fixesShown"] ?? "", ["shown": limit, "total": promised.count,
                                                                  "unfinished": promised.count { $0.1.status == .open || $0.1.status == .inProgress }])
        }
        page["hasVerdicts"] = !withVerdict.isEmpty
        page["fixes"] = fixes
        page["hasFixes"] = !fixes.isEmpty
        return page
    }

    /// The verdicts and fixes a cause page lists, the latest first to go.
    static let causeListLimit = 50

    /// `text` with each `{name}` replaced by its number.
    func fill(_ text: String, _ values: [String: Int]) -> String {
        values.reduce(text) { text, value in text.replacingEvery("{\(value.key)}", with: format.number(value.value)) }
    }

    /// A ranking of groups: causes or services.
    func groupsPage(_ groups: [Group], heading: String, lead: String, nameLabel: String, showCategory: Bool,
                    nav: String) -> [String: Any] {
        var page = base(pageTitle: heading, root: "../", nav: nav)
        page["heading"] = heading
        page["lead"] = lead
        page["nameLabel"] = nameLabel
        page["showCategory"] = showCategory
        let recoveries = Dictionary(groups.map { ($0.key, recovery($0)) }, uniquingKeysWith: { first, _ in first })
        func entry(_ group: Group) -> [String: Any] {
            let ttr = recoveries[group.key] ?? nil
            var entry: [String: Any] = [
                "name": group.name, "url": String(group.path.split(separator: "/").last ?? ""),
                "count": group.postmortems.count, "recurring": group.postmortems.count >= 2,
                "totalTTR": ttr.map { format.duration($0.total) } ?? "—",
                "medianTTR": ttr.map { format.duration($0.median) } ?? "—",
                "category": false, "lastSeen": false,
            ]
            if let category = group.category {
                entry["category"] = categoryLabel(category)
                entry["categoryURL"] = "../" + names.path(.categories, category)
            }
            if let last = group.lastSeen { entry["lastSeen"] = "\(last)" }
            return entry
        }
        page["groups"] = groups.map(entry)
        // The second ranking: where the hours went (the ten costliest, any that have a time to recover).
        let costliest = groups.compactMap { group in (recoveries[group.key] ?? nil).map { (group, $0.total) } }
            .sorted { ($0.1, $1.0.key) > ($1.1, $0.0.key) }
            .prefix(10).map(\.0)
        // One context holding `groups`, so the same table partial renders it.
        page["byTTR"] = ["groups": costliest.map(entry)]
        page["hasByTTR"] = costliest.count >= 2
        return page
    }
}
