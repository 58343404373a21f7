import Foundation

/// The search index: `data/search-index.js`, built at generation time and
/// read by `search.html` with a plain `<script>` tag, so search works from
/// `file://` and without a server.
///
/// Each postmortem is a document of fields with weights. Matching is by
/// substring on NFKC-normalised, lower-cased text, so a Japanese query
/// matches Japanese text without spaces (`接続プール` finds
/// `DB接続プールが枯渇`), full-width and half-width forms match each other,
/// and English matches across case. The script folds the text
/// at load (`normalize("NFKC")`, keeping each character's length so
/// snippets line up with the text).
enum SearchIndex {
    struct Document: Encodable {
        /// Page, relative to the site root.
        let url: String
        let id: String
        let title: String
        let date: String?
        let severity: String?
        let status: String
        /// The one-line summary shown under the title.
        let summary: String
        /// Cause categories, keys and summaries; the trigger.
        let causes: String
        /// Services, tags, authors.
        let facets: String
        /// The body as plain text.
        let body: String
    }

    static func documents(_ ordered: [Postmortem], context: PageContext) -> [Document] {
        ordered.map { p in
            let causes = p.causes.flatMap { cause in
                [context.categoryLabel(cause.category), cause.key, cause.summary].compactMap { $0 }
            } + [p.trigger].compactMap { $0 }
            return Document(
                url: SitePaths.urlPath(SitePaths.incidentPage(id: p.id)), id: p.id, title: p.title,
                date: p.date.map { "\($0)" }, severity: p.severity, status: context.statusLabel(p.status.rawValue),
                summary: p.description ?? p.impact?.summary ?? p.body.summary,
                causes: causes.joined(separator: " · "),
                facets: (p.services + p.tags + p.authors).joined(separator: " "),
                body: p.body.plainText)
        }
    }

    /// `window.POSTMORTEM_SEARCH = [...];` with sorted keys: deterministic.
    static func script(_ ordered: [Postmortem], context: PageContext) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(documents(ordered, context: context))
        return Array("window.POSTMORTEM_SEARCH = ".utf8) + Array(json) + Array(";\n".utf8)
    }
}

extension PageContext {
    /// `search.html`: the form and the place for results; the script and the
    /// index do the rest in the browser.
    func searchPage(documentCount: Int) -> [String: Any] {
        var page = base(pageTitle: labels["search"] ?? "Search", root: "")
        page["nav"] = ["search": true]
        page["documentCount"] = documentCount
        return page
    }
}
