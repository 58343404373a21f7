import Foundation
import Testing
@testable import Markdown

/// Whole rendered bodies, English and Japanese, compared with golden files
/// beside this test. `RECORD_GOLDEN=1 swift test` records them again and
/// fails, so a recording run never passes silently.
@Suite struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The HTML, then the outline, sections, tasks, links and summary, as text.
    static func snapshot(_ markdown: String) -> String {
        let title = markdown.split(separator: "\n").first.map { String($0.dropFirst(2)) }
        let settings = RenderSettings(reservedIDs: ["main"], demoteHeadings: true, leadingTitle: title)
        let body = MarkdownDocument(markdown).render(settings) { link in
            link.url.contains(".md") ? "rewritten/" + link.url : nil
        }
        var text = body.html + "\n--- outline\n"
        for heading in body.headings { text += "h\(heading.level) #\(heading.id) line \(heading.line): \(heading.text)\n" }
        text += "--- sections\n"
        for section in body.sections {
            text += "\(section.kind?.rawValue ?? "-") <- \(section.heading.text): \(section.firstParagraph ?? "")\n"
        }
        text += "--- tasks\n"
        for task in body.tasks { text += "[\(task.checked ? "x" : " ")] line \(task.line): \(task.text)\n" }
        text += "--- links\n"
        for link in body.links { text += "\(link.isImage ? "image" : "link") \(link.line):\(link.column) \(link.url) (\(link.text))\n" }
        text += "--- tables\n"
        for table in body.tables { text += "line \(table.line): \(table.rows.map { $0.joined(separator: " | ") }.joined(separator: " / "))\n" }
        text += "--- summary\n\(body.summary())\n--- reading minutes\n\(body.readingMinutes)\n"
        return text
    }

    @Test(arguments: ["english", "japanese"])
    func renderedBodyMatchesGolden(name: String) throws {
        let markdown = try String(contentsOf: Self.folder.appendingPathComponent("\(name).md"), encoding: .utf8)
        let golden = Self.folder.appendingPathComponent("\(name).expected.txt")
        let snapshot = Self.snapshot(markdown)
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            try snapshot.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.lastPathComponent); run again without RECORD_GOLDEN")
            return
        }
        #expect(snapshot == (try String(contentsOf: golden, encoding: .utf8)))
    }
}
