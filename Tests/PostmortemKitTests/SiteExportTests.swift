import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PostmortemKit

/// The files for machines: `data/incidents.csv`, `feed.xml`, `sitemap.xml`.
@Suite struct SiteExportTests {
    static let dangerous = """
        ---
        id: INC-1
        title: "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"
        date: 2024-03-08
        started_at: 2024-03-08T10:00:00Z
        resolved_at: 2024-03-08T11:30:00Z
        severity: SEV2
        services: [admin-panel, "api, public"]
        cause: {category: release-bug, key: pool, summary: "+1 connection \\"leak\\"\\nper request"}
        recurrence_fix:
          - {title: "@Cap the pool", owner: tanaka, status: done}
          - {title: Alert on saturation, status: open}
        authors: [tanaka]
        tags: [release]
        ---
        # Body

        Text with <markup> & an [image](shot.png).
        """

    static let draft = """
        ---
        id: INC-2
        title: Draft
        date: 2024-04-01
        status: draft
        ---
        Not yet.
        """

    func rows(_ csv: [UInt8]) -> [String] {
        String(decoding: csv, as: UTF8.self).components(separatedBy: "\r\n")
    }

    @Test func csvHasTheHeaderOneRowEachAndDefusesFormulas() throws {
        let p = try #require(postmortem(Self.dangerous))
        let csv = DataExport.incidentsCSV([p])
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte-order mark, so spreadsheets read UTF-8")
        let lines = rows(csv)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(lines[0] == "\u{FEFF}" + DataExport.csvColumns.joined(separator: ","))
        #expect(lines[1] == """
            INC-1,"'=HYPERLINK(""http://evil.example"", ""click"")",incidents/INC-1.html,pm.md,2024-03-08,published,incident,\
            SEV2,"admin-panel; api, public",2024-03-08T10:00:00Z,,,2024-03-08T11:30:00Z,90,,,milestones,release-bug,pool,\
            "'+1 connection ""leak""
            per request",2,1,[done] @Cap the pool; [open] Alert on saturation,release,,,,0,0
            """)
    }

    /// One field as `CSVWriter` writes it, without the byte-order mark.
    func field(_ value: String, defuse: Bool = true) -> String {
        var csv = CSVWriter()
        csv.field(value, defuse: defuse)
        return String(decoding: csv.bytes.dropFirst(3), as: UTF8.self)
    }

    @Test func csvFieldQuotingFollowsRFC4180() {
        #expect(field("plain") == "plain")
        #expect(field("a,b") == "\"a,b\"")
        #expect(field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(field("two\nlines") == "\"two\nlines\"")
        #expect(field("-5 shops") == "'-5 shops")
        #expect(field("-5", defuse: false) == "-5")
        #expect(field("\tx") == "'\tx")
        #expect(field("\r") == "\"'\r\"")
        #expect(field("=1,2") == "\"'=1,2\"")
        #expect(field("障害") == "障害")
    }

    @Test func feedListsPublishedPostmortemsWithAbsoluteLinksWhenTheBaseIsKnown() throws {
        let p = try #require(postmortem(Self.dangerous))
        let draft = try #require(postmortem(Self.draft, path: "draft.md"))
        var configuration = SiteConfiguration(title: "Ops & Co", baseURL: "https://kb.example/pm//")
        let xml = String(decoding: Feeds.atom([draft, p], configuration: configuration), as: UTF8.self)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""))
        #expect(xml.contains("<title>Ops &amp; Co</title>"))
        #expect(xml.components(separatedBy: "<entry>").count == 2, "the draft stays out")
        #expect(xml.contains("<id>https://kb.example/pm/incidents/INC-1.html</id>"))
        #expect(xml.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://kb.example/pm/feed.xml\"/>"))
        #expect(xml.contains("<updated>2024-03-08T11:30:00Z</updated>"))
        #expect(xml.contains("<published>2024-03-08T10:00:00Z</published>"))
        #expect(xml.contains("<title>=HYPERLINK(&quot;http://evil.example&quot;, &quot;click&quot;)</title>"))
        #expect(xml.contains("<category term=\"pool\" label=\"release-bug\"/>"))
        #expect(xml.contains("xml:base=\"https://kb.example/pm/incidents/\">"))
        #expect(xml.contains("&lt;markup&gt;") == false, "raw HTML stays out of the body, as on the page")
        #expect(xml.contains("Text with &lt;!-- raw HTML omitted --&gt; &amp;amp; an"), "the body's HTML, escaped once more")

        configuration.baseURL = nil
        let relative = String(decoding: Feeds.atom([p], configuration: configuration), as: UTF8.self)
        #expect(relative.contains("<link rel=\"alternate\" type=\"text/html\" href=\"incidents/INC-1.html\"/>"))
        #expect(relative.contains("<id>urn:postmortem-kb:incident:INC-1</id>"))
        #expect(!relative.contains("rel=\"self\"") && !relative.contains("<content"))
        let empty = String(decoding: Feeds.atom([], configuration: configuration), as: UTF8.self)
        #expect(empty.contains("<updated>1970-01-01T00:00:00Z</updated>"), "no clock: an empty feed is deterministic")
    }

    @Test func feedIsWellFormedXML() throws {
        let p = try #require(postmortem(Self.dangerous))
        let data = Data(Feeds.atom([p], configuration: SiteConfiguration(baseURL: "https://kb.example")))
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(Feeds.escape("a\u{1}b\u{FFFF}<") == "ab&lt;", "characters XML cannot hold are left out")
    }

    @Test func sitemapNeedsABaseURLAndListsEveryPageSorted() throws {
        #expect(Feeds.sitemap(pages: ["index.html"], configuration: SiteConfiguration()) == nil)
        let xml = try #require(Feeds.sitemap(pages: ["tags/障害.html", "index.html"],
                                             configuration: SiteConfiguration(baseURL: "https://kb.example/")))
        #expect(String(decoding: xml, as: UTF8.self) == """
            <?xml version="1.0" encoding="utf-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>https://kb.example/index.html</loc></url>
              <url><loc>https://kb.example/tags/%E9%9A%9C%E5%AE%B3.html</loc></url>
            </urlset>

            """)
    }

    @Test func searchIndexHoldsEachPostmortemsFieldsForTheBrowser() throws {
        let p = try #require(postmortem(Self.dangerous))
        let japanese = try #require(postmortem("""
            ---
            id: INC-3
            title: 管理画面がダウンし店舗が予約を確認できない
            date: 2024-03-08
            cause: {category: release-bug, key: db-connection-pool-exhaustion, summary: DB接続プールが枯渇した}
            ---
            ## 概要

            金曜夜のピークに
            データベースの接続プールが枯渇した。
            """, path: "ja.md"))
        let context = PageContext(configuration: SiteConfiguration(language: .ja), now: Date(timeIntervalSince1970: 0))
        let documents = SearchIndex.documents([japanese, p], context: context)
        #expect(documents.map(\.url) == ["incidents/INC-3.html", "incidents/INC-1.html"])
        let ja = documents[0]
        #expect(ja.causes == "リリース・メンテナンスの不具合 · db-connection-pool-exhaustion · DB接続プールが枯渇した")
        #expect(ja.body.string.contains("金曜夜のピークにデータベースの接続プールが枯渇した。"), "Japanese lines join without a space")
        #expect(ja.status == "公開")
        #expect(documents[1].facets == "admin-panel api, public release tanaka")
        #expect(try SearchIndex.files([japanese, p], context: context) == SearchIndex.files([japanese, p], context: context))
    }
}
