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

    @Test func cellsOfCodeSpansAndBlockLikeTextStayInlines() {
        // Cells that look like block starts stay text; code spans, with `\|`
        // in them, a reference link to the document's definition: as
        // cmark-gfm renders this table (`cmark-gfm -e table`).
        let markdown = """
            | code | block-like | refs |
            |---|---|---|
            | `a \\| b` | - item | [x][r] |
            | `` `tick` `` | > quote | [r] |
            | `  ` x | 1. one | snake_case ~x~ ! |
            | `a`_b | # h | `x`*y* |
            | ``a` | ``` | a_b_ |

            [r]: /u

            """
        #expect(html(markdown) == """
            <table>
            <thead>
            <tr>
            <th>code</th>
            <th>block-like</th>
            <th>refs</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td><code>a | b</code></td>
            <td>- item</td>
            <td><a href="/u">x</a></td>
            </tr>
            <tr>
            <td><code>`tick`</code></td>
            <td>&gt; quote</td>
            <td><a href="/u">r</a></td>
            </tr>
            <tr>
            <td><code>  </code> x</td>
            <td>1. one</td>
            <td>snake_case ~x~ !</td>
            </tr>
            <tr>
            <td><code>a</code>_b</td>
            <td># h</td>
            <td><code>x</code><em>y</em></td>
            </tr>
            <tr>
            <td>``a`</td>
            <td>```</td>
            <td>a_b_</td>
            </tr>
            </tbody>
            </table>

            """)
        // The rows' text for search and sections: code contents kept, markup dropped.
        let body = MarkdownDocument(markdown).render()
        #expect(body.tables.first?.rows.dropFirst().map { $0 } == [
            ["a | b", "- item", "x"], ["`tick`", "> quote", "r"], ["x", "1. one", "snake_case ~x~ !"],
            ["a_b", "# h", "xy"], ["``a`", "```", "a_b_"],
        ])
    }

    /// Cells written without a parse (`LiteralCells`) give the HTML and the
    /// text that cmark gives for the same cell parsed, on generated cells of
    /// backticks, asterisks, underscores, tildes, spaces, quotes, CJK text
    /// and punctuation.
    @Test func literalCellsRenderAsCmarkParsesThem() {
        var generator = DifferentialTests.Generator(state: 20261201)
        let alphabet = ["a", "b", "1", "_", "`", "`", "`", "`", "``", "~", "!", " ", "\"", ">", "#", "é", "'", "-", ".", "\t", "&", "*",
                        "\\", "**", "**", "日", "（", "）", "。", "\u{3000}", "\u{A0}", ":", "×"]
        var literal = 0, withCode = 0, strong = 0
        for index in 0..<12000 {
            let smart = index % 2 == 1
            let length = 1 + generator.below(9)
            // Half of them open with `**`, as bold labels in cells do.
            let generated = (index % 4 < 2 ? "**" : "") + (0..<length).map { _ in alphabet[generator.below(alphabet.count)] }.joined()
            // A cell as the row splitter leaves it: trimmed.
            let cell = Array(generated.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed())
            guard !cell.isEmpty, cell.withUnsafeBufferPointer({ LiteralCells.isLiteral($0, smartPunctuation: smart) }) else { continue }
            literal += 1
            var heading = Array("# ".utf8)
            cell.withUnsafeBufferPointer { TableLayer.appendHeadingSafe($0, to: &heading) }
            let parsed = MarkdownDocument(String(decoding: heading, as: UTF8.self),
                                          options: MarkdownOptions(smartPunctuation: smart, extensions: false))
            let expected = parsed.html()
            let written = cell.withUnsafeBufferPointer { bytes in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 6 + 16) { buffer -> String in
                    var writer = ByteWriter(base: buffer.baseAddress!)
                    LiteralCells.writeHTML(bytes, to: &writer)
                    return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: writer.count), as: UTF8.self)
                }
            }
            if written.contains("<code>") { withCode += 1 }
            if written.contains("<strong>") { strong += 1 }
            #expect("<h1>" + written + "</h1>\n" == expected, "cell \(String(decoding: cell, as: UTF8.self).debugDescription)")
            let plain = cell.withUnsafeBufferPointer { LiteralCells.plainText($0) }
            #expect(parsed.root.firstChild.map { PlainText.of($0) } == plain)
        }
        #expect(literal > 1500 && withCode > 150 && strong > 120)
        // Markup outside code spans, or a backslash anywhere, goes to the parse.
        for markup in ["*a*", "a_", "_a", "[x]", "a]", "<b>", "&amp;", "`a\\|b`", "a\\|b", "x\u{1}", "** a**", "**a **",
                       "**（a）**b", "***a***", "**a**b*", "**`a**`", "**\u{3000}a**"] {
            #expect(!Array(markup.utf8).withUnsafeBufferPointer { LiteralCells.isLiteral($0, smartPunctuation: false) }, "\(markup)")
        }
        #expect(!Array("it's".utf8).withUnsafeBufferPointer { LiteralCells.isLiteral($0, smartPunctuation: true) })
        #expect(Array("it's `a*b` ~ok~!".utf8).withUnsafeBufferPointer { LiteralCells.isLiteral($0, smartPunctuation: false) })
    }

    @Test func shortRowsAreFilledInUpToABound() {
        // cmark-gfm stops filling in short rows past 0x80000 cells, against
        // denial of service; the layer uses the same bound (here a small one).
        let text = "| a | b | c |\n|-|-|-|\n| 1 |\n| 2 |\n| 3 |\n| 4 |\n"
        let lines = text.split(separator: "\n").enumerated().map { index, line in
            ContentLine(number: index + 1, text: ArraySlice(Array(line.utf8)), indent: 0)
        }
        #expect(TableLayer.find(in: lines, delimiterBefore: lines.count, autocompleteLimit: 5)?.rowIndices.count == 2)
        #expect(TableLayer.find(in: lines, delimiterBefore: lines.count)?.rowIndices.count == 4)
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
