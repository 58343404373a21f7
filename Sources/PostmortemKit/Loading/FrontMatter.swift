import Foundation
import Yams

/// The fields of one front matter, each typed and validated, each optional.
/// The loader fills what is missing from the body and the file name.
struct FrontMatter {
    /// The `sites` key of a written cause key.
    static func causeKeySite(_ key: String) -> String { "cause.key:\(key)" }

    var id: String?
    var title: String?
    var date: CalendarDate?
    var dateTime: Date?
    var status: Postmortem.Status?
    var kind: Postmortem.Kind?
    var severity: String?
    var services: [String] = []
    var milestones = Milestones()
    var duration: StatedDuration?
    var impact: Impact?
    var causes: [Cause] = []
    var trigger: String?
    var recurrenceFix: [ActionItem] = []
    var related: [String] = []
    var tags: [String] = []
    var authors: [String] = []
    var description: String?
    var language: Language?
    /// Fields the author wrote, by canonical name (for "what is missing").
    var present: Set<String> = []
    var sites: [String: FieldSite] = [:]
}

/// The documented front-matter fields, their accepted other spellings, and
/// the keys of other generators that are understood or ignored quietly.
enum FrontMatterKeys {
    static let fields = [
        "id", "title", "date", "status", "kind", "severity", "services",
        "started_at", "detected_at", "mitigated_at", "resolved_at", "duration",
        "impact", "cause", "trigger", "recurrence_fix", "related", "tags", "authors", "lang",
    ]

    /// Other spellings, each mapped to its field. `action_items` is the other
    /// common name of the recurrence fix; the rest come from status-page and
    /// blog generators (cState's `affected` and `resolvedWhen`).
    static let aliases: [String: String] = [
        "action_items": "recurrence_fix", "causes": "cause", "service": "services",
        "affected": "services", "resolvedWhen": "resolved_at", "author": "authors",
        "summary": "description", "description": "description", "language": "lang",
    ]

    /// Keys other generators use, understood elsewhere or ignored without noise.
    static let tolerated: Set<String> = [
        "draft", "layout", "weight", "slug", "aliases", "url", "type", "toc", "lastmod",
        "publishDate", "expiryDate", "keywords", "categories", "section", "resolved", "menu",
        "images", "series", "translationKey", "cascade", "outputs", "sitemap", "comments",
        "math", "showToc", "hidden", "template", "sidebar", "nav_order", "parent",
    ]
}
