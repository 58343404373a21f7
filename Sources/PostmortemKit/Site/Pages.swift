import Foundation

/// View models of the pages: plain dictionaries (swift-mustache reads them
/// without reflection), made from typed values by these functions only.
struct PageContext {
    let configuration: SiteConfiguration
    let labels: [String: String]
    let format: Formatting
    /// Today in the site's time zone: what "overdue" is measured against.
    let today: CalendarDate

    init(configuration: SiteConfiguration, now: Date) {
        self.configuration = configuration
        labels = UILabels.labels(configuration.language)
        format = Formatting(language: configuration.language, timeZone: configuration.timeZone)
        today = CalendarDate(now, in: configuration.timeZone)
    }

    /// What every page has: the site, the labels, the way back to the root.
    func base(pageTitle: String, root: String) -> [String: Any] {
        var site: [String: Any] = ["title": configuration.title]
        if let description = configuration.description { site["description"] = description }
        return ["site": site, "t": labels, "lang": configuration.language.rawValue, "root": root,
                "pageTitle": pageTitle, "description": configuration.description ?? ""]
    }

    func severityClass(_ severity: String) -> String {
        let known = ["SEV1", "SEV2", "SEV3", "SEV4"]
        return known.contains(severity.uppercased()) ? severity.lowercased() : "other"
    }

    func categoryLabel(_ id: String?) -> String? {
        guard let id else { return nil }
        return configuration.causeCategories.first { $0.id == id }?.label[configuration.language] ?? id
    }

    func statusLabel(_ status: String) -> String { labels[status] ?? status }

    // MARK: Index

    func index(_ postmortems: [Postmortem]) -> [String: Any] {
        var page = base(pageTitle: labels["incidents"] ?? "Incidents", root: "")
        page["nav"] = ["incidents": true]
        page["incidents"] = postmortems.map { row($0) }
        let nearMisses = postmortems.count { $0.kind == .nearMiss }
        page["summaryLine"] = String(format: labels["summaryLine"] ?? "%d %d %d",
                                     postmortems.count, postmortems.count - nearMisses, nearMisses)
        return page
    }

    func row(_ postmortem: Postmortem, root: String = "") -> [String: Any] {
        var row: [String: Any] = [
            "url": root + SitePaths.incidentPage(id: postmortem.id), "id": postmortem.id, "title": postmortem.title,
            "services": postmortem.services,
            "status": postmortem.status.rawValue, "statusLabel": statusLabel(postmortem.status.rawValue),
            "nearMiss": postmortem.kind == .nearMiss,
        ]
        if let date = postmortem.date { row["date"] = "\(date)" }
        if let severity = postmortem.severity {
            row["severity"] = severity
            row["severityClass"] = severityClass(severity)
        }
        if let category = categoryLabel(postmortem.primaryCause?.category) { row["category"] = category }
        if let recover = postmortem.timings.recover {
            row["ttr"] = format.duration(recover.minutes, approximate: recover.approximate)
            row["ttrInferred"] = recover.source == .inferred
        }
        return row
    }

    // MARK: Incident

    func incident(_ postmortem: Postmortem, previous: Postmortem?, next: Postmortem?) -> [String: Any] {
        var page = base(pageTitle: postmortem.title, root: "../")
        page["nav"] = ["incidents": true]
        for (key, value) in row(postmortem) where key != "url" { page[key] = value }
        if let date = postmortem.date { page["dateLong"] = format.longDate(date) }
        page["description"] = postmortem.description ?? postmortem.body.summary
        page["figures"] = figures(postmortem)
        if let impact = postmortem.impact?.summary { page["impact"] = impact }
        let milestones = self.milestones(postmortem)
        page["milestones"] = milestones
        page["hasMilestones"] = !milestones.isEmpty
        let causes = postmortem.causes.map { cause -> [String: Any] in
            var entry: [String: Any] = ["key": cause.key]
            if let category = categoryLabel(cause.category) { entry["category"] = category }
            if let summary = cause.summary { entry["summary"] = summary }
            return entry
        }
        page["causes"] = causes
        page["hasCauses"] = !causes.isEmpty
        let fixes = postmortem.recurrenceFix.map(fix)
        page["fixes"] = fixes
        page["hasFix"] = !fixes.isEmpty
        let toc = postmortem.body.outline.filter { $0.level >= 2 && $0.level <= 3 }
            .map { ["id": $0.id, "text": $0.text, "level": $0.level + 1] as [String: Any] }
        page["toc"] = toc
        page["hasToc"] = toc.count >= 2
        page["body"] = postmortem.body.html
        page["source"] = postmortem.source.relativePath
        if let previous { page["previous"] = link(previous) }
        if let next { page["next"] = link(next) }
        return page
    }

    func link(_ postmortem: Postmortem) -> [String: Any] {
        ["url": String(SitePaths.incidentPage(id: postmortem.id).dropFirst("incidents/".count)), "title": postmortem.title]
    }

    func figures(_ postmortem: Postmortem) -> [[String: Any]] {
        var figures: [[String: Any]] = []
        let timings = postmortem.timings
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
                        "iso": ISO8601DateFormatter.string(from: instant, timeZone: configuration.timeZone,
                                                           formatOptions: [.withInternetDateTime])]
            }
    }

    func fix(_ item: ActionItem) -> [String: Any] {
        var entry: [String: Any] = ["title": item.title, "status": item.status.rawValue,
                                    "statusLabel": statusLabel(item.status.rawValue)]
        if let owner = item.owner { entry["owner"] = owner }
        if let due = item.due {
            entry["due"] = "\(due)"
            entry["overdue"] = (item.status == .open || item.status == .inProgress) && due < today
        }
        return entry
    }
}
