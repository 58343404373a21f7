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
        let bytes = LoadCache.Folder.encoded(entry, path: path, generation: 7, answers: 11)
        guard let read = LoadCache.Folder.decoded(bytes, path: path, generation: 7), read.answers == 11 else { return nil }
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
        let bytes = LoadCache.Folder.encoded(entry, path: path, generation: 7, answers: 11)
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

    /// A whole entry as the folder holds it reads back with its texts in memory; read from the
    /// folder, with its texts left in the file, read there when asked for.
    @Test func theTextsStayInTheEntrysFileUntilRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-load-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = packageRoot.appendingPathComponent("postmortems")
        let listing = try SourceDiscovery.list(in: sample.path)
        let configuration = ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        let inMemory = Check.run(listing, configuration: configuration, now: BuildCacheTests.now)
        // Loaded into a cache folder, then read from it: either way no postmortem holds its texts.
        for round in ["loaded", "read back"] {
            let cache = LoadCache(folder: folder)
            let stored = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: cache)
            #expect(cache.lastCounts == (round == "loaded" ? (inMemory.load.postmortems.count, 0) : (0, inMemory.load.postmortems.count)))
            #expect(stored.load.postmortems.count == inMemory.load.postmortems.count)
            for (a, b) in zip(stored.load.postmortems, inMemory.load.postmortems) {
                // Nothing of the body but its links and summary is read before it is asked for.
                #expect(a.body.rest.stored != nil && b.body.rest.stored == nil, "\(round): \(a.source.relativePath)")
                #expect(a.body.summary == b.body.summary && a.body.linkedPostmortems == b.body.linkedPostmortems
                    && a.body.attachments == b.body.attachments && a.body.rest.stored != nil)
                let texts = [a.body.htmlText, a.body.readingText] + a.body.sections.map(\.store)
                #expect(a.body.rest.stored == nil)
                #expect(texts.allSatisfy { !$0.isInMemory } && !a.fieldSiteStore.isInMemory, "\(round): \(a.source.relativePath)")
                #expect(a.fieldSites == b.fieldSites && !a.fieldSites.isEmpty)
                #expect(b.body.htmlText.isInMemory)
                #expect(a == b, "\(round): \(a.source.relativePath)")
                #expect(a.body.html == b.body.html && a.body.plainText == b.body.plainText)
                #expect(a.body.sections.map(\.text) == b.body.sections.map(\.text))
            }
            #expect(stored.diagnostics == inMemory.diagnostics)
            #expect(cache.unreadText == nil)
        }
        // A byte of an entry's HTML changed: it reads other than its digest, and the failure is recorded.
        let cache = LoadCache(folder: folder)
        let stored = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: cache)
        let victim = try #require(stored.load.postmortems.first { $0.body.html.utf8.count > 100 })
        let file = LoadCache.Folder(url: folder, configurationKey: "").file(of: victim.source.path)
        try Self.damageTheFirstText(of: URL(fileURLWithPath: file))
        #expect(victim.body.html == "")
        #expect(cache.unreadText?.file == file && cache.unreadText?.count == 1)
        #expect(throws: LoadCache.TextsLost.self) { try cache.requireEveryTextRead() }
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    /// A body's parts (outline, sections, tasks) stay in the entry's file until first asked for;
    /// parts that read back other than their digest are none, and the failure is recorded.
    @Test func aBodysPartsAreReadWhenFirstAskedForAndADamagedOneIsFound() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-parts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let listing = try SourceDiscovery.list(in: packageRoot.appendingPathComponent("postmortems").path)
        let configuration = ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        _ = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: LoadCache(folder: folder))
        let cache = LoadCache(folder: folder)
        let stored = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: cache)
        #expect(cache.lastCounts.reused == stored.load.postmortems.count)
        let victims = stored.load.postmortems.filter { $0.body.rest.stored != nil }
        #expect(victims.count == stored.load.postmortems.count)
        let victim = try #require(victims.first)
        let place = try #require(victim.body.rest.stored)
        // One byte of the parts changed in the entry's file.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: place.file.path))
        try handle.seek(toOffset: UInt64(place.offset + place.length / 2))
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(place.offset + place.length / 2))
        try handle.write(contentsOf: [byte ^ 0x41])
        try handle.close()
        #expect(cache.unreadText == nil)
        #expect(victim.body.outline.isEmpty && victim.body.sections.isEmpty && victim.body.html.isEmpty)
        #expect(victim.body.rest.stored == nil, "read once, then held")
        #expect(cache.unreadText?.file == place.file.path && cache.unreadText?.count == 1)
        // A copy made before the read shares the parts: it is read once.
        #expect(victims[1].body.rest.stored != nil)
        let copy = victims[1]
        #expect(!copy.body.outline.isEmpty && victims[1].body.rest.stored == nil)
        #expect(cache.unreadText?.count == 1)
        #expect(throws: LoadCache.TextsLost.self) { try cache.requireEveryTextRead() }
    }

    /// A head longer than the first read (many tags, long fields) is read in
    /// two parts and comes back whole.
    @Test func anEntryWhoseHeadIsLongerThanTheFirstReadReadsBack() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-head-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("postmortems"), folder = root.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let tags = (1...600).map { "      - long-tag-number-\($0)" }.joined(separator: "\n")
        try Data("""
            ---
            id: INC-2026-001
            title: A postmortem with a long head
            date: 2026-11-02
            severity: SEV2
            tags:
            \(tags)
            ---

            The body.
            """.utf8).write(to: source.appendingPathComponent("long.md"))
        let listing = try SourceDiscovery.list(in: source.path)
        let configuration = ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        let inMemory = Check.run(listing, configuration: configuration, now: BuildCacheTests.now)
        _ = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: LoadCache(folder: folder))
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        let sizes = try #require(Array(try Data(contentsOf: folder.appendingPathComponent(file))).withUnsafeBytes { LoadCache.Folder.sizes($0) })
        #expect(LoadCache.Folder.headerSize + Int(sizes.head) > LoadCache.Folder.firstRead)
        // Read back from the heads file, then, without it, from the entry's own file.
        for heads in [true, false] {
            if !heads { try FileManager.default.removeItem(atPath: Self.headsFile(of: folder)) }
            let cache = LoadCache(folder: folder)
            let read = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: cache)
            #expect(cache.lastCounts == (0, 1) && cache.lastFromHeadsFile == (heads ? 1 : 0))
            #expect(read.load.postmortems == inMemory.load.postmortems && read.load.postmortems.first?.tags.count == 600)
            #expect(read.diagnostics == inMemory.diagnostics)
        }
    }

    /// The heads table beside the entries' folder of `folder`.
    static func headsFile(of folder: URL) -> String {
        folder.deletingLastPathComponent().appendingPathComponent("load-heads.table").path
    }

    /// The heads table and records beside the entries' folder of `folder`, when they read as such.
    static func heads(of folder: URL, generation: UInt64) -> LoadCache.Heads? {
        LoadCache.Heads(table: headsFile(of: folder),
                        records: folder.deletingLastPathComponent().appendingPathComponent("load-heads.records").path,
                        generation: generation)
    }

    /// The records are mapped when they are small enough, else read a head
    /// at a time: every head reads the same either way.
    @Test func theHeadsReadTheSameMappedOrReadOneByOne() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-mapped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("cache/load")
        let listing = try SourceDiscovery.list(in: packageRoot.appendingPathComponent("postmortems").path)
        let configuration = ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        _ = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: LoadCache(folder: folder))
        let generation = LoadCache.Folder(url: folder, configurationKey: "").generation
        let records = folder.deletingLastPathComponent().appendingPathComponent("load-heads.records").path
        let mapped = try #require(Self.heads(of: folder, generation: generation))
        let read = try #require(LoadCache.Heads(table: Self.headsFile(of: folder), records: records, generation: generation, mappingUpTo: 0))
        #expect(mapped.isMapped && !read.isMapped)
        #expect(listing.markdown.count > 10 && mapped.count == listing.markdown.count)
        for relative in listing.markdown {
            let name = LoadCache.Folder.digest(of: listing.displayPath(relative))
            let record = try #require(mapped.record(name), "\(relative)")
            let bytes = try #require(mapped.withBytes(of: record) { Array($0) })
            #expect(bytes.starts(with: LoadCache.Folder.magic), "\(relative)")
            #expect(read.withBytes(of: record) { Array($0) } == bytes, "\(relative)")
            #expect(mapped.bytes(of: record) == bytes && read.bytes(of: record) == bytes, "\(relative)")
        }
    }

    /// Every head goes to one file, and the next load reads the heads of the
    /// files that did not change from it. A heads file left behind by an
    /// earlier build (as one stopped midway leaves it) is checked head by
    /// head against the files; a damaged one reads as none.
    @Test func theHeadsFileHoldsEveryHeadAndAStaleOneIsCheckedHeadByHead() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-heads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("postmortems"), folder = root.appendingPathComponent("cache/load")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("postmortems"), to: source)
        let configuration = ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        func load() throws -> (result: CheckReport, cache: LoadCache, fresh: CheckReport) {
            let listing = try SourceDiscovery.list(in: source.path)
            let cache = LoadCache(folder: folder)
            let result = Check.run(listing, configuration: configuration, now: BuildCacheTests.now, cache: cache)
            return (result, cache, Check.run(listing, configuration: configuration, now: BuildCacheTests.now))
        }
        func expectAsFresh(_ round: (result: CheckReport, cache: LoadCache, fresh: CheckReport), _ label: String) {
            #expect(round.result.load.postmortems == round.fresh.load.postmortems, "\(label)")
            #expect(round.result.diagnostics == round.fresh.diagnostics, "\(label)")
            #expect(round.cache.unreadText == nil, "\(label)")
        }
        let count = try SourceDiscovery.list(in: source.path).markdown.count
        let generation = LoadCache.Folder(url: folder, configurationKey: "").generation
        let first = try load()
        expectAsFresh(first, "loaded")
        #expect(first.cache.lastCounts == (count, 0) && first.cache.lastFromHeadsFile == 0)
        #expect(Self.heads(of: folder, generation: generation)?.count == count)
        #expect(Self.heads(of: folder, generation: generation &+ 1) == nil, "another generation")
        let second = try load()
        expectAsFresh(second, "read back")
        #expect(second.cache.lastCounts == (0, count) && second.cache.lastFromHeadsFile == count)
        // One file edited: its head is made again, the others are read from the file.
        let stale = try Data(contentsOf: URL(fileURLWithPath: Self.headsFile(of: folder)))
        let edited = source.appendingPathComponent("2024-03-08-admin-panel-down-pool-exhaustion.md")
        try (String(contentsOf: edited, encoding: .utf8) + "\nOne more sentence.\n").write(to: edited, atomically: true, encoding: .utf8)
        let records = folder.deletingLastPathComponent().appendingPathComponent("load-heads.records")
        func recordsSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: records.path)[.size] as? Int ?? 0 }
        let before = try recordsSize()
        let third = try load()
        expectAsFresh(third, "edited")
        #expect(third.cache.lastCounts == (1, count - 1) && third.cache.lastFromHeadsFile == count - 1)
        #expect(try (1..<65_536).contains(recordsSize() - before), "the edited file's head appended, nothing else")
        // The heads file of before the edit, as a build stopped before writing its own leaves it:
        // the edited file's old head is not taken; its entry's own file is.
        try stale.write(to: URL(fileURLWithPath: Self.headsFile(of: folder)))
        let fourth = try load()
        expectAsFresh(fourth, "stale heads file")
        #expect(fourth.cache.lastCounts == (0, count) && fourth.cache.lastFromHeadsFile == count - 1)
        #expect(Self.heads(of: folder, generation: generation)?.count == count, "written whole again")
        // More bytes in the records than the table names (heads of files edited since; here 9 MB of zeros):
        // the records are written anew with the heads of the table only.
        let handle = try FileHandle(forWritingTo: records)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: 9 << 20))
        try handle.close()
        let compacted = try load()
        expectAsFresh(compacted, "records written anew")
        #expect(compacted.cache.lastCounts == (0, count) && compacted.cache.lastFromHeadsFile == count)
        #expect(try recordsSize() < 1 << 20 && Self.heads(of: folder, generation: generation)?.count == count)
        let afterCompaction = try load()
        expectAsFresh(afterCompaction, "read from records written anew")
        #expect(afterCompaction.cache.lastFromHeadsFile == count)
        // A byte of the table changed: the file reads as none, every entry's own file is read, and it is written again.
        var damaged = try Data(contentsOf: URL(fileURLWithPath: Self.headsFile(of: folder)))
        damaged[damaged.count - 40] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: Self.headsFile(of: folder)))
        #expect(Self.heads(of: folder, generation: generation) == nil)
        let fifth = try load()
        expectAsFresh(fifth, "damaged heads file")
        #expect(fifth.cache.lastCounts == (0, count) && fifth.cache.lastFromHeadsFile == 0)
        #expect(Self.heads(of: folder, generation: generation)?.count == count)
        // Cut short: none either.
        try Data(damaged.prefix(damaged.count / 2)).write(to: URL(fileURLWithPath: Self.headsFile(of: folder)))
        #expect(Self.heads(of: folder, generation: generation) == nil)
    }

    /// Changes a byte of an entry's first text (its HTML), right after its head: the head still reads.
    static func damageTheFirstText(of entry: URL) throws {
        var bytes = try Data(contentsOf: entry)
        let sizes = try #require(Array(bytes).withUnsafeBytes { LoadCache.Folder.sizes($0) })
        let first = LoadCache.Folder.headerSize + Int(sizes.head)
        try #require(sizes.texts > 0 && first < bytes.count)
        bytes[first] ^= 0x20
        try bytes.write(to: entry)
    }

    /// An entry whose texts no longer read as its head says (changed after
    /// the load stage read the head, or damaged since the last build): the
    /// build publishes nothing of what it made, removes the entry, loads its
    /// file again and makes the site a build from nothing makes, in the same run.
    @Test func anEntryWhoseTextsChangedIsLoadedAgainInTheSameBuild() throws {
        let (source, out, root) = try BuildCacheTests().workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build(source, out)
        let before = try files(out)
        let folder = BuildRecord.cacheFolder(of: out.path).appendingPathComponent("load")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first)
        let entry = folder.appendingPathComponent(name)
        try Self.damageTheFirstText(of: entry)
        let damaged = try Data(contentsOf: entry)
        // A day later every page is rendered again, and so every postmortem's text is read.
        let later = BuildCacheTests.now.addingTimeInterval(86_400)
        let result = try build(source, out, now: later)
        #expect(result.filesLoaded.loaded == 1, "the damaged entry's file, loaded again")
        #expect(try Data(contentsOf: entry) != damaged, "its entry written anew")
        #expect(try files(out) != before)
        let fresh = root.appendingPathComponent("fresh")
        _ = try build(source, fresh, now: later)
        #expect(try files(out) == files(fresh))
    }

    /// The checks across files read the sites of the fields they cite from the cache: a site
    /// that reads back wrong is found, even in a build whose checks found errors (it would cite
    /// the field nowhere), and the file is loaded again so that the field is cited where it is written.
    @Test func aFieldSiteChangedUnderTheBuildIsLoadedAgainToo() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-sites-\(UUID().uuidString)")
        let source = root.appendingPathComponent("postmortems"), out = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(frontMatter("id: A\ndate: 2024-01-01").utf8).write(to: source.appendingPathComponent("a.md"))
        try Data(frontMatter("title: Again\nid: A\ndate: 2024-05-01").utf8).write(to: source.appendingPathComponent("b.md"))
        func duplicate(_ result: Build.Result) -> Diagnostic? { result.check.diagnostics.first { $0.code == .duplicateID } }
        let first = try build(source, out)
        let error = try #require(duplicate(first))
        #expect(first.written == nil && error.location.line == 3 && error.sourceLine == "id: A")
        // The sites are the last bytes an entry sets apart: the head still reads.
        let folder = BuildRecord.cacheFolder(of: out.path).appendingPathComponent("load")
        let entry = URL(fileURLWithPath: LoadCache.Folder(url: folder, configurationKey: "")
            .file(of: source.appendingPathComponent("b.md").path))
        var bytes = try Data(contentsOf: entry)
        bytes[bytes.count - 1] ^= 0x20
        try bytes.write(to: entry)
        let second = try build(source, out)
        #expect(duplicate(second) == error && second.filesLoaded.loaded == 1)
        #expect(try Data(contentsOf: entry) != bytes, "the entry written anew")
    }

    func build(_ source: URL, _ out: URL, config: String = "postmortem.yml", now: Date = BuildCacheTests.now) throws -> Build.Result {
        try Build.run(Build.Options(sourceFolder: source.path, outputFolder: out.path,
                                    configurationPath: packageRoot.appendingPathComponent(config).path,
                                    templatesFolder: nil, now: now))
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
        // (Its head is read from the entry's own file when the heads file is gone; with the heads
        // file, a damaged entry is found when its texts are read: `anEntryWhoseTextsChangedIsLoadedAgainInTheSameBuild`.)
        try FileManager.default.removeItem(atPath: Self.headsFile(of: folder))
        try (String(contentsOf: edited, encoding: .utf8) + "Another.\n").write(to: edited, atomically: true, encoding: .utf8)
        let third = try build(source, out)
        #expect(third.filesLoaded == (2, count - 2))
        try expectSameSiteAsFromNothing(third)
        #expect(try Data(contentsOf: folder.appendingPathComponent(victim)).count > 100, "written anew")
        // A new file changes the folder's index, not what the other bodies' links find in it: it alone is loaded.
        try Data("---\nid: NEW-1\ntitle: New\nstatus: draft\n---\nSee [the pool](2024-03-08-admin-panel-down-pool-exhaustion.md).\n".utf8)
            .write(to: source.appendingPathComponent("new.md"))
        let fourth = try build(source, out)
        #expect(fourth.filesLoaded == (1, count))
        try expectSameSiteAsFromNothing(fourth)
        // A file removed: its entry goes too; no other body linked to it.
        try FileManager.default.removeItem(at: source.appendingPathComponent("new.md"))
        let fifth = try build(source, out)
        #expect(fifth.filesLoaded == (0, count))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == count)
        try expectSameSiteAsFromNothing(fifth)
        // The same index again: every entry is read.
        try FileManager.default.removeItem(at: BuildRecord.cacheFolder(of: out.path).appendingPathComponent(BuildRecord.file))
        let sixth = try build(source, out)
        #expect(sixth.filesLoaded == (0, count))
        try expectSameSiteAsFromNothing(sixth)
        // A link to a file that is not there (a warning, whose "did you mean" reads every name): the
        // body is loaded again when any file comes or goes; here the one it links to comes.
        try (String(contentsOf: edited, encoding: .utf8) + "See [later](later.md) and [the chart](later.png).\n")
            .write(to: edited, atomically: true, encoding: .utf8)
        let seventh = try build(source, out)
        #expect(seventh.filesLoaded == (1, count - 1))
        #expect(seventh.check.diagnostics.count { $0.message.contains("later.md") } == 1)
        try expectSameSiteAsFromNothing(seventh)
        try Data("---\nid: LATER-1\ntitle: Later\nstatus: draft\n---\nLater.\n".utf8).write(to: source.appendingPathComponent("later.md"))
        let eighth = try build(source, out)
        #expect(eighth.filesLoaded == (2, count - 1))
        #expect(eighth.check.diagnostics.count { $0.message.contains("later.md") } == 0)
        try expectSameSiteAsFromNothing(eighth)
        // The file its other link needs: that link resolves now, and the body is loaded again.
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: source.appendingPathComponent("later.png"))
        let ninth = try build(source, out)
        #expect(ninth.filesLoaded == (1, count))
        try expectSameSiteAsFromNothing(ninth)
        // Its links all resolve: another file added leaves it alone, the one it links to removed does not.
        try Data("---\nid: OTHER-1\ntitle: Other\nstatus: draft\n---\nOther.\n".utf8).write(to: source.appendingPathComponent("other.md"))
        let tenth = try build(source, out)
        #expect(tenth.filesLoaded == (1, count + 1))
        try expectSameSiteAsFromNothing(tenth)
        try FileManager.default.removeItem(at: source.appendingPathComponent("later.md"))
        let eleventh = try build(source, out)
        #expect(eleventh.filesLoaded == (1, count))
        #expect(eleventh.check.diagnostics.count { $0.message.contains("later.md") } == 1)
        try expectSameSiteAsFromNothing(eleventh)
        // Its linked postmortem's id changed: the link goes to another page, so it is loaded again.
        try Data("---\nid: LATER-2\ntitle: Later\nstatus: draft\n---\nLater.\n".utf8).write(to: source.appendingPathComponent("later.md"))
        _ = try build(source, out)
        try Data("---\nid: LATER-3\ntitle: Later\nstatus: draft\n---\nLater.\n".utf8).write(to: source.appendingPathComponent("later.md"))
        let thirteenth = try build(source, out)
        #expect(thirteenth.filesLoaded == (2, count))
        try expectSameSiteAsFromNothing(thirteenth)
    }
}
