import Testing
@testable import Markdown

@Suite struct MarkdownDocumentTests {
    @Test func firstH1InAtxAndSetextForms() {
        #expect(MarkdownDocument("# Title\n\ntext").firstHeading(level: 1) == Heading(level: 1, text: "Title", line: 1))
        #expect(MarkdownDocument("Title\n=====\n\ntext").firstHeading(level: 1)?.text == "Title")
        #expect(MarkdownDocument("intro\n\n## Sub\n\n# Later\n").firstHeading(level: 1) == Heading(level: 1, text: "Later", line: 5))
    }

    @Test func headingTextDropsMarkupAndKeepsCode() {
        #expect(MarkdownDocument("# The *pool* ran `dry` [again](x.md)\n").firstHeading(level: 1)?.text
            == "The pool ran dry again")
        #expect(MarkdownDocument("# 管理画面の **障害**\n").firstHeading(level: 1)?.text == "管理画面の 障害")
    }

    @Test func headingsInsideCodeOrQuotesAreNotTitles() {
        #expect(MarkdownDocument("```\n# not a title\n```\n").firstHeading(level: 1) == nil)
        #expect(MarkdownDocument("> # quoted\n").firstHeading(level: 1) == nil)
        #expect(MarkdownDocument("#\n\n# Real\n").firstHeading(level: 1)?.text == "Real")
    }

    @Test func htmlIsSafeByDefault() {
        let text = "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n"
        #expect(MarkdownDocument(text).html() == "<!-- raw HTML omitted -->\n<p><a href=\"\">x</a></p>\n")
        #expect(MarkdownDocument(text, options: MarkdownOptions(unsafeHTML: true)).html()
            == "<script>alert(1)</script>\n<p><a href=\"javascript:alert(1)\">x</a></p>\n")
    }

    @Test func bytesInAndOutGiveTheSameHTMLAsText() {
        // A table (re-parsed cells), a task list, a definition a table hides, Japanese.
        let text = """
            # 障害報告

            | 時刻 | 内容 |
            |---|:-:|
            | 10:00 | [検知][d] |
            [d]: https://example.com/d

            - [x] 再発防止策
            - [ ] `rollback` を自動化

            """
        let fromText = MarkdownDocument(text)
        let fromBytes = MarkdownDocument(utf8: Array(text.utf8))
        let html = fromText.html()
        #expect(html.contains("<table>") && html.contains("type=\"checkbox\"") && html.contains("https://example.com/d"))
        #expect(fromBytes.html() == html)
        #expect(fromBytes.withHTML { Array($0) } == Array(html.utf8))
        let plain = MarkdownOptions(extensions: false)
        #expect(MarkdownDocument(utf8: Array(text.utf8), options: plain).html() == MarkdownDocument(text, options: plain).html())
    }

    @Test func bytesThatAreNotUTF8PassThroughAsLibcmarkPassesThem() {
        let bytes: [UInt8] = Array("a ".utf8) + [0xFF] + Array(" b\n".utf8)
        #expect(MarkdownDocument(utf8: bytes).withHTML { Array($0) } == Array("<p>a ".utf8) + [0xFF] + Array(" b</p>\n".utf8))
        // Made a `String`, the byte is repaired.
        #expect(MarkdownDocument(utf8: bytes).html() == "<p>a \u{FFFD} b</p>\n")
    }

    @Test func crlfInput() {
        #expect(MarkdownDocument("# Title\r\n\r\ntext\r\n").firstHeading(level: 1)?.text == "Title")
    }
}
