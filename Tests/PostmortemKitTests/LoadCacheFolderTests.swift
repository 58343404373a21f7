import Foundation
import Testing
@testable import PostmortemKit

/// `build`'s load cache on disk: every postmortem reads back equal to the
/// one loaded, damaged entries read as none, and a build that reads entries
/// makes the site a build from nothing makes.
@Suite struct LoadCacheFolderTests {
    /// Every postmortem of `folder` as a cache entry, with its file's diagnostics.
    static func entries(of folder: URL) throws -> [(path: String, entry: LoadCache.Entry)] {
        let report = try Check.run(folder: folder.path, configurationFile: nil)
        let byFile = Dictionary(grouping: report.load.diagnostics, by: \.location.file)
        return report.load.postmortems.enumerated().map { number, postmortem in
            let entry = LoadCache.Entry(digest: UInt64(number) &* 0x9E37_79B9_7F4A_7C15, id: postmortem.id,
                                        finished: LoadedFile(postmortem: postmortem,
                                                             diagnostics: byFile[postmortem.source.path] ?? []))
            return (postmortem.source.path, entry)
        }
    }

    static func roundTrip(_ entry: LoadCache.Entry, path: String) -> LoadCache.Entry? {
        let bytes = LoadCache.Folder.encoded(entry, path: path, generation: 7, index: 11)
        guard let read = LoadCache.Folder.decoded(bytes, path: path, generation: 7), read.index == 11 else { return nil }
        return read.entry
    }

    @Test(arguments: ["sample", "real"])
    func everyPostmortemReadsBackAsLoaded(_ corpus: String) throws {
        let folder = corpus == "sample" ? packageRoot.appendingPathComponent("postmortems") : realPostmortemsFolder
        guard FileManager.default.fileExists(atPath: folder.path) else { return }
        let entries = try Self.entries(of: folder)
        #expect(entries.count > 20)
        for (path, entry) in entries {
            let read = try #require(Self.roundTrip(entry, path: path), "\(path)")
            #expect(read.digest == entry.digest && read.id == entry.id)
            #expect(read.finished.postmortem == entry.finished.postmortem, "\(path)")
            #expect(read.finished.diagnostics == entry.finished.diagnostics, "\(path)")
            // Equality of sections compares their texts; the texts themselves read the same.
            for (a, b) in zip(read.finished.postmortem?.body.sections ?? [], entry.finished.postmortem?.body.sections ?? []) {
                #expect(a.text == b.text && a.firstParagraph == b.firstParagraph)
            }
        }
        // The corpora set the fields the bytes carry, so a field left out of them would fail above.
        let postmortems = entries.compactMap(\.entry.finished.postmortem)
        if corpus == "sample" {
            #expect(postmortems.contains { !$0.recurrenceFix.isEmpty && $0.recurrenceFix.contains { $0.due != nil } })
            #expect(postmortems.contains { $0.impact?.usersAffected != nil && $0.milestones.detectedAt != nil })
            #expect(postmortems.contains { !$0.body.tasks.isEmpty } && postmortems.contains { !$0.fieldSites.isEmpty })
        } else {
            #expect(postmortems.contains { !$0.inferred.isEmpty } && postmortems.contains { !$0.source.hasFrontMatter })
            #expect(entries.contains { !$0.entry.finished.diagnostics.isEmpty })
        }
    }

    @Test func damagedBytesReadAsNoEntry() throws {
        let entries = try Self.entries(of: packageRoot.appendingPathComponent("postmortems"))
        let (path, entry) = try #require(entries.first { $0.entry.finished.postmortem?.body.sections.count ?? 0 > 2 })
        let bytes = LoadCache.Folder.encoded(entry, path: path, generation: 7, index: 11)
        #expect(LoadCache.Folder.decoded(bytes, path: path, generation: 8) == nil, "another tool or configuration")
        #expect(LoadCache.Folder.decoded(bytes, path: path + "x", generation: 7) == nil, "another file's entry")
        #expect(LoadCache.Folder.decoded(bytes + [0], path: path, generation: 7) == nil)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            #expect(LoadCache.Folder.decoded(Array(bytes.prefix(cut)), path: path, generation: 7) == nil, "cut at \(cut)")
        }
        // Any byte changed: no trap, whatever is read (a changed letter of a text may still read).
        var random = AnalysisReferenceTests.Generator(state: 42)
        for _ in 0..<2_000 {
            var damaged = bytes
            let at = random.next(damaged.count)
            damaged[at] = UInt8(random.next(256))
            _ = LoadCache.Folder.decoded(damaged, path: path, generation: 7)
        }
    }

    func build(_ source: URL, _ out: URL, config: String = "postmortem.yml") throws -> Build.Result {
        try Build.run(Build.Options(sourceFolder: source.path, outputFolder: out.path,
                                    configurationPath: packageRoot.appendingPathComponent(config).path,
                                    templatesFolder: nil, now: BuildCacheTests.now))
    }

    @Test func aBuildLoadsOnlyTheFilesThatChangedAndMakesTheSameSite() throws {
        let (source, out, root) = try BuildCacheTests().workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try build(source, out)
        let count = first.check.fileCount
        #expect(first.filesLoaded == (count, 0))
        let folder = BuildRecord.cacheFolder(of: out.path).appendingPathComponent("load")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == count)
        func expectSameSiteAsFromNothing(_ result: Build.Result) throws {
            let fresh = root.appendingPathComponent("fresh-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: fresh) }
            let uncached = try build(source, fresh)
            #expect(uncached.filesLoaded == (count, 0) || uncached.filesLoaded.cached == 0)
            #expect(result.check.diagnostics == uncached.check.diagnostics)
            #expect(try files(out) == files(fresh))
        }
        // One body edited: that file alone is loaded.
        let edited = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more sentence.\n").write(to: edited, atomically: true, encoding: .utf8)
        let second = try build(source, out)
        #expect(second.filesLoaded == (1, count - 1))
        try expectSameSiteAsFromNothing(second)
        // A damaged entry (any but the edited file's) is loaded again, and written anew.
        let editedEntry = try #require(Self.entries(of: source).first { $0.path.hasSuffix(edited.lastPathComponent) })
        let editedName = URL(fileURLWithPath: LoadCache.Folder(url: folder, configurationKey: "").file(of: editedEntry.path))
            .lastPathComponent
        let victim = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first { $0 != editedName })
        try Data("PMKB-LOAD\ncut".utf8).write(to: folder.appendingPathComponent(victim))
        try (String(contentsOf: edited, encoding: .utf8) + "Another.\n").write(to: edited, atomically: true, encoding: .utf8)
        let third = try build(source, out)
        #expect(third.filesLoaded == (2, count - 2))
        try expectSameSiteAsFromNothing(third)
        #expect(try Data(contentsOf: folder.appendingPathComponent(victim)).count > 100, "written anew")
        // A new file changes the folder's index (links may now resolve): every body is finished again.
        try Data("---\nid: NEW-1\ntitle: New\nstatus: draft\n---\nSee [the pool](2024-03-08-admin-panel-down-pool-exhaustion.md).\n".utf8)
            .write(to: source.appendingPathComponent("new.md"))
        let fourth = try build(source, out)
        #expect(fourth.filesLoaded == (count + 1, 0))
        try expectSameSiteAsFromNothing(fourth)
        // A file removed: its entry goes too, and the others were finished in another index.
        try FileManager.default.removeItem(at: source.appendingPathComponent("new.md"))
        let fifth = try build(source, out)
        #expect(fifth.filesLoaded == (count, 0))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == count)
        try expectSameSiteAsFromNothing(fifth)
        // The same index again: every entry is read.
        try FileManager.default.removeItem(at: BuildRecord.cacheFolder(of: out.path).appendingPathComponent(BuildRecord.file))
        let sixth = try build(source, out)
        #expect(sixth.filesLoaded == (0, count))
        try expectSameSiteAsFromNothing(sixth)
    }
}
