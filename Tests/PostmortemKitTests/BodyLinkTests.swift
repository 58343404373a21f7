import Testing
@testable import PostmortemKit

/// Links between postmortems and to files next to them.
@Suite struct BodyLinkTests {
    let index = SourceIndex(
        postmortemIDs: ["2024/2024-03-08-pool.md": "INC-2024-002", "2023-06-09-timeout.md": "INC-2023-001",
                        "2024/2024-05-10 予約.md": "INC-2024-003"],
        assets: ["2024/img/pool usage.png", "logs/app.log"])

    func loaded(_ body: String, path: String = "2024/2024-05-10 予約.md") -> LoadedFile {
        PostmortemLoader(configuration: .default).load(
            SourceFile(path: "postmortems/\(path)", relativePath: path, contents: .bytes(Array(frontMatter("title: t\nstatus: draft", body: body).utf8))),
            index: index)
    }

    @Test func linksToPostmortemsGoToTheirPages() {
        let result = loaded("See [the first time](../2023-06-09-timeout.md#root-cause) and [the pool](2024-03-08-pool.md).\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.postmortem?.body.html == "<p>See <a href=\"INC-2023-001.html#root-cause\">the first time</a> and <a href=\"INC-2024-002.html\">the pool</a>.</p>\n")
        #expect(result.postmortem?.body.linkedPostmortems == ["INC-2023-001", "INC-2024-002"])
    }

    @Test func filesNextToThePostmortemsAreCopiedAndLinked() {
        let result = loaded("![pool usage](img/pool%20usage.png)\n\n[log](../logs/app.log)\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.postmortem?.body.html == "<p><img src=\"../files/2024/img/pool%20usage.png\" alt=\"pool usage\" /></p>\n<p><a href=\"../files/logs/app.log\">log</a></p>\n")
        #expect(result.postmortem?.body.attachments == ["2024/img/pool usage.png", "logs/app.log"])
    }

    @Test func brokenLinksAreWarningsAtTheirLineAndColumn() {
        // Front matter takes lines 1 to 4; the body starts on line 5.
        let result = loaded("Intro.\n\nSee [it](2024-03-09-pool.md) and ![chart](img/missing.png).\n")
        #expect(result.diagnostics == [
            diagnostic(.warning, .brokenLink, 7, 5,
                       "link to '2024-03-09-pool.md', but there is no postmortem '2024/2024-03-09-pool.md' in the source folder",
                       notes: ["did you mean '2024/2024-03-08-pool.md'?"],
                       source: "See [it](2024-03-09-pool.md) and ![chart](img/missing.png).",
                       file: "postmortems/2024/2024-05-10 予約.md"),
            diagnostic(.warning, .brokenLink, 7, 34,
                       "link to 'img/missing.png', but '2024/img/missing.png' does not exist in the source folder",
                       source: "See [it](2024-03-09-pool.md) and ![chart](img/missing.png).",
                       file: "postmortems/2024/2024-05-10 予約.md"),
        ])
        // The link stays as written: the page shows what the author wrote.
        #expect(result.postmortem?.body.html.contains("href=\"2024-03-09-pool.md\"") == true)
    }

    @Test func columnsCountCharactersNotBytes() {
        let result = loaded("前回の障害は[こちら](missing.md)。\n")
        #expect(result.diagnostics.first?.location.column == 7)
    }

    @Test func linksLeavingTheFolderAndOtherURLs() {
        let result = loaded("[secret](../../etc/passwd) [web](https://example.com/a.md) [mail](mailto:a@b.c) [top](#timeline) [abs](/x.md)\n")
        #expect(result.diagnostics.map(\.code) == [.linkOutsideSource])
        #expect(result.postmortem?.body.html.contains("href=\"https://example.com/a.md\"") == true)
        #expect(result.postmortem?.body.html.contains("href=\"#timeline\"") == true)
    }

    @Test func normalisingRelativePaths() {
        #expect(LinkResolver.normalize("./a/../b.md", relativeTo: "x/y.md") == "x/b.md")
        #expect(LinkResolver.normalize("../../b.md", relativeTo: "x/y.md") == nil)
        #expect(LinkResolver.hasScheme("https://x") && LinkResolver.hasScheme("data:image/png;base64,x"))
        #expect(!LinkResolver.hasScheme("img/a:b.png".replacingOccurrences(of: "img/", with: "./")))
    }
}
