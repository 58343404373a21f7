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

    @Test func crlfInput() {
        #expect(MarkdownDocument("# Title\r\n\r\ntext\r\n").firstHeading(level: 1)?.text == "Title")
    }
}
