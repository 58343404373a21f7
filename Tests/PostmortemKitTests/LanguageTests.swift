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
}
