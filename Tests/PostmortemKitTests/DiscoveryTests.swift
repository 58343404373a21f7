import Foundation
import Testing
@testable import PostmortemKit

@Suite struct DiscoveryTests {
    /// A fresh temporary folder holding `files` (relative path → bytes).
    func folder(_ files: [String: [UInt8]]) throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("pmkb-discovery-\(UUID().uuidString)")
        for (path, bytes) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root
    }

    @Test func findsMarkdownBelowTheFolderInByteOrder() throws {
        let root = try folder([
            "b.md": Array("# B".utf8), "a.markdown": Array("# A".utf8), "2024/障害 報告.md": Array("# J".utf8),
            "notes.txt": [], ".hidden.md": Array("# H".utf8), ".git/x.md": Array("# G".utf8),
            "README.md": Array("# index".utf8), "sub/_index.md": Array("# index".utf8), "image.png": [0x89],
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try SourceDiscovery.discover(in: root.path)
        #expect(found.files.map(\.relativePath) == ["2024/障害 報告.md", "a.markdown", "b.md"])
        #expect(found.files.map(\.path) == found.files.map { root.path + "/" + $0.relativePath })
        #expect(found.skipped == ["README.md", "sub/_index.md"])
        #expect(found.files.first?.contents == .bytes(Array("# J".utf8)))
    }

    @Test func extensionsAndIndexNamesAreComparedAsLowercasedWouldCompareThem() throws {
        // The byte comparison for ASCII names, and `lowercased()` for the others, agree with `lowercased()` everywhere.
        let names = ["md", "MD", "Md", "markdown", "MarkDown", "mdx", "m", "", "txt", "ｍｄ", "mar\u{212A}down", "ＭＤ",
                     "README.md", "readme.MD", "_Index.md", "index.markdown", "indexx.md", "Readme.md.txt", "réadme.md"]
        for name in names {
            for set in [SourceDiscovery.markdownExtensions, SourceDiscovery.indexFileNames] {
                #expect(SourceDiscovery.lowercased(Substring(name), isIn: set) == set.contains(name.lowercased()), "\(name)")
            }
        }
        let root = try folder(["Guide.MD": Array("# G".utf8), "sub/ReadMe.Md": Array("# R".utf8), "x.Markdown": Array("# X".utf8)])
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try SourceDiscovery.discover(in: root.path)
        #expect(found.files.map(\.relativePath) == ["Guide.MD", "x.Markdown"] && found.skipped == ["sub/ReadMe.Md"])
    }

    @Test func oversizedFileIsNotRead() throws {
        let root = try folder(["big.md": [UInt8](repeating: 0x61, count: SourceFile.sizeLimit + 1)])
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try SourceDiscovery.discover(in: root.path)
        #expect(found.files.map(\.contents) == [.tooLarge(size: SourceFile.sizeLimit + 1)])
    }

    @Test func displayPathKeepsTheFolderAsGiven() throws {
        let root = try folder(["x.md": Array("# X".utf8)])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try SourceDiscovery.discover(in: root.path + "/").files.map(\.path) == [root.path + "/x.md"])
    }
}
