import Foundation

/// `postmortem build`: the whole pipeline, in the order it runs.
public enum Build {
    public struct Options: Sendable {
        public var sourceFolder: String
        public var outputFolder: String
        public var configurationPath: String?
        public var templatesFolder: String?
        public var now: Date
        /// Told each stage as it begins (`checking postmortems`, `rendering 32 postmortems`,
        /// `writing 154 pages`), for a progress line; called on the building thread.
        public var progress: (@Sendable (String) -> Void)?
        /// Kept by a long-running process (`serve`) so each build loads only the files that changed.
        public var loadCache: LoadCache?
        /// How recent a source file's change makes the next build read the
        /// files rather than trust their stamps (`BuildRecord.fingerprint`);
        /// tests that build again at once set 0.
        var racyWindow = BuildRecord.racyWindow

        public init(sourceFolder: String = "postmortems", outputFolder: String = "_site", configurationPath: String? = nil,
                    templatesFolder: String? = nil, now: Date = Date(), progress: (@Sendable (String) -> Void)? = nil) {
            self.sourceFolder = sourceFolder
            self.outputFolder = outputFolder
            self.configurationPath = configurationPath
            self.templatesFolder = templatesFolder
            self.now = now
            self.progress = progress
        }
    }

    /// Ends the process with status 0, `result` (every postmortem, the
    /// pages' jobs, the analyses) still held: the system takes the memory
    /// back at once, where freeing it value by value takes a tenth of a
    /// second at 10,000 postmortems. For a command that ends after its build.
    public static func exitWithoutFreeing(_ result: Result) -> Never {
        // `exit` flushes the output streams, then ends the process.
        withExtendedLifetime(result) { exit(0) }
    }

    /// Sets up a process that builds once and ends: glibc's heaps on huge
    /// pages (`Memory.restartWithHugePages`, which may start the process
    /// again) and grown in large steps (`Memory.growHeapsInLargeSteps`).
    /// Call it first, before another thread allocates: a heap made before
    /// grows page by page (8,000 `mprotect`s in a one-edit rebuild when called
    /// from the command's `run`, 49 from `main`).
    public static func prepareOneShotProcess() {
        Memory.restartWithHugePages()
        Memory.growHeapsInLargeSteps()
    }

    /// The pages the process's heaps are on (`Memory.heapPages`), for `--verbose`.
    public static var heapPages: String { Memory.heapPages }

    /// Seconds per step of the builds so far, when `POSTMORTEM_PROFILE=1` is set.
    public static var profileReport: String? { Profile.enabled ? Profile.report() : nil }

    public struct Result: Sendable {
        public var check: CheckReport
        /// Nil when there were errors: nothing was written.
        public var written: SiteWriter.Report?
        public var pages: Int
        /// True when nothing the site is made from had changed since the last
        /// build and the site was left as it was, without reading a postmortem.
        public var upToDate: Bool = false
        /// Pages rendered; the others were the last build's, unchanged (`RenderMemo`).
        public var pagesRendered: Int = 0
        /// Postmortem files loaded, and files whose last load was read from the load cache (`LoadCache`).
        public var filesLoaded = (loaded: 0, cached: 0)
        /// Of the files read from the load cache, those not read themselves: their stamps vouched for their bytes.
        public var filesUnread = 0
        /// Whether the overview (index, groups, action items, trends, recurrences) was the last build's, taken as it is (`Overview`).
        public var overviewKept = false
        /// The pages rendered and the rows files made, not kept from the last build (`RenderMemo`), in UTF-8 order.
        public var made: [String] = []
        /// Every postmortem and what the render stage made of them, freed with the result (`RenderSummary.workingState`).
        var workingState: WorkingState?
    }

    /// discover → load (check) → render → write. Writes nothing when any
    /// postmortem or the configuration has an error, and nothing at all when
    /// nothing the site is made from changed since the last build.
    ///
    /// A build that finds entries of its cache damaged (texts that read back
    /// other than their digests say) publishes nothing and runs once more,
    /// loading those files again; a second such build (another build writing
    /// the same cache all along) is a failure.
    public static func run(_ options: Options) throws -> Result {
        do {
            return try attempt(options)
        } catch is LoadCache.TextsLost {
            do {
                return try attempt(options)
            } catch let lost as LoadCache.TextsLost {
                throw SiteWriter.Failure.io(lost.message)
            }
        }
    }

    private static func attempt(_ options: Options) throws -> Result {
        try SiteWriter.checkOutput(options.outputFolder, sourceFolder: options.sourceFolder)
        SiteWriter.recover(URL(fileURLWithPath: options.outputFolder).standardizedFileURL)
        let configurationFile = try Check.configurationFile(path: options.configurationPath)
        let configuration = configurationFile.map(ConfigurationLoader.load)
            ?? ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        // The last build's record read while the source folder is listed.
        let outputFolder = options.outputFolder
        let (listed, previousRecord) = Parallel.both({
            Swift.Result { try Profile.measure("discover") { try SourceDiscovery.list(in: options.sourceFolder) } }
        }, {
            Profile.measure("record: read") { BuildRecord.read(from: outputFolder) }
        })
        let listing = try listed.get()
        let templates = try options.templatesFolder.flatMap { folder in
            FileManager.default.fileExists(atPath: folder) ? try SourceDiscovery.list(in: folder) : nil
        }
        let fingerprint = Profile.measure("record: fingerprint") {
            BuildRecord.fingerprint(options: options, configurationFile: configurationFile,
                                    today: CalendarDate(options.now, in: configuration.configuration.timeZone),
                                    listing: listing, templates: templates)
        }
        if let record = previousRecord?.summary, record.fingerprint == fingerprint,
           previousRecord?.siteIsIntact(in: options.outputFolder) == true {
            let check = CheckReport(configuration: configuration.configuration, load: LoadResult(postmortems: [], diagnostics: []),
                                    diagnostics: record.diagnostics, skipped: record.skipped, fileCount: record.fileCount)
            return Result(check: check, written: SiteWriter.Report(filesWritten: record.filesWritten, filesChanged: 0),
                          pages: record.pages, upToDate: true)
        }
        options.progress?("checking \(DiagnosticFormatter.plural(listing.markdown.count, "postmortem"))")
        // `serve` keeps its load cache in memory; `build` keeps one beside the site, with the memos.
        let cacheFolder = BuildRecord.cacheFolder(of: options.outputFolder)
        let loadCache = options.loadCache ?? LoadCache(folder: LoadCache.folder(ofSite: options.outputFolder))
        // What the render stage reads first (the site's list of the tool's files, the theme, the last
        // build's memos) read beside the load stage, which has steps on one core (the folder's index of
        // ids), and not at all when nothing changed.
        let templatesFolder = options.templatesFolder
        let (check, (ownFilesRead, loadedTheme, memosRead)) = Parallel.both({
            Profile.measure("read and load") { Check.run(listing, configuration: configuration, now: options.now, cache: loadCache,
                                                         configurationKey: BuildRecord.configurationDigest(configurationFile),
                                                         racyWindow: options.racyWindow)
            }
        }, {
            (Profile.measure("site: own files") { SiteManifest.OwnFilesRead(of: URL(fileURLWithPath: outputFolder).standardizedFileURL) },
             Swift.Result { try Profile.measure("theme") { try Theme.load(overrides: templatesFolder) } },
             Profile.measure("memos: read") { DigestMemos(folder: cacheFolder) })
        })
        // The checks read the fields' sites their diagnostics cite (`FieldSites`).
        try loadCache.requireEveryTextRead()
        let filesLoaded = (loadCache.lastCounts.loaded, loadCache.lastCounts.reused)
        guard check.errorCount == 0 else { return Result(check: check, written: nil, pages: 0, filesLoaded: filesLoaded) }
        Memory.releaseFreedPages()
        options.progress?("rendering and writing \(DiagnosticFormatter.plural(check.load.postmortems.count, "postmortem"))")
        let theme = try loadedTheme.get()
        let global = BuildRecord.globalKey(configurationFile: configurationFile, theme: theme,
                                           today: CalendarDate(options.now, in: check.configuration.timeZone))
        /// The render stage into a new staging folder, with the last build's memos.
        func render(keepingOverview: Bool) throws -> (SiteWriter.Staging, RenderMemo, DigestMemos, RenderSummary) {
            let staging = try Profile.measure("staging") { try SiteWriter.Staging(output: options.outputFolder, sourceFolder: options.sourceFolder,
                                                                                     ownFilesRead: ownFilesRead) }
            let memo = RenderMemo(global: global, previous: previousRecord?.memoEntries ?? [:])
            // Read again for a second try, after the first has run.
            let digests = keepingOverview ? memosRead : Profile.measure("memos: read") { DigestMemos(folder: cacheFolder) }
            do {
                let summary = try Profile.measure("render and write (wall)") {
                    try SiteRenderer.render(check.load.postmortems, configuration: check.configuration, theme: theme,
                                            sourceFolder: options.sourceFolder, now: options.now, memo: memo,
                                            digests: digests, keepingOverview: keepingOverview, into: staging)
                }
                return (staging, memo, digests, summary)
            } catch {
                staging.abandon()
                throw error
            }
        }
        let (staging, memo, digests, summary): (SiteWriter.Staging, RenderMemo, DigestMemos, RenderSummary)
        do {
            (staging, memo, digests, summary) = try render(keepingOverview: true)
        } catch is SiteRenderer.OverviewChanged {
            // A file of the last build's overview changed while this one ran: made anew.
            (staging, memo, digests, summary) = try render(keepingOverview: false)
        }
        do {
            try loadCache.requireEveryTextRead()
            let site = staging.placed
            options.progress?("putting the site in place")
            // The record is made during the swap's last look at the old site, which holds one core.
            let recordSummary = BuildRecord.Summary(fingerprint: fingerprint, pages: summary.pageCount, filesWritten: site.count,
                                                    fileCount: check.fileCount, skipped: check.skipped, diagnostics: check.diagnostics)
            let pageKeys = memo.pageKeys
            let record = Once {
                Profile.measure("record: make") {
                    BuildRecord(summary: recordSummary, site: site, pageKeys: pageKeys, order: staging.placedInOrder)
                }
            }
            let written = try Profile.measure("swap") { try staging.commit(alongside: { _ = record.value }) }
            // Without a record the next build is a full one: a cache that cannot be written is no failure.
            Profile.measure("record: save") { try? record.value.save(for: options.outputFolder) }
            return Result(check: check, written: written, pages: summary.pageCount, pagesRendered: memo.pageCounts.rendered,
                          filesLoaded: filesLoaded, filesUnread: loadCache.lastUnread, overviewKept: summary.overviewKept,
                          made: memo.madePaths,
                          workingState: WorkingState([summary.workingState as Any, record, memo, staging, loadCache, digests]))
        } catch {
            staging.abandon()
            throw error
        }
    }
}
