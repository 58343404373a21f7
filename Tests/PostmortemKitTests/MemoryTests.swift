import Foundation
import Markdown
import Testing
@testable import PostmortemKit

/// The compact forms a build holds its postmortems in (docs/benchmarks.md,
/// "Memory") give back exactly what the plain forms gave.
@Suite struct MemoryTests {
    static func sample() throws -> [Postmortem] {
        let configuration = try Check.configurationFile(path: packageRoot.appendingPathComponent("postmortem.yml").path)
        return try Check.run(folder: packageRoot.appendingPathComponent("postmortems").path,
                             configurationFile: configuration).load.postmortems
    }

    /// Every `.md` of the sample, and of the real postmortems when they are beside the checkout.
    static func markdownFiles() throws -> [URL] {
        let folders = [packageRoot.appendingPathComponent("postmortems"), realPostmortemsFolder]
        return try folders.filter { FileManager.default.fileExists(atPath: $0.path) }.flatMap { folder in
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "md" }
        }.sorted { $0.path < $1.path }
    }

    // MARK: Sections in one store

    /// The process starts itself again with glibc's huge pages only when
    /// the system gives them on request: not when it gives them always
    /// (every heap has them already), never, or says nothing.
    @Test func hugePagesAreAskedForOnlyWhenTheSystemGivesThemOnRequest() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-thp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (text, expected) in [("always [madvise] never\n", true), ("[always] madvise never\n", false),
                                 ("always madvise [never]\n", false), ("", false)] {
            let file = folder.appendingPathComponent("enabled")
            try Data(text.utf8).write(to: file)
            #expect(PostmortemKit.Memory.hugePagesOnRequest(setting: file.path) == expected, "\(text)")
        }
        #expect(!PostmortemKit.Memory.hugePagesOnRequest(setting: folder.appendingPathComponent("missing").path))
    }

    @Test func packedSectionsGiveBackEveryTextAndHeading() throws {
        let files = try Self.markdownFiles()
        #expect(files.count >= 30)
        var nested = 0
        for file in files {
            let sections = MarkdownDocument(try String(contentsOf: file, encoding: .utf8)).render().sections
            let packed = BodySection.packed(sections)
            #expect(packed.map(\.heading) == sections.map(\.heading), "\(file.lastPathComponent)")
            #expect(packed.map(\.kind) == sections.map(\.kind), "\(file.lastPathComponent)")
            #expect(packed.map(\.text) == sections.map(\.text), "\(file.lastPathComponent)")
            #expect(packed.map(\.firstParagraph) == sections.map(\.firstParagraph), "\(file.lastPathComponent)")
            let separate = sections.reduce(0) { $0 + $1.text.utf8.count + ($1.firstParagraph?.utf8.count ?? 0) }
            #expect(packed.first?.storedBytes ?? 0 <= separate)
            if sections.count > 1, let first = packed.first, first.storedBytes < separate { nested += 1 }
        }
        #expect(nested >= files.count / 2, "most bodies nest their sections, and store each text once")
    }

    @Test func subsectionsAreReadFromTheirParentsText() throws {
        let sections = MarkdownDocument("""
            # 予約一覧が開けない

            　全角の空白で始まる前書き。

            ## 概要

            予約一覧が**30分**開けなかった。

            ## 根本原因

            | 時刻 | 出来事 |
            |---|---|
            | 10:00 | 接続プールの枯渇 |

            ## Root cause

            Same words, same text: 予約一覧が**30分**開けなかった。
            """).render().sections
        let packed = BodySection.packed(sections)
        #expect(packed.map(\.text) == sections.map(\.text))
        #expect(packed.map(\.firstParagraph) == sections.map(\.firstParagraph))
        #expect(packed.map(\.kind) == [nil, .summary, .rootCause, .rootCause])
        // The title's section holds every other text, so the store is its text, and its first
        // paragraph: that one keeps the ideographic space trimmed from the section's text.
        let first = try #require(sections[0].firstParagraph)
        #expect(first.hasPrefix("\u{3000}") && !sections[0].text.contains(first))
        #expect(packed.allSatisfy { $0.storedBytes == sections[0].text.utf8.count + first.utf8.count })
        #expect(BodySection.packed([]).isEmpty)
    }

    @Test func sectionsCompareByWhatTheySay() throws {
        let a = try #require(postmortem("# T\n\n## Root cause\n\nThe pool ran dry.\n"))
        let b = try #require(postmortem("# T\n\n## Root cause\n\nThe pool ran dry.\n\n## Timeline\n\nLater.\n"))
        let rootA = try #require(a.body.section(.rootCause)), rootB = try #require(b.body.section(.rootCause))
        #expect(rootA == rootB, "the same heading and text, from stores of different bodies")
        #expect(Set([rootA, rootB]).count == 1)
        #expect(a.body.sections.first != b.body.sections.first)
    }

    // MARK: Postmortems copied by reference

    @Test func aCopyIsIndependentOnceChanged() throws {
        // Through the load stage, which sets the digests.
        let original = try #require(LoadStage.load([SourceFile(path: "pm.md", text: "---\nid: INC-1\ntitle: A title\n---\n# A title\n\nText.\n")],
                                                   configuration: .default).postmortems.first)
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.title = "Another title"
        copy.revision = 7
        #expect(original.title == "A title" && original.revision != 7)
        #expect(copy.title == "Another title" && copy.revision == 7 && copy.id == "INC-1")
        #expect(copy != original)
        // The analyses' digests were made from the fields as loaded: a field set clears them.
        #expect(original.analysisDigests.story != 0 && original.analysisDigests.recurrence != 0)
        #expect(copy.analysisDigests == Postmortem.AnalysisDigests())
        #expect(TextSimilarity.storyKey(copy) == TextSimilarity.storyDigest(copy))
        copy.title = original.title
        copy.revision = original.revision
        #expect(TextSimilarity.storyKey(copy) == original.analysisDigests.story)
        #expect(RecurrenceAnalysis.inputKey([copy], timeZone: .gmt) == RecurrenceAnalysis.inputKey([original], timeZone: .gmt))
        copy.analysisDigests = original.analysisDigests
        #expect(copy == original, "equal fields in different boxes are equal")
        #expect(Set([copy, original]).count == 1)
    }

    // MARK: incidents.json written straight into bytes

    @Test func incidentsJSONIsTheEncodersWholeArray() throws {
        let postmortems = try Self.sample()
        #expect(postmortems.count >= 16)
        let recurrences = RecurrenceAnalysis.analyze(postmortems, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for chosen in [postmortems, Array(postmortems.prefix(1)), Array(postmortems.prefix(2)), []] {
            let whole = Array(try encoder.encode(chosen.map {
                Reference.Incident(postmortem: $0, recurrence: recurrences[$0.id] ?? Recurrence())
            })) + [0x0A]
            let streamed = DataExport.incidentsJSON(chosen, recurrences: recurrences)
            let difference = zip(streamed, whole).enumerated().first { $1.0 != $1.1 }?.offset
            #expect(streamed.count == whole.count && difference == nil,
                    "\(chosen.count) records: \(streamed.count) bytes for \(whole.count), first difference at \(difference ?? -1)")
        }
    }
}
