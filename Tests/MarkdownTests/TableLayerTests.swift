import Testing
@testable import Markdown

/// The table and task-list layer in the places postmortems put them.
/// Expected HTML is what cmark-gfm renders for the same text.
@Suite struct TableLayerTests {
    func html(_ markdown: String, unsafe: Bool = true) -> String {
        MarkdownDocument(markdown, options: MarkdownOptions(unsafeHTML: unsafe)).html()
    }

    @Test func timelineTableWithInlines() {
        #expect(html("| Time (JST) | Event |\n|---|---|\n| 19:40 | [INC-1](2024-01-01-x.md) started |\n| 20:10 | **Rollback** `v4.1.3` |\n") == """
            <table>
            <thead>
            <tr>
            <th>Time (JST)</th>
            <th>Event</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>19:40</td>
            <td><a href="2024-01-01-x.md">INC-1</a> started</td>
            </tr>
            <tr>
            <td>20:10</td>
            <td><strong>Rollback</strong> <code>v4.1.3</code></td>
            </tr>
            </tbody>
            </table>

            """)
    }

    @Test func tableInABlockQuoteAndInAListItem() {
        #expect(html("> | a | b |\n> |---|:-:|\n> | 1 | 2 |\n\ntext\n") == """
            <blockquote>
            <table>
            <thead>
            <tr>
            <th>a</th>
            <th align="center">b</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>1</td>
            <td align="center">2</td>
            </tr>
            </tbody>
            </table>
            </blockquote>
            <p>text</p>

            """)
        #expect(html("- item\n\n  | h |\n  |---|\n  | c |\n") == """
            <ul>
            <li>
            <p>item</p>
            <table>
            <thead>
            <tr>
            <th>h</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>c</td>
            </tr>
            </tbody>
            </table>
            </li>
            </ul>

            """)
    }

    @Test func alignmentAsClassesForValidHTML5() {
        let html = MarkdownDocument("| a | b | c |\n|:--|:-:|--:|\n| 1 | **2** | 3 |\n",
                                    options: MarkdownOptions(alignmentClasses: true)).html()
        #expect(html.contains("<th class=\"align-left\">a</th>\n<th class=\"align-center\">b</th>\n<th class=\"align-right\">c</th>"))
        #expect(html.contains("<td class=\"align-center\"><strong>2</strong></td>"))
        #expect(!html.contains("align=\""))
    }

    @Test func anHTMLLineAfterTheRowsEndsTheTable() {
        #expect(html("| a |\n|-|\n<span>\n") == "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>\n<span>\n")
    }

    @Test func japaneseCellsAndFullWidthText() {
        #expect(html("| 時刻 | 出来事 |\n|---|---|\n| 19:40 | 管理画面で**予約が見えない** |\n").contains("<td>管理画面で<strong>予約が見えない</strong></td>"))
    }

    @Test func safeModeAppliesInsideCells() {
        let rendered = html("| a |\n|---|\n| <script>x</script> [l](javascript:alert(1)) |\n", unsafe: false)
        #expect(rendered.contains("<td><!-- raw HTML omitted -->x<!-- raw HTML omitted --> <a href=\"\">l</a></td>"))
    }

    @Test func referenceLinksInCellsUseTheDocumentsDefinitions() {
        #expect(html("| [runbook] |\n|---|\n\n[runbook]: https://example.com/rb \"Runbook\"\n")
            .contains("<th><a href=\"https://example.com/rb\" title=\"Runbook\">runbook</a></th>"))
    }

    @Test func aCellEndingInHashesKeepsThem() {
        #expect(html("| C# | # | issue # |\n|---|---|---|\n").contains("<th>C#</th>\n<th>#</th>\n<th>issue #</th>"))
    }

    @Test func shortRowsAreFilledInUpToABound() {
        // cmark-gfm stops filling in short rows past 0x80000 cells, against
        // denial of service; the layer uses the same bound (here a small one).
        let text = "| a | b | c |\n|-|-|-|\n| 1 |\n| 2 |\n| 3 |\n| 4 |\n"
        let lines = text.split(separator: "\n").enumerated().map { index, line in
            ContentLine(number: index + 1, text: ArraySlice(Array(line.utf8)), indent: 0)
        }
        #expect(TableLayer.find(in: lines, delimiterBefore: lines.count, autocompleteLimit: 5)?.rows.count == 2)
        #expect(TableLayer.find(in: lines, delimiterBefore: lines.count)?.rows.count == 4)
        #expect(TableLayer.maxAutocompletedCells == 0x80000)
    }

    @Test func taskListsWithSourceOfTheMarker() {
        #expect(html("- [ ] open item\n- [x] done item\n- [X] also done\n- [y] not a task\n- [ ]no space\n") == """
            <ul>
            <li><input type="checkbox" disabled="" /> open item</li>
            <li><input type="checkbox" checked="" disabled="" /> done item</li>
            <li><input type="checkbox" checked="" disabled="" /> also done</li>
            <li>[y] not a task</li>
            <li>[ ]no space</li>
            </ul>

            """)
    }
}
