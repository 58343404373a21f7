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

    /// Every part of the layer: tables with markup and without, a table in
    /// a list (a fragment), a definition a table hides (a second parse), a
    /// task list, headings, links to postmortems and images.
    static let everyPart = """
        # 障害報告

        ## 概要

        | 時刻 | 内容 | 担当 |
        |---|:-:|--:|
        | 10:00 | [検知][d] | **SRE** |
        | 10:05 | `rollback` \\| 完了 | ![図](chart.png) |
        [d]: https://example.com/d

        - 一覧
          | a | b |
          |---|---|
          | *x* | [y](INC-1.md) |

        ## Action items

        - [x] 再発防止策
        - [ ] `rollback` を自動化 ![remote](https://example.com/r.png)

        See [the last one](INC-2.md#timeline) and <https://example.com>.

        """

    @Test func aDocumentsTreeIsTakenFromItsRegion() {
        let before = MemoryRegion.threadFallbacks
        var pooled: (String, RenderedBody, Heading?)?
        do {
            let document = MarkdownDocument(Self.everyPart)
            #expect(document.region != nil)
            let html = document.html()
            let heading = document.firstHeading(level: 1)
            let body = document.render(RenderSettings(demoteHeadings: true, remoteImagesAsLinks: true)) { link in
                link.url.hasSuffix(".md") || link.url.contains(".md#") ? "page.html" : nil
            }
            #expect((document.region?.reserved ?? 0) > 0)
            pooled = (html, body, heading)
        }
        // No call into cmark ran outside the document's region.
        #expect(MemoryRegion.threadFallbacks == before)
        // Node by node from malloc, the same document renders the same.
        let unpooled = MarkdownDocument(Self.everyPart, options: MarkdownOptions(pooledMemory: false))
        #expect(unpooled.region == nil)
        #expect(unpooled.html() == pooled?.0)
        #expect(unpooled.firstHeading(level: 1) == pooled?.2)
        let body = unpooled.render(RenderSettings(demoteHeadings: true, remoteImagesAsLinks: true)) { link in
            link.url.hasSuffix(".md") || link.url.contains(".md#") ? "page.html" : nil
        }
        #expect(MemoryRegion.threadFallbacks > before)
        #expect(body == pooled?.1)
        #expect(body.tables.count == 2 && body.tasks.count == 2 && body.html.contains("href=\"page.html\""))
        #expect(body.html.contains("<table>") && body.html.contains("https://example.com/d") && body.html.contains("<strong>SRE</strong>"))
    }

    @Test func largeAllocationsOfARegionGrowInPlaceAndLeaveNoCopies() {
        // A code block of 260 KB: its text is a buffer past the region's
        // large size, grown by cmark with realloc line after line.
        let code = String(repeating: "let value = compute(index) // 障害 <tag>\n", count: 6_000)
        let text = "# Big\n\n```swift\n" + code + "```\n"
        let pooled = MarkdownDocument(text)
        let html = pooled.html()
        #expect(html == MarkdownDocument(text, options: MarkdownOptions(pooledMemory: false)).html())
        #expect(html.contains("&lt;tag&gt;"))
        // The region holds the block's text about once (and its rendering
        // was given back), not every size the buffer grew through.
        let reserved = pooled.region?.reserved ?? 0
        #expect(reserved > code.utf8.count && reserved < 2 * code.utf8.count, "\(reserved) bytes for \(code.utf8.count)")
        // Many small nodes: the same HTML as node by node.
        let paragraphs = String(repeating: "A paragraph with *emphasis* and `code`.\n\n", count: 3_000)
        #expect(MarkdownDocument(paragraphs).html() == MarkdownDocument(paragraphs, options: MarkdownOptions(pooledMemory: false)).html())
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
