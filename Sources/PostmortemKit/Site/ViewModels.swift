import Mustache

// Typed view models of what the site renders once per postmortem (the hot
// path): a row of an incident table and an incident page. Templates read them
// through `MustacheParent`, a switch per key, never `Mirror`.
//
// An unknown optional is `false`, not nil: Mustache looks a nil key up in the
// enclosing contexts, so a related incident without a severity would show the
// page's own severity.

/// A link with its text: a service, a tag, a neighbouring page.
struct LinkView: MustacheParent, Sendable, Equatable {
    var name: String
    var url: String
    /// The language of the text when it is another postmortem's, in another language than the site's.
    var lang: String? = nil

    func child(named key: String) -> Any? {
        switch key {
        case "name", "title": name
        case "url": url
        // false, not absent: a link to another postmortem must not take the page's own language.
        case "contentLang": lang ?? false
        default: nil
        }
    }
}

/// One postmortem in an incident table (index, cause, service, tag pages).
struct IncidentRow: MustacheParent, Sendable {
    var url: String
    var id: String
    var title: String
    var services: [String]
    var serviceLinks: [LinkView]
    var status: String
    var statusLabel: String
    var nearMiss: Bool
    var date: String?
    var severity: String?
    var severityClass: String?
    var category: String?
    var categoryURL: String?
    var ttr: String?
    var ttrInferred: Bool
    /// What the index's filters and sorting read (data-* attributes), "" when unknown.
    var facets: [String: String]
    /// The postmortem's language when it is not the site's (`lang` on its title and text), else nil.
    var contentLang: String?
    /// The row rendered once by `partials/incident-row` (tables show it as it is).
    var html: String = ""

    func child(named key: String) -> Any? {
        switch key {
        case "url": url
        case "id": id
        case "title": title
        case "services": services
        case "serviceLinks": serviceLinks
        case "status": status
        case "statusLabel": statusLabel
        case "nearMiss": nearMiss
        case "date": date ?? false
        case "severity": severity ?? false
        case "severityClass": severityClass ?? false
        case "category": category ?? false
        case "categoryURL": categoryURL ?? false
        case "ttr": ttr ?? false
        case "ttrInferred": ttrInferred
        case "facets": facets
        case "contentLang": contentLang ?? false
        case "html": html
        default: nil
        }
    }
}

/// A cause on an incident page, linked to its page and its category's.
struct CauseView: MustacheParent, Sendable {
    var key: String
    var url: String
    var category: String?
    var categoryURL: String?
    var summary: String?

    func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "url": url
        case "category": category ?? false
        case "categoryURL": categoryURL ?? false
        case "summary": summary ?? false
        default: nil
        }
    }
}

/// An incident page: the row's facts, then everything the page adds. Keys
/// of neither (the site, labels, root) come from the page's base.
struct IncidentPage: MustacheParent {
    var base: [String: Any]
    var row: IncidentRow
    var tagLinks: [LinkView]
    var dateLong: String?
    var description: String
    var figures: [[String: Any]]
    var impact: String?
    var milestones: [[String: Any]]
    var causes: [CauseView]
    var fixes: [[String: Any]]
    var toc: [[String: Any]]
    var body: String
    var source: String
    var previous: LinkView?
    var next: LinkView?
    var related: [[String: Any]]
    var similar: [[String: Any]]
    var recurrence: RecurrenceView?

    func child(named name: String) -> Any? {
        switch name {
        case "recurrence": recurrence.map { ViewBox($0) } ?? false
        case "url": false  // the page's own address is not a link on it
        case "tagLinks": tagLinks
        case "dateLong": dateLong ?? false
        case "description": description
        case "figures": figures
        case "impact": impact ?? false
        case "milestones": milestones
        case "hasMilestones": !milestones.isEmpty
        case "causes": causes
        case "hasCauses": !causes.isEmpty
        case "fixes": fixes
        case "hasFix": !fixes.isEmpty
        case "toc": toc
        case "hasToc": toc.count >= 2
        case "body": body
        case "source": source
        case "previous": previous ?? false
        case "next": next ?? false
        case "related": related
        case "hasRelated": !related.isEmpty
        case "similar": similar
        case "hasSimilar": !similar.isEmpty
        case "hasConnections": !related.isEmpty || !similar.isEmpty
        default: row.child(named: name) ?? base[name]
        }
    }
}

/// An incident's recurrence block: what it recurs, how the fixes promised
/// then stood, and what recurred after it.
struct RecurrenceView: MustacheParent, Sendable {
    var of: [LinkView]
    var by: [LinkView]
    /// `escaped` or `pending`, or nil when no fix was promised.
    var verdict: String?
    var verdictLabel: String?
    var verdictHelp: String?
    var pending: [PendingFixView]
    /// "and 12 more on the cause page" for what the lists leave out (a page
    /// lists the nearest few, so a cause seen 500 times does not make 500
    /// links on each of its 500 pages), or nil.
    var moreOf: String? = nil
    var moreBy: String? = nil
    var morePending: String? = nil
    /// The cause page that lists them all.
    var causeURL: String? = nil

    func child(named name: String) -> Any? {
        switch name {
        case "of": of
        case "hasOf": !of.isEmpty
        case "by": by
        case "hasBy": !by.isEmpty
        case "moreOf": moreOf ?? false
        case "moreBy": moreBy ?? false
        case "morePending": morePending ?? false
        case "causeURL": causeURL ?? false
        case "verdict": verdict ?? false
        case "verdictLabel": verdictLabel ?? false
        case "verdictHelp": verdictHelp ?? false
        case "pending": pending
        case "hasPending": !pending.isEmpty
        default: nil
        }
    }
}

/// A fix that was still pending when its cause came back: its title is the
/// text of the postmortem that promised it, in that postmortem's language.
struct PendingFixView: MustacheParent, Sendable {
    var title: String
    var id: String
    var status: String
    var statusLabel: String
    var contentLang: String?
    /// The promising incident's page, where the list links it.
    var url: String? = nil

    func child(named key: String) -> Any? {
        switch key {
        case "title": title
        case "id": id
        case "status": status
        case "statusLabel": statusLabel
        case "contentLang": contentLang ?? false
        case "url": url
        default: nil
        }
    }
}

/// What the row partial sees when a row is rendered once for every table:
/// the row, and the labels (`t`) a page would give it.
struct RowContext: MustacheParent, Sendable {
    var row: IncidentRow
    var labels: [String: String]

    func child(named key: String) -> Any? {
        key == "t" ? labels : row.child(named: key)
    }
}

/// A piece's values with the theme's labels as `t`.
struct LabelledView: MustacheParent, Sendable {
    nonisolated(unsafe) var values: [String: Any]
    var labels: [String: String]

    func child(named key: String) -> Any? {
        key == "t" ? labels : values[key]
    }
}
