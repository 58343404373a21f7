import Foundation

/// `feed.xml` (Atom, RFC 4287) and `sitemap.xml`: files for machines, built
/// from the same ordered postmortems as the pages. Neither reads the clock,
/// so two builds of the same input are identical.
enum Feeds {
    /// At most this many entries in the feed, newest first.
    static let feedLimit = 50

    /// The site's absolute address with one trailing `/`, or nil when
    /// `base_url` is not configured.
    static func base(_ configuration: SiteConfiguration) -> String? {
        guard var url = configuration.baseURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty else { return nil }
        while url.hasSuffix("/") { url.removeLast() }
        return url + "/"
    }

    /// The Atom feed of published postmortems (drafts and reviews stay out).
    /// Links are absolute with `base_url`, else relative to the feed.
    static func atom(_ ordered: [Postmortem], configuration: SiteConfiguration) -> [UInt8] {
        let base = base(configuration)
        let entries = ordered.filter { $0.status == .published }.prefix(feedLimit)
        let zone = configuration.timeZone
        let updated = entries.map { updatedTime($0, zone) }.max() ?? Date(timeIntervalSince1970: 0)
        var xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
        xml += #"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\#(configuration.language.rawValue)">"# + "\n"
        xml += "  <title>\(escape(configuration.title))</title>\n"
        if let description = configuration.description { xml += "  <subtitle>\(escape(description))</subtitle>\n" }
        xml += #"  <link rel="alternate" type="text/html" href="\#(escape((base ?? "") + "index.html"))"/>"# + "\n"
        if let base { xml += #"  <link rel="self" type="application/atom+xml" href="\#(escape(base + "feed.xml"))"/>"# + "\n" }
        xml += "  <id>\(escape(base ?? "urn:postmortem-kb:" + SitePaths.fileName(configuration.title)))</id>\n"
        xml += "  <updated>\(DateTimeParsing.utc(updated))</updated>\n"
        xml += "  <author><name>\(escape(configuration.title))</name></author>\n"
        xml += "  <generator>Postmortem KB</generator>\n"
        for p in entries {
            let page = SitePaths.urlPath(SitePaths.incidentPage(id: p.id))
            xml += "  <entry>\n"
            xml += "    <title>\(escape(p.title))</title>\n"
            xml += #"    <link rel="alternate" type="text/html" href="\#(escape((base ?? "") + page))"/>"# + "\n"
            xml += "    <id>\(escape(base.map { $0 + page } ?? "urn:postmortem-kb:incident:" + SitePaths.fileName(p.id)))</id>\n"
            if let date = p.date {
                xml += "    <published>\(DateTimeParsing.utc(p.milestones.startedAt ?? date.start(in: zone)))</published>\n"
            }
            xml += "    <updated>\(DateTimeParsing.utc(updatedTime(p, zone)))</updated>\n"
            for author in p.authors { xml += "    <author><name>\(escape(author))</name></author>\n" }
            for cause in p.causes {
                xml += #"    <category term="\#(escape(cause.key))"\#(cause.category.map { #" label="\#(escape($0))""# } ?? "")/>"# + "\n"
            }
            let summary = p.description ?? p.impact?.summary ?? p.body.summary
            if !summary.isEmpty { xml += "    <summary>\(escape(summary))</summary>\n" }
            if let base {
                // The body's links are relative to its page; xml:base makes them resolve.
                xml += #"    <content type="html" xml:base="\#(escape(base + "incidents/"))">"#
                xml += escape(p.body.html) + "</content>\n"
            }
            xml += "  </entry>\n"
        }
        xml += "</feed>\n"
        return Array(xml.utf8)
    }

    /// The sitemap (sitemaps.org 0.9) of every page, or nil without `base_url`:
    /// a sitemap must hold absolute addresses.
    static func sitemap(pages: [String], configuration: SiteConfiguration) -> [UInt8]? {
        guard let base = base(configuration) else { return nil }
        var xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
        xml += #"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"# + "\n"
        for page in pages.sortedByUTF8() {
            xml += "  <url><loc>\(escape(base + SitePaths.urlPath(page)))</loc></url>\n"
        }
        xml += "</urlset>\n"
        return Array(xml.utf8)
    }

    /// When an entry last changed as far as the file says: its resolution,
    /// else its start, else its date; never the clock.
    static func updatedTime(_ p: Postmortem, _ zone: TimeZone) -> Date {
        let m = p.milestones
        return m.resolvedAt ?? m.mitigatedAt ?? m.startedAt ?? p.date?.start(in: zone) ?? Date(timeIntervalSince1970: 0)
    }

    /// Text for XML content and attribute values; characters XML 1.0 cannot
    /// hold (C0 controls other than tab and line ends) are left out.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
