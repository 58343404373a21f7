import Foundation

/// View models of the pages: plain dictionaries (swift-mustache reads them
/// without reflection), made from typed values by these functions only.
struct PageContext {
    let configuration: SiteConfiguration
    let labels: [String: String]
    let format: Formatting
    /// Today in the site's time zone: what "overdue" is measured against.
    let today: CalendarDate
    /// The pages of causes, categories, services and tags, for links.
    var names = PageNames()
    /// Rows and connection heads, each rendered when first needed and then shared (`FragmentCache`).
    var fragments: FragmentCache?

    init(configuration: SiteConfiguration, now: Date) {
        self.configuration = configuration
        labels = UILabels.labels(configuration.language)
        format = Formatting(language: configuration.language, timeZone: configuration.timeZone)
        today = CalendarDate(now, in: configuration.timeZone)
    }

    /// What every page has: the site, the labels, the way back to the root,
    /// the navigation entry it is under (`nav.<entry>` is true), and the
    /// site's header and footer for that root and entry, rendered once
    /// (`FragmentCache.siteHeader`).
    func base(pageTitle: String, root: String, nav: String) -> [String: Any] {
        let site = siteValues
        return ["site": site, "t": labels, "lang": configuration.language.rawValue, "root": root,
                "pageTitle": pageTitle, "description": configuration.description ?? "",
                "severityStyle": Self.severityStyle(configuration.severityLevels) ?? false,
                "nav": [nav: true],
                "siteHeader": fragments?.siteHeader(root: root, nav: nav, site: site) ?? "",
                "siteFooter": fragments?.siteFooter(root: root, site: site) ?? ""]
    }

    /// `site` of every page: its title and description.
    var siteValues: [String: Any] {
        var site: [String: Any] = ["title": configuration.title]
        if let description = configuration.description { site["description"] = description }
        return site
    }

    /// The CSS class of a severity: `sev1`…`sev4` for the first four configured
    /// levels (worst first), else `other`: one colour per level on every page.
    static func severityClass(_ severity: String, levels: [SeverityLevel] = SeverityLevel.defaults) -> String {
        guard let index = levels.firstIndex(where: { $0.id.uppercased() == severity.uppercased() }), index < 4 else {
            return "other"
        }
        return "sev\(index + 1)"
    }

    func severityClass(_ severity: String) -> String { Self.severityClass(severity, levels: configuration.severityLevels) }

    /// CSS that gives the levels with a configured `color` their colour
    /// (text, badge background, chart fill), overriding the theme's
    /// `--sevN` variables in light and dark mode; nil when none has one.
    static func severityStyle(_ levels: [SeverityLevel]) -> String? {
        let rules = levels.prefix(4).enumerated().compactMap { index, level -> String? in
            guard let color = level.color else { return nil }
            return "--sev\(index + 1): \(color); --sev\(index + 1)-bg: color-mix(in srgb, \(color) 16%, transparent);"
        }
        return rules.isEmpty ? nil : ":root { " + rules.joined(separator: " ") + " }"
    }

    func categoryLabel(_ id: String?) -> String? {
        guard let id else { return nil }
        return configuration.causeCategories.first { $0.id == id }?.label[configuration.language] ?? id
    }

    func statusLabel(_ status: String) -> String { labels[status] ?? status }

    /// The language of a postmortem's own text (title, body, impact, causes,
    /// fixes) when it is not the site's, for its `lang`; nil when it is.
    func contentLang(_ postmortem: Postmortem) -> String? {
        postmortem.language == configuration.language ? nil : postmortem.language.rawValue
    }

    // MARK: Index

    func index(_ postmortems: [Postmortem]) -> [String: Any] {
        var page = base(pageTitle: labels["incidents"] ?? "Incidents", root: "", nav: "incidents")
        let table = incidentTable(postmortems, root: "", rowsFile: IndexRows.indexFile)
        page.merge(table) { $1 }
        // The index filters even one page of rows (a paged table has its filters already: every facet).
        if table["filters"] == nil { page["filters"] = filters(postmortems) }
        let nearMisses = postmortems.count { $0.kind == .nearMiss }
        page["summaryLine"] = String(format: labels["summaryLine"] ?? "%d %d %d",
                                     postmortems.count, postmortems.count - nearMisses, nearMisses)
        return page
    }

    /// The keys of an incident table (`partials/incident-table`) of `postmortems`
    /// (newest first) on a page `root` below the site root: the first
    /// `IndexRows.pageSize` rows; with more, the filter controls and pager of
    /// `assets/filters.js`, which pages over every row from `rowsFile` (a site
    /// path, see `IndexRows`). `facets` picks the filters a paged table offers.
    func incidentTable(_ postmortems: [Postmortem], root: String, rowsFile: String,
                       facets: ([[String: Any]]) -> [[String: Any]] = { $0 }) -> [String: Any] {
        var table: [String: Any] = ["incidents": postmortems.prefix(IndexRows.pageSize).map { row($0, root: root) }]
        guard postmortems.count > IndexRows.pageSize else { return table }
        table["pageSize"] = IndexRows.pageSize
        table["rowsFile"] = root + rowsFile
        table["firstRows"] = (labels["firstRows"] ?? "{shown} / {total}")
            .replacingEvery("{shown}", with: "\(IndexRows.pageSize)")
            .replacingEvery("{total}", with: "\(postmortems.count)")
        table["filters"] = facets(filters(postmortems))
        return table
    }

    /// The index's filter controls: for each facet, the values its postmortems
    /// have (in the configuration's order, else sorted), and "not set" when
    /// some have none. A facet no postmortem has is left out.
    func filters(_ postmortems: [Postmortem]) -> [[String: Any]] {
        func options(_ values: (Postmortem) -> [String], order: [String] = [], descending: Bool = false,
                     label: (String) -> String = { $0 }) -> (options: [[String: Any]], unset: Bool) {
            let present = Set(postmortems.flatMap(values))
            let known = order.filter(present.contains)
            let others = present.subtracting(known).sorted { descending ? $0 > $1 : $0 < $1 }
            return ((known + others).map { ["value": $0, "label": label($0)] },
                    postmortems.contains { values($0).isEmpty })
        }
        let levels = configuration.severityLevels
        let facets: [(name: String, field: String, label: String, options: (options: [[String: Any]], unset: Bool))] = [
            ("severity", "severity", labels["severity"] ?? "", options({ $0.severity.map { [$0] } ?? [] }, order: levels.map(\.id),
                label: { id in levels.first { $0.id == id }.map { "\(id) · \($0.label[configuration.language])" } ?? id })),
            ("service", "services", labels["service"] ?? "", options(\.services)),
            ("category", "category", labels["causeCategory"] ?? "", options({ $0.primaryCause?.category.map { [$0] } ?? [] },
                order: configuration.causeCategories.map(\.id), label: { categoryLabel($0) ?? $0 })),
            ("year", "year", labels["year"] ?? "", options({ $0.date.map { ["\($0.year)"] } ?? [] }, descending: true)),
            ("status", "status", labels["status"] ?? "", options({ [$0.status.rawValue] },
                order: Postmortem.Status.allCases.map(\.rawValue), label: statusLabel)),
        ]
        return facets.filter { !$0.options.options.isEmpty }.map { facet in
            ["name": facet.name, "field": facet.field, "label": facet.label, "id": "filter-\(facet.name)",
             "options": facet.options.options, "unset": facet.options.unset]
        }
    }

    /// A postmortem's table row; with `html`, also the row rendered by the theme (`FragmentCache`, once per root).
    func row(_ postmortem: Postmortem, root: String = "", html: Bool = true) -> IncidentRow {
        guard let fragments else { return makeRow(postmortem, root: root) }
        var row = fragments.rowView(postmortem, root: root)
        if html { row.html = fragments.row(postmortem, root: root) }
        return row
    }

    /// A postmortem's table row, without its HTML, made now.
    func makeRow(_ postmortem: Postmortem, root: String) -> IncidentRow {
        let severity = postmortem.severity
        let categoryID = postmortem.primaryCause?.category
        let category = categoryLabel(categoryID)
        let recover = postmortem.timings(configuration.metrics).recover
        // The values the index's filters and sorting read (data-* attributes), empty when unknown.
        let levels = configuration.severityLevels
        let severityRank: String = severity.map { id in "\((levels.firstIndex { $0.id == id } ?? levels.count) + 1)" } ?? ""
        let statusRank = (Postmortem.Status.allCases.firstIndex(of: postmortem.status) ?? 0) + 1
        let facets: [String: String] = [
            "date": postmortem.date?.description ?? "", "year": postmortem.date.map { String($0.year) } ?? "",
            "title": postmortem.title, "severity": severity ?? "", "severityRank": severityRank,
            "services": postmortem.services.joined(separator: "|"), "category": categoryID ?? "",
            "status": postmortem.status.rawValue, "statusRank": String(statusRank),
            "ttr": recover.map { "\(Int($0.minutes.rounded()))" } ?? "",
        ]
        return IncidentRow(
            url: root + SitePaths.incidentPage(id: postmortem.id), id: postmortem.id, title: postmortem.title,
            services: postmortem.services,
            serviceLinks: postmortem.services.map { LinkView(name: $0, url: root + names.path(.services, $0)) },
            status: postmortem.status.rawValue, statusLabel: statusLabel(postmortem.status.rawValue),
            nearMiss: postmortem.kind == .nearMiss, date: postmortem.date.map { "\($0)" },
            severity: severity, severityClass: severity.map(severityClass),
            category: category, categoryURL: categoryID.map { root + names.path(.categories, $0) },
            ttr: recover.map { format.duration($0.minutes, approximate: $0.approximate) },
            ttrInferred: recover?.source == .inferred, facets: facets,
            contentLang: contentLang(postmortem))
    }

    // MARK: Incident

    func incident(_ postmortem: Postmortem, previous: Postmortem?, next: Postmortem?,
                  related: RelatedIncidents = RelatedIncidents(), recurrence: Recurrence = Recurrence(),
                  postmortemsByID: [String: Postmortem] = [:]) -> IncidentPage {
        let base = base(pageTitle: postmortem.title, root: "../", nav: "incidents")
        let causes = postmortem.causes.map { cause in
            let category = categoryLabel(cause.category)
            return CauseView(key: cause.key, url: "../" + names.path(.causes, cause.key), category: category,
                             categoryURL: cause.category.map { "../" + names.path(.categories, $0) },
                             summary: cause.summary)
        }
        let toc = postmortem.body.outline.filter { $0.level >= 2 && $0.level <= 3 }
            .map { ["id": $0.id, "text": $0.text, "level": $0.level + 1] as [String: Any] }
        // Related and similar incidents: each with its badge, date and why it is listed.
        func entry(_ other: Postmortem, _ reasons: [[String: Any]]) -> [String: Any] {
            let link = link(other)
            // false, not absent: Mustache would show the page's own date or severity instead.
            var entry: [String: Any] = ["url": link.url, "title": link.name, "id": other.id, "date": false, "severity": false,
                                        "contentLang": link.lang ?? false]
            if let date = other.date { entry["date"] = "\(date)" }
            if let severity = other.severity {
                entry["severity"] = severity
                entry["severityClass"] = severityClass(severity)
            }
            entry["nearMiss"] = other.kind == .nearMiss
            entry["head"] = fragments?.connectionHead(other, entry: entry) ?? ""
            entry["reasons"] = reasons
            entry["reasonList"] = fragments?.reasons(reasons) ?? ""
            return entry
        }
        func reason(_ key: String, _ values: [String] = [], strong: Bool = false) -> [String: Any] {
            // "shared service: a" for one value, "shared services: a, b" for several.
            let text = values.count > 1 ? labels[key + "Several"] ?? labels[key] ?? key : labels[key] ?? key
            let joined = values.joined(separator: labels["valueSeparator"] ?? ", ")
            return ["text": text.replacingEvery("{value}", with: joined), "strong": strong]
        }
        /// The labels of what two postmortems share; a shared cause first, as the strongest.
        func likeness(_ shared: Similarity, causeOnly: Bool = false) -> [[String: Any]] {
            var reasons: [[String: Any]] = shared.causeKeys.isEmpty ? [] : [reason("similarCause", strong: true)]
            guard !causeOnly else { return reasons }
            if !shared.categories.isEmpty { reasons.append(reason("similarCategory", shared.categories.map { categoryLabel($0) ?? $0 })) }
            if !shared.services.isEmpty { reasons.append(reason("similarService", shared.services)) }
            if !shared.tags.isEmpty { reasons.append(reason("similarTag", shared.tags)) }
            if shared.text > 0 { reasons.append(reason("similarText", ["\(shared.textPercent) %"])) }
            return reasons
        }
        let relatedEntries = related.related.map { item in
            entry(item.postmortem, item.reasons.map { kind in
                switch kind {
                case .listed: reason("relatedListed")
                case .linkedFromText: reason("relatedLinkedFromText")
                case .linksHere: reason("relatedLinksHere")
                }
            } + likeness(item.shared, causeOnly: true))
        }
        let similarEntries = related.similar.map { item in
            var entry = entry(item.postmortem, likeness(item.shared))
            entry["score"] = item.score
            return entry
        }
        return IncidentPage(
            base: base, row: row(postmortem, root: "../"),
            tagLinks: postmortem.tags.map { LinkView(name: $0, url: "../" + names.path(.tags, $0)) },
            dateLong: postmortem.date.map { format.longDate($0) },
            description: postmortem.description ?? postmortem.body.summary,
            figures: figures(postmortem), impact: postmortem.impact?.summary, milestones: milestones(postmortem),
            causes: causes, fixes: postmortem.recurrenceFix.map(fix), toc: toc,
            body: labelledTaskCheckboxes(postmortem.body.html), source: postmortem.source.relativePath,
            previous: previous.map(link), next: next.map(link),
            related: relatedEntries, similar: similarEntries,
            recurrence: recurrenceView(recurrence, postmortemsByID, causeKey: postmortem.primaryCause?.key))
    }

    /// The recurrence block, or nil when the incident shares no cause key
    /// with another: the nearest earlier and later incidents and the latest
    /// pending fixes, the rest counted with a link to the cause page.
    func recurrenceView(_ recurrence: Recurrence, _ byID: [String: Postmortem], causeKey: String? = nil) -> RecurrenceView? {
        guard recurrence.recurrenceOfCount > 0 || recurrence.recurredByCount > 0 else { return nil }
        func links(_ ids: [String]) -> [LinkView] {
            ids.map { id in
                LinkView(name: byID[id].map { "\(id) \($0.title)" } ?? id, url: SitePaths.incidentFile(id: id),
                         lang: byID[id].flatMap(contentLang))
            }
        }
        func more(_ hidden: Int) -> String? {
            hidden > 0 ? String(format: labels["moreOnCausePage"] ?? "+%d", hidden) : nil
        }
        let verdict = recurrence.verdict?.rawValue
        return RecurrenceView(
            of: links(recurrence.recurrenceOf), by: links(recurrence.recurredBy), verdict: verdict,
            verdictLabel: verdict.flatMap { labels["verdict-" + $0] }, verdictHelp: verdict.flatMap { labels["verdictHelp-" + $0] },
            pending: recurrence.pendingItems.map { pending in
                var view = pendingView(pending, lang: byID[pending.id].flatMap(contentLang))
                view.url = SitePaths.incidentFile(id: pending.id)
                return view
            },
            moreOf: more(recurrence.recurrenceOfCount - recurrence.recurrenceOf.count),
            moreBy: more(recurrence.recurredByCount - recurrence.recurredBy.count),
            morePending: more(recurrence.pendingCount - recurrence.pendingItems.count),
            causeURL: causeKey.map { "../" + names.path(.causes, $0) })
    }

    /// A fix that was not done when its cause came back, with the incident
    /// that promised it (`lang`: that incident's `contentLang`).
    func pendingView(_ pending: Recurrence.PendingItem, lang: String?) -> PendingFixView {
        PendingFixView(title: pending.item.title, id: pending.id, status: pending.item.status.rawValue,
                       statusLabel: statusLabel(pending.item.status.rawValue), contentLang: lang)
    }

    /// A link from one incident page to another (they share a folder).
    func link(_ postmortem: Postmortem) -> LinkView {
        LinkView(name: postmortem.title, url: SitePaths.incidentFile(id: postmortem.id), lang: contentLang(postmortem))
    }

    func figures(_ postmortem: Postmortem) -> [[String: Any]] {
        var figures: [[String: Any]] = []
        let timings = postmortem.timings(configuration.metrics)
        for (key, figure) in [("ttr", timings.recover), ("ttd", timings.detect), ("ttm", timings.mitigate)] {
            guard let figure else { continue }
            figures.append(["label": labels[key] ?? key, "value": format.duration(figure.minutes, approximate: figure.approximate),
                            "inferred": figure.source == .inferred])
        }
        if let users = postmortem.impact?.usersAffected {
            figures.append(["label": labels["usersAffected"] ?? "", "value": format.number(users), "inferred": false])
        }
        if let calls = postmortem.impact?.supportCalls {
            figures.append(["label": labels["supportCalls"] ?? "", "value": format.number(calls), "inferred": false])
        }
        return figures
    }

    func milestones(_ postmortem: Postmortem) -> [[String: Any]] {
        let m = postmortem.milestones
        return [("started", m.startedAt), ("detected", m.detectedAt), ("mitigated", m.mitigatedAt), ("resolved", m.resolvedAt)]
            .compactMap { key, instant in
                guard let instant else { return nil }
                return ["label": labels[key] ?? key, "time": format.time(instant),
                        "iso": DateTimeParsing.iso8601(instant, in: configuration.timeZone)]
            }
    }

    func fix(_ item: ActionItem) -> [String: Any] {
        // false, not absent, for what is unknown: Mustache would look it up in the enclosing contexts.
        var entry: [String: Any] = ["title": item.title, "status": item.status.rawValue,
                                    "statusLabel": statusLabel(item.status.rawValue),
                                    "owner": false, "due": false, "overdue": false]
        if let owner = item.owner { entry["owner"] = owner }
        if let due = item.due {
            entry["due"] = "\(due)"
            entry["overdue"] = item.isOverdue(on: today)
        }
        return entry
    }
}
