import Testing
@testable import Markdown
@Test func firstHeading() { #expect(MarkdownDocument("Title\n=====\n\ntext").firstHeading(level: 1)?.text == "Title") }
