/// The load stage for a whole source folder: every file loaded, then the
/// checks that need all of them (unique ids, `related` ids that exist).
public struct LoadResult: Sendable {
    /// Every loaded postmortem, in source order (by relative path).
    public var postmortems: [Postmortem]
    /// Every problem, sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
}

public enum LoadStage {
    /// Loads every file: first every front matter (so every id is known),
    /// then every body, whose links may go to any postmortem or file of the folder.
    public static func load(_ files: [SourceFile], assets: Set<String> = [], configuration: SiteConfiguration,
                            cache: LoadCache? = nil, configurationKey: String = "") -> LoadResult {
        load(inputs: files.map(SourceInput.file), assets: assets, configuration: configuration, cache: cache,
             configurationKey: configurationKey)
    }

    /// `load`, reading each file of the disk when its turn comes: its bytes
    /// for its front matter, and again for its body (files are read faster
    /// than they are loaded, and no file's bytes are held between the two).
    ///
    /// A file whose stamp vouches that it holds the bytes of its entry of
    /// the last build (`SourceStamp.vouches`, within `racyWindow`) is not
    /// read at all, unless what its links read of the index changed.
    static func load(inputs: [SourceInput], assets: Set<String> = [], configuration: SiteConfiguration,
                     cache: LoadCache? = nil, configurationKey: String = "",
                     racyWindow: Int64 = BuildRecord.racyWindow) -> LoadResult {
        let loader = PostmortemLoader(configuration: configuration)
        let previous = Profile.measure("load: snapshot") { cache?.snapshot(configurationKey: configurationKey) }
        /// A file's first half: its entry of the last build when its bytes are the same, else its front matter read now.
        enum Half: Sendable {
            /// The last build's entry, whose links' reads of the index got `answers` (`IndexReads.digest`).
            case kept(LoadCache.Entry, answers: UInt64, byStamp: Bool)
            case prepared(PreparedFile)
            /// Moved on to the file's finished entry (`load: bodies`).
            case taken
        }
        // Each worker puts its file's path and id (none for a file that is no postmortem) in `ids`,
        // for the folder's index: read back from `firsts`, even through a pointer, each first was
        // copied whole, retaining and releasing all it holds (7 ms of one core in a one-edit rebuild
        // at 10,000).
        let ids = UnsafeMutableBufferPointer<(path: String, id: String)?>.allocate(capacity: inputs.count)
        ids.initialize(repeating: nil)
        defer {
            _ = ids.deinitialize()
            ids.deallocate()
        }
        nonisolated(unsafe) let slots = ids
        var firsts = Profile.measure("load: front matter") {
            Parallel.map(Array(inputs.indices)) { position -> (file: SourceFile, digest: UInt64, half: Half) in
                let first = firstHalf(inputs[position])
                if let id = first.id { slots[position] = (first.file.relativePath, id) }
                return (first.file, first.digest, first.half)
            }
        }
        @Sendable func firstHalf(_ input: SourceInput) -> (file: SourceFile, digest: UInt64, half: Half, id: String?) {
            if let stamp = input.stamp, let kept = previous?.entry(input.path, stamp: stamp, window: racyWindow) {
                return (input.unread, kept.entry.digest, .kept(kept.entry, answers: kept.answers, byStamp: true), kept.entry.id)
            }
            let file = input.read()
            let digest = file.contents.digest
            // The bytes are read again for the body.
            var named = file
            if input.isOnDisk, case .bytes = file.contents { named.contents = .bytes([]) }
            if let kept = previous?.entry(file, digest: digest) {
                return (named, digest, .kept(kept.entry, answers: kept.answers, byStamp: false), kept.entry.id)
            }
            var prepared = loader.prepare(file)
            prepared.file = named
            return (named, digest, .prepared(prepared), prepared.isText ? prepared.id : nil)
        }
        let indexing = Profile.start()
        var index = SourceIndex(assets: assets)
        index.postmortemIDs.reserveCapacity(firsts.count)
        for case let (path, id)? in ids where index.postmortemIDs[path] == nil {
            index.postmortemIDs[path] = id
        }
        index.indexNames()
        let finishedIndex = index
        Profile.add("load: index", since: indexing)
        let indexDigest = Once { finishedIndex.digest }
        // `build` writes each entry as soon as it is finished and keeps only where its texts are.
        let keeper = cache?.folder(configurationKey: configurationKey)
        /// The entry of the file `input` whose first half is `first`, as the cache keeps it.
        @Sendable func finish(_ first: consuming (file: SourceFile, digest: UInt64, half: Half),
                              input: SourceInput) -> LoadCache.Stored {
            var file = first.file, digest = first.digest
            let made: PreparedFile?
            switch first.half {
            case let .kept(entry, answers, byStamp):
                if entry.finished.reads.digest(in: finishedIndex, indexDigest: indexDigest) == answers {
                    return LoadCache.Stored(path: input.path, entry: entry, answers: answers, stamp: input.stamp,
                                            reuse: byStamp ? .byStamp : .byDigest)
                }
                made = nil
            case let .prepared(prepared):
                made = prepared
            case .taken:
                made = nil
            }
            var prepared: PreparedFile
            if input.isOnDisk {
                // Read again; a file changed since its front matter was read is loaded as it is now.
                file = input.read()
                let now = file.contents.digest
                if var made, now == digest {
                    made.file = file
                    prepared = made
                } else {
                    prepared = loader.prepare(file)
                }
                digest = now
            } else if let made {
                prepared = made
            } else {
                prepared = loader.prepare(file)
            }
            var loaded = loader.finish(prepared, index: finishedIndex)
            let answers = loaded.reads.digest(in: finishedIndex, indexDigest: indexDigest)
            if var postmortem = loaded.postmortem {
                postmortem.revision = revision(of: file, digest: digest, configurationKey: configurationKey, answers: answers)
                postmortem.outward = postmortem.outwardDigest
                postmortem.analysisDigests = Postmortem.AnalysisDigests(story: TextSimilarity.storyDigest(postmortem),
                                                                        recurrence: RecurrenceAnalysis.digest(of: postmortem))
                loaded.postmortem = postmortem
            }
            let entry = LoadCache.Entry(digest: digest, id: prepared.isText ? prepared.id : nil, finished: loaded)
            return LoadCache.Stored(path: input.path,
                                    entry: keeper?.keep(entry, path: file.path, answers: answers, stamp: input.stamp) ?? entry,
                                    answers: answers, stamp: input.stamp, reuse: .none)
        }
        // Each file's entry, the answers its links' reads got, and whether it came from the last build:
        // an entry is reused while its reads get the answers they got (a postmortem added elsewhere
        // changes the index, not what most bodies' links find in it).
        //
        // Each file's first half is moved out of `firsts` by the one worker that finishes it, and
        // its entry into what the cache keeps: a copy of a kept entry retained every text and list
        // it holds, and released them again, a sixth of a one-edit rebuild's load stage.
        let taken = SourceFile(path: "", relativePath: "", contents: .bytes([]))
        let finishing = Profile.measure("load: bodies") {
            firsts.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let firsts = buffer.baseAddress!
                return Parallel.map(Array(inputs.indices)) { position -> LoadCache.Stored in
                    let input = inputs[position]
                    let first = (firsts + position).move()
                    (firsts + position).initialize(to: (file: taken, digest: 0, half: .taken))
                    return finish(first, input: input)
                }
            }
        }
        var postmortems: [Postmortem] = []
        var diagnostics: [Diagnostic] = []
        postmortems.reserveCapacity(finishing.count)
        for position in finishing.indices {
            if !finishing[position].entry.finished.diagnostics.isEmpty { diagnostics += finishing[position].entry.finished.diagnostics }
            if let postmortem = finishing[position].entry.finished.postmortem { postmortems.append(postmortem) }
        }
        // Keeping the entries and the checks across files read what is finished and nothing else: both at once.
        let finished = postmortems
        let (_, acrossFiles) = Parallel.both({
            guard let cache else { return }
            Profile.measure("load: keep in cache") { cache.store(configurationKey: configurationKey, entries: finishing) }
        }, {
            Profile.measure("load: across files") { crossFileDiagnostics(finished, memo: cache?.closeKeysMemo()) }
        })
        diagnostics += acrossFiles
        diagnostics.sort { ($0.location, $0.severity) < ($1.location, $1.severity) }
        return LoadResult(postmortems: postmortems, diagnostics: diagnostics)
    }

    /// What a postmortem is made from, as a digest: its file, the configuration, and what its
    /// links found in the folder's index (`answers`, `IndexReads.digest`).
    static func revision(of file: SourceFile, digest: UInt64, configurationKey: String, answers: UInt64) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine(answers)
            hasher.combine(configurationKey)
            hasher.combine(file.path)
            hasher.combine(file.relativePath)
            hasher.combine(digest)
        }
    }

    /// Duplicate ids (an error on every file after the first that uses the
    /// id), different ids that would share a page, and `related` ids that
    /// name no postmortem.
    static func crossFileDiagnostics(_ postmortems: [Postmortem], memo: DigestMemo? = nil) -> [Diagnostic] {
        // The close cause keys (half the work at 10,000) beside the rest.
        let (rest, closeKeys) = Parallel.both({ idDiagnostics(postmortems) }, { closeCauseKeys(postmortems, memo: memo) })
        return rest.ids + closeKeys + rest.related
    }

    /// Duplicate ids and pages, and `related` ids that name no postmortem.
    private static func idDiagnostics(_ postmortems: [Postmortem]) -> (ids: [Diagnostic], related: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var firstByID: [String: Postmortem] = [:]
        // Page names compared without case: two pages differing only in case
        // are one file on macOS and Windows disks.
        var firstByPage: [String: Postmortem] = [:]
        firstByID.reserveCapacity(postmortems.count)
        firstByPage.reserveCapacity(postmortems.count)
        for postmortem in postmortems {
            guard let first = firstByID[postmortem.id] else {
                firstByID[postmortem.id] = postmortem
                // The page's file name without case; a plain lowercase id is its own (no new string).
                let name = SitePaths.fileName(postmortem.id)
                let folded = name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 } ? name.lowercased() : name
                if let other = firstByPage[folded] {
                    let page = SitePaths.incidentPage(id: postmortem.id)
                    diagnostics.append(site(of: "id", in: postmortem).diagnostic(
                        .error, .pageCollision,
                        "id '\(postmortem.id)' would have the same page (\(page)) as id '\(other.id)' of \(other.source.path)",
                        notes: ["page names keep letters, digits, '-', '_' and '.', and ignore case: "
                            + "give this postmortem an id that differs from '\(other.id)' in those"]))
                } else {
                    firstByPage[folded] = postmortem
                }
                continue
            }
            let how = postmortem.origins.id == .fileName ? " (from its file name)" : ""
            diagnostics.append(site(of: "id", in: postmortem).diagnostic(
                .error, .duplicateID,
                "id '\(postmortem.id)'\(how) is already used by \(first.source.path)",
                notes: ["ids name pages and links, so each must be unique: give this postmortem another 'id'"]))
        }
        var related: [Diagnostic] = []
        // Made for the first unknown id only: most builds have none, and it lowers and sorts every id.
        var known: Suggestion.Candidates?
        for postmortem in postmortems {
            for (index, id) in postmortem.related.enumerated() where firstByID[id] == nil {
                if known == nil { known = Suggestion.Candidates(firstByID.keys) }
                related.append(site(of: "related[\(index)]", in: postmortem, fallback: "related").diagnostic(
                    .error, .relatedNotFound,
                    "'related' names '\(id)', but no postmortem has that id",
                    notes: [known?.note(for: id) ?? "use the 'id' of another postmortem (or its file name without .md)"]))
            }
        }
        return (diagnostics, related)
    }

    /// A written cause key close to one used earlier (by date, then id) is a
    /// warning where it is written: one cause under two keys hides its recurrences.
    /// `memo` keeps which keys are close for the keys in their order of first
    /// use: the last build's answer while no key was added, removed or moved.
    static func closeCauseKeys(_ postmortems: [Postmortem], memo: DigestMemo? = nil) -> [Diagnostic] {
        // By date, then id; each sort key made once, its date as a number.
        let keyed: [(key: (Int, String), postmortem: Postmortem)] = postmortems.map { ((CalendarDate.sortNumber($0.date), $0.id), $0) }
        let chronological = keyed.sorted { $0.key < $1.key }.map(\.postmortem)
        var firstUse: [String: Postmortem] = [:]
        var keys: [String] = []
        for postmortem in chronological {
            for cause in postmortem.causes where !cause.keyIsDerived && firstUse[cause.key] == nil {
                firstUse[cause.key] = postmortem
                keys.append(cause.key)
            }
        }
        let close: [String: String]
        if let memo {
            let digest = StableHasher.digest { $0.combine(keys) }
            close = memo.value(for: digest) { CloseKeys(CauseKeyProximity.closeToEarlier(keys)) }.pairs
            memo.finish()
        } else {
            close = CauseKeyProximity.closeToEarlier(keys)
        }
        return close.sorted { $0.key < $1.key }.compactMap { key, earlier in
            guard let postmortem = firstUse[key], let other = firstUse[earlier],
                  let site = postmortem.fieldSites[FrontMatter.causeKeySite(key)] else { return nil }
            return site.diagnostic(
                .warning, .similarCauseKey,
                "cause key '\(key)' is close to '\(earlier)' of \(other.id) (\(other.source.path))",
                notes: ["if it is the same cause, write '\(earlier)', or merge the keys in postmortem.yml: "
                    + "cause_aliases: {\(earlier): [\(key)]}; if it is another cause, leave it"])
        }
    }

    static func site(of field: String, in postmortem: Postmortem, fallback: String? = nil) -> FieldSite {
        postmortem.fieldSites[field]
            ?? fallback.flatMap { postmortem.fieldSites[$0] }
            ?? FieldSite(location: SourceLocation(file: postmortem.source.path, line: 1, column: 1), lineText: "")
    }
}

/// The keys close to an earlier one, and that one (`LoadStage.closeCauseKeys`), as the memo keeps them.
struct CloseKeys: ByteCodable {
    var pairs: [String: String]

    init(_ pairs: [String: String]) { self.pairs = pairs }

    func write(to writer: inout ByteWriter) {
        let sorted = pairs.sorted { $0.key < $1.key }
        writer.write(sorted.map(\.key))
        writer.write(sorted.map(\.value))
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let keys: [String] = try reader.read(), earlier: [String] = try reader.read()
        guard keys.count == earlier.count else { throw ByteReader.Malformed() }
        pairs = Dictionary(zip(keys, earlier), uniquingKeysWith: { first, _ in first })
    }
}
