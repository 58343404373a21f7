import Foundation
import Testing
@testable import Markdown

let cmarkGFM = ["/usr/bin/cmark-gfm", "/usr/local/bin/cmark-gfm"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Differential test against cmark-gfm (Debian's `cmark-gfm`, a test oracle
/// only; the product renders with libcmark): thousands of generated
/// documents built from table and task-list fragments render the same.
@Suite(.enabled(if: cmarkGFM != nil, "cmark-gfm is not installed (apt-get install cmark-gfm)"))
struct DifferentialTests {
    // No HTML of start condition 7 (`<span>`): cmark-gfm (CommonMark 0.29)
    // ends a list item's paragraph before such a line where libcmark (0.30)
    // continues it, and after a table that shows in the lines parsed again.
    // `TableLayerTests` checks that line after a table on its own.
    static let fragments = [
        "| a | b |", "|---|---|", "| :-- | --: |", "a | b", "x", "| \\| x | `c \\| d` |", "| *em* | **b** |",
        "> | q | r |", "> |---|---|", "- | item |", "    | indented |", "", "text line", "# heading", "===", "---",
        "- [ ] task", "- [x] done", "1. [X] numbered", "  - [ ] nested", "[ref]: /url", "| [ref] | [x][ref] |",
        "2. two", "|", "||", "| a |", "|-|", "-", "<div>", "```", "~~~", "| ---- | --- |", "*", "1.",
        "| 日本語 | セル |", "| a | b | c |", "---|---", "> quote", "\t| tab |", "|a|b|c|d|", "| --- |",
    ]

    /// A small deterministic generator (SplitMix64), so every run tests the same documents.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// A `===` line in the same paragraph as an earlier `>` line.
    static func hasLazyUnderlineInQuote(_ document: String) -> Bool {
        var inQuote = false
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { inQuote = false; continue }
            if line.hasPrefix(">") { inQuote = true; continue }
            if inQuote, line.allSatisfy({ $0 == "=" }) { return true }
        }
        return false
    }

    static func oracle(_ inputs: [String], extensions: Bool = true) throws -> [String] {
        // One cmark-gfm process per document would be slow; separate the
        // documents by a marker paragraph no fragment produces.
        let marker = "SEPARATOR-7f3a"
        let joined = inputs.map { $0 + "\n\n" + marker + "\n\n" }.joined()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cmarkGFM!)
        process.arguments = ["--unsafe"] + (extensions ? ["-e", "table", "-e", "tasklist"] : [])
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let data = Data(joined.utf8)
        let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
        writer.start()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: result, as: UTF8.self).components(separatedBy: "<p>\(marker)</p>\n").dropLast().map { $0 }
    }

    /// The one difference on purpose: in a loose list, cmark-gfm puts the
    /// checkbox before the item's paragraph (`<li><input …/> \n<p>done`);
    /// the layer puts it at the start of the paragraph, where the text is.
    static func checkboxInParagraph(_ html: String) -> String {
        var result = html
        for box in [TaskListLayer.checkboxHTML, TaskListLayer.checkedHTML] {
            result = result.replacingOccurrences(of: "<li>\(box)\n<p>", with: "<li>\n<p>\(box)")
        }
        return result
    }

    @Test func generatedDocumentsMatchCmarkGFM() throws {
        var generator = Generator(state: UInt64(ProcessInfo.processInfo.environment["DIFF_SEED"] ?? "") ?? 20261125)
        var documents: [String] = []
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["DIFF_COUNT"] ?? "") ?? 3000) {
            let count = 1 + generator.below(7)
            let text = (0..<count).map { _ in Self.fragments[generator.below(Self.fragments.count)] }.joined(separator: "\n")
            // Reference labels unique to each document: the oracle sees all documents at once.
            documents.append(text.replacingOccurrences(of: "ref]", with: "ref\(documents.count)]") + "\n")
        }
        // Documents are rendered one by one, so each must stand alone: the
        // oracle gets them separated, and containers must not run across.
        let independent = documents.filter { !$0.hasSuffix("```\n") && !$0.hasSuffix("~~~\n") && !$0.contains("```") && !$0.contains("~~~") && !$0.contains("<div>") }
        let expected = try Self.oracle(independent)
        let expectedPlain = try Self.oracle(independent, extensions: false)
        #expect(expected.count == independent.count && expectedPlain.count == independent.count)
        var mismatches = 0, compared = 0
        for (index, document) in independent.enumerated() {
            // cmark-gfm is CommonMark 0.29 and libcmark 0.30: compare the
            // extensions only where the two core parsers agree.
            let plain = MarkdownDocument(document, options: MarkdownOptions(unsafeHTML: true, extensions: false)).html()
            guard plain == expectedPlain[index] else { continue }
            // cmark-gfm reads a lazy `===` in a block quote's paragraph as
            // text when its table extension is on, and as an underline when off.
            if Self.hasLazyUnderlineInQuote(document) { continue }
            compared += 1
            if ProcessInfo.processInfo.environment["DIFF_TRACE"] != nil { FileHandle.standardError.write(Data("DOC<<\(document)>>\n".utf8)) }
            let got = MarkdownDocument(document, options: MarkdownOptions(unsafeHTML: true)).html()
            if got != Self.checkboxInParagraph(expected[index]) {
                mismatches += 1
                if mismatches <= 40 { Issue.record("--- markdown\n\(document)--- cmark-gfm\n\(expected[index])--- ours\n\(got)") }
            }
        }
        #expect(compared > 1500)
        print("Differential: \(compared - mismatches) of \(compared) generated documents identical to cmark-gfm (of \(independent.count) generated; the rest differ already without extensions)")
        #expect(mismatches == 0)
    }
}
