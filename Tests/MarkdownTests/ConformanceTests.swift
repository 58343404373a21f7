import Foundation
import Testing
@testable import Markdown

let conformanceFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/conformance")

/// The GFM spec and cmark-gfm's extension tests: every table and task-list
/// example gives the expected HTML, and every plain CommonMark example
/// renders exactly as libcmark alone renders it.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: conformanceFolder.path),
                "../shared/conformance is not beside this checkout"))
struct ConformanceTests {
    static let spec = (try? SpecExample.load(conformanceFolder.appendingPathComponent("gfm-spec.txt"))) ?? []
    static let extensions = (try? SpecExample.load(conformanceFolder.appendingPathComponent("gfm-extensions.txt"))) ?? []

    /// The table and task-list examples of both files.
    static var layerExamples: [SpecExample] {
        spec.filter { $0.info == "table" || $0.info == "disabled" }
            + extensions.filter { $0.section == "Tables" || $0.section == "Task lists" }
    }

    /// Rendered as the spec's own runner renders: raw HTML kept.
    static func render(_ markdown: String, extensions: Bool = true, unsafe: Bool = true) -> String {
        MarkdownDocument(markdown, options: MarkdownOptions(unsafeHTML: unsafe, extensions: extensions)).html()
    }

    @Test func tableAndTaskListExamplesGiveTheExpectedHTML() {
        let examples = Self.layerExamples
        #expect(examples.count == 29, "8 table and 2 task-list examples in the spec, 16 and 3 in the extension tests")
        var exact = 0, normalized = 0
        for example in examples {
            let html = Self.render(example.markdown)
            if html == example.html {
                exact += 1
            } else if HTMLNormalizer.normalize(html) == HTMLNormalizer.normalize(example.html) {
                normalized += 1
            } else {
                Issue.record("\(example)\n--- markdown\n\(example.markdown)--- expected\n\(example.html)--- got\n\(html)")
            }
        }
        print("Conformance: \(exact) of \(examples.count) table and task-list examples exact, \(normalized) equal after attribute normalisation")
        #expect(exact + normalized == examples.count)
    }

    /// The allocator changes no byte: every example of both files, with the
    /// layer and without, renders the same from a region as node by node
    /// from `malloc` (the HTML and all that `render` reads).
    @Test func everyExampleRendersTheSameFromARegionAsFromMalloc() {
        let examples = Self.spec + Self.extensions
        #expect(examples.count > 600)
        var same = 0
        for example in examples {
            for extensions in [true, false] {
                let pooled = MarkdownOptions(unsafeHTML: true, extensions: extensions)
                var unpooled = pooled
                unpooled.pooledMemory = false
                let fromRegion = MarkdownDocument(example.markdown, options: pooled)
                let fromMalloc = MarkdownDocument(example.markdown, options: unpooled)
                if fromRegion.html() == fromMalloc.html(), fromRegion.render() == fromMalloc.render() {
                    same += 1
                } else {
                    Issue.record("\(example) (extensions: \(extensions)) renders differently from a region")
                }
            }
        }
        #expect(same == 2 * examples.count)
    }

    @Test func plainCommonMarkExamplesRenderAsLibcmarkAlone() {
        let plain = Self.spec.filter { $0.info.isEmpty }
        #expect(plain.count == 649)
        var same = 0
        for example in plain {
            for unsafe in [true, false] {
                let layered = Self.render(example.markdown, unsafe: unsafe)
                let alone = Self.render(example.markdown, extensions: false, unsafe: unsafe)
                if layered == alone { same += 1 } else {
                    Issue.record("\(example) (unsafe: \(unsafe))\n--- markdown\n\(example.markdown)--- libcmark\n\(alone)--- layered\n\(layered)")
                }
            }
        }
        print("Conformance: \(same / 2) of \(plain.count) plain CommonMark examples identical to libcmark alone (safe and unsafe)")
        #expect(same == plain.count * 2)
    }

    /// The spec's own expectations for plain examples hold for libcmark,
    /// but for the few that changed between CommonMark 0.29 and 0.30.
    @Test func libcmarkItselfAgreesWithTheSpecAlmostEverywhere() {
        let plain = Self.spec.filter { $0.info.isEmpty }
        let differing = plain.filter {
            HTMLNormalizer.normalize(Self.render($0.markdown, extensions: false)) != HTMLNormalizer.normalize($0.html)
        }
        print("Conformance: libcmark 0.30 differs from the 0.29 spec text in \(differing.count) plain examples")
        #expect(differing.count < 20)
    }
}
