import Foundation
import Testing
@testable import PostmortemKit

/// Each postmortem's own language: written as `lang`, else told from its
/// text; where it is not the site's, its title and text carry `lang`.
@Suite struct LanguageTests {
    @Test func theLanguageIsToldFromTheLetters() {
        #expect(Language.detect("Reservations page blank after the v4.2.0 release") == .en)
        #expect(Language.detect("管理画面がダウンし店舗が予約を確認できない") == .ja)
        // Japanese that names its tools in Latin letters stays Japanese.
        #expect(Language.detect("PgBouncer の接続プールが v4.2.0 のリリース後に枯渇した") == .ja)
        // English that quotes a Japanese word stays English.
        #expect(Language.detect("The shop owners saw 予約 errors on the admin panel after the release") == .en)
        #expect(Language.detect("ｶﾀｶﾅ") == .ja)
        #expect(Language.detect("12:00 — 13:30 / 90 %") == nil)
    }

    @Test func theFrontMatterSaysItElseTheTextDoes() throws {
        let english = try #require(postmortem(frontMatter("id: A\ntitle: Widget down", body: "The widget was down.\n")))
        #expect(english.language == .en)
        let japanese = try #require(postmortem(frontMatter("id: B\ntitle: 予約ウィジェットが停止", body: "予約できなかった。\n")))
        #expect(japanese.language == .ja)
        let written = try #require(postmortem(frontMatter("id: C\ntitle: KumoCloud tk1-a\nlang: ja", body: "DB failover.\n")))
        #expect(written.language == .ja)
        let alias = try #require(postmortem(frontMatter("id: D\ntitle: 停止\nlanguage: English", body: "\n")))
        #expect(alias.language == .en)
        var configuration = SiteConfiguration.default
        configuration.language = .ja
        let unknown = try #require(postmortem(frontMatter("id: E", body: "12:00 — 13:30\n"), path: "2025-01-10.md",
                                                 configuration: configuration))
        #expect(unknown.language == .ja, "no letters: the site's language")
        let wrong = problems(frontMatter("id: F\ntitle: T\nlang: fr", body: "Text.\n"))
        #expect(wrong.contains { $0.message.contains("'lang'") && $0.message.contains("fr") }, "\(wrong.map(\.message))")
    }

    @Test func anEnglishPostmortemInAJapaneseSiteIsMarkedAsEnglish() throws {
        var configuration = SiteConfiguration.default
        configuration.language = .ja
        let english = try #require(postmortem(frontMatter("id: INC-1\ntitle: Widget down\ndate: 2025-01-10",
                                                          body: "The widget was down for an hour.\n"), configuration: configuration))
        let japanese = try #require(postmortem(frontMatter("id: INC-2\ntitle: 予約ウィジェットが停止\ndate: 2025-01-11",
                                                           body: "予約できなかった。\n"), configuration: configuration))
        let plan = try SiteRenderer.render([english, japanese], configuration: configuration, theme: .builtIn, sourceFolder: "/tmp",
                                           now: Date(timeIntervalSince1970: 1_740_000_000))
        func page(_ path: String) throws -> String { String(decoding: try #require(plan.files[path]), as: UTF8.self) }
        let englishPage = try page("incidents/INC-1.html")
        #expect(englishPage.contains("<html lang=\"ja\">"), "the page's own words are the site's")
        #expect(englishPage.contains("<h1 lang=\"en\">Widget down</h1>"))
        #expect(englishPage.contains("<div class=\"prose\" lang=\"en\">"))
        let japanesePage = try page("incidents/INC-2.html")
        #expect(japanesePage.contains("<h1>予約ウィジェットが停止</h1>") && japanesePage.contains("<div class=\"prose\">"))
        let index = try page("index.html")
        #expect(index.contains("<a href=\"incidents/INC-1.html\" lang=\"en\">Widget down</a>"))
        #expect(index.contains("<a href=\"incidents/INC-2.html\">予約ウィジェットが停止</a>"))
    }

    /// An English postmortem among Japanese ones in a Japanese site: every
    /// text taken from its front matter or body carries `lang="en"` wherever
    /// it is shown, and the Japanese ones' texts beside it carry none.
    @Test func anotherLanguagesFrontMatterTextIsMarkedOnEveryPage() throws {
        var configuration = SiteConfiguration.default
        configuration.language = .ja
        func load(_ lines: String, body: String) throws -> Postmortem {
            let path = (lines.split(separator: "\n").first ?? "").replacingOccurrences(of: "id: ", with: "") + ".md"
            return try #require(postmortem(frontMatter(lines, body: body), path: path, configuration: configuration))
        }
        let first = try load("""
            id: INC-1
            title: 予約一覧が表示されない
            date: 2025-01-10
            impact: 店舗が予約を確認できなかった
            cause: {key: pool-exhaustion, summary: 接続プールが枯渇した}
            recurrence_fix: [{title: 接続プールの監視を追加する, status: open}]
            """, body: "予約一覧が表示されなかった。\n")
        let english = try load("""
            id: INC-2
            title: Reservation list blank again
            date: 2025-02-10
            impact: Shops could not see their reservations for an hour
            cause: {key: pool-exhaustion, summary: The connection pool ran dry under the batch job}
            recurrence_fix: [{title: Move the batch job off the primary, status: open}]
            """, body: "## What happened\n\nThe list was blank.\n\n## Why\n\nThe pool ran dry.\n")
        let third = try load("""
            id: INC-3
            title: 予約一覧がまた表示されない
            date: 2025-03-10
            impact: 予約を確認できなかった
            cause: {key: pool-exhaustion}
            """, body: "また接続プールが枯渇した。\n")
        #expect([first.language, english.language, third.language] == [.ja, .en, .ja])
        let plan = try SiteRenderer.render([first, english, third], configuration: configuration, theme: .builtIn,
                                           sourceFolder: "/tmp", now: Date(timeIntervalSince1970: 1_740_000_000))
        func page(_ path: String) throws -> String { String(decoding: try #require(plan.files[path]), as: UTF8.self) }

        let englishPage = try page("incidents/INC-2.html")
        for marked in [
            "<strong>影響:</strong> <span lang=\"en\">Shops could not see their reservations for an hour</span>",
            " — <span lang=\"en\">The connection pool ran dry under the batch job</span>",
            "<span class=\"fix-title\" lang=\"en\">Move the batch job off the primary</span>",
            "<ol lang=\"en\">\n<li class=\"toc-3\"><a href=\"#what-happened\">What happened</a></li>",
        ] {
            #expect(englishPage.contains(marked), "\(marked)")
        }
        // On the English page, what the Japanese postmortems wrote is not marked English.
        for unmarked in [
            "<span class=\"fix-title\">接続プールの監視を追加する</span>",
            "<a class=\"recurrence-link\" href=\"INC-1.html\">INC-1 予約一覧が表示されない</a>",
            "<a class=\"recurrence-link\" href=\"INC-3.html\">INC-3 予約一覧がまた表示されない</a>",
            "<a class=\"connection-title\" href=\"INC-1.html\">予約一覧が表示されない</a>",
            "<a rel=\"prev\" href=\"INC-1.html\">← 予約一覧が表示されない</a>",
        ] {
            #expect(englishPage.contains(unmarked), "\(unmarked)")
        }
        let thirdPage = try page("incidents/INC-3.html")
        for text in [
            "<strong>影響:</strong> <span>予約を確認できなかった</span>",
            "<span class=\"fix-title\" lang=\"en\">Move the batch job off the primary</span>",
            "<a class=\"recurrence-link\" href=\"INC-2.html\" lang=\"en\">INC-2 Reservation list blank again</a>",
            "<a rel=\"prev\" href=\"INC-2.html\" lang=\"en\">← Reservation list blank again</a>",
        ] {
            #expect(thirdPage.contains(text), "\(text)")
        }
        #expect(!thirdPage.contains("lang=\"en\">予約"))

        // The cause page: its description is the newest summary (INC-2's), its verdicts and fixes each in their own language.
        let cause = try page("causes/pool-exhaustion.html")
        for text in [
            "<p class=\"lead\" lang=\"en\">The connection pool ran dry under the batch job</p>",
            "<a href=\"../incidents/INC-2.html\" lang=\"en\">INC-2 Reservation list blank again</a>",
            "<a href=\"../incidents/INC-3.html\">INC-3 予約一覧がまた表示されない</a>",
            "<span class=\"fix-title\" lang=\"en\">Move the batch job off the primary</span>",
            "<a href=\"../incidents/INC-2.html\" lang=\"en\">Reservation list blank again</a>",
            "<span class=\"fix-title\">接続プールの監視を追加する</span>",
            "<a href=\"../incidents/INC-1.html\">予約一覧が表示されない</a>",
        ] {
            #expect(cause.contains(text), "\(text)")
        }
        let actionItems = try page("action-items.html")
        #expect(actionItems.contains("<span class=\"fix-title\" lang=\"en\">Move the batch job off the primary</span>"))
        #expect(actionItems.contains("<a href=\"incidents/INC-2.html\" lang=\"en\">Reservation list blank again</a>"))
        #expect(actionItems.contains("<span class=\"fix-title\">接続プールの監視を追加する</span>"))
        let recurrences = try page("recurrences.html")
        #expect(recurrences.contains("<a href=\"incidents/INC-2.html\" lang=\"en\">INC-2 Reservation list blank again</a>"))
        #expect(recurrences.contains("<a href=\"incidents/INC-3.html\">INC-3 予約一覧がまた表示されない</a>"))
        #expect(recurrences.contains("<span class=\"fix-title\" lang=\"en\">Move the batch job off the primary</span> <span class=\"muted\">(INC-2)</span>"))
    }
}
