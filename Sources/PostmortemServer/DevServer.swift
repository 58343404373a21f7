import FlyingFox
import FlyingSocks
import Foundation
import PostmortemKit

/// `postmortem serve`: builds the site, serves the output folder on
/// 127.0.0.1, watches the postmortems, templates and configuration, rebuilds
/// after each change (once the files stop changing) and tells open pages to
/// reload. A build with errors writes nothing, so the last good site stays
/// served, with the errors shown over it.
public actor DevServer {
    public struct Options: Sendable {
        /// What to build, as `build` takes it; `now` is replaced by the clock at each build unless `fixedNow` is set.
        public var build: Build.Options
        public var fixedNow: Date?
        /// The port; 0 lets the system choose a free one (`start` returns it).
        public var port: UInt16
        /// How often the watched files are looked at.
        public var pollInterval: Duration

        public init(build: Build.Options, fixedNow: Date? = nil, port: UInt16 = 4000,
                    pollInterval: Duration = .milliseconds(300)) {
            self.build = build
            self.fixedNow = fixedNow
            self.port = port
            self.pollInterval = pollInterval
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case cannotListen(UInt16, String)
        case notStarted(String)
        public var description: String {
            switch self {
            case let .cannotListen(port, reason): "cannot listen on 127.0.0.1:\(port): \(reason)"
            case let .notStarted(reason): reason
            }
        }
    }

    /// One finished build, for the terminal.
    public struct BuildLog: Sendable {
        /// Every diagnostic as `check` prints it.
        public var diagnostics: String
        /// The errors alone, as `check` prints them: what the pages show over the last good site.
        public var errors: String
        /// `Rebuilt 154 pages (3 changed) in 0.41 s: 0 errors, 2 warnings.` or why nothing was built.
        public var summary: String
        public var succeeded: Bool
    }

    let options: Options
    let report: @Sendable (BuildLog) -> Void
    let reload = LiveReload()
    /// Each rebuild loads only the postmortems whose bytes changed; the first
    /// starts from what the last `build` into the same folder loaded.
    let loadCache: LoadCache
    let state = BuildState()
    let watcher: SourceWatcher
    /// With inotify, the polls between two looks made anyway (10 s at the default 0.3 s).
    static let lookEvery = 33
    private var server: HTTPServer?
    private var serverTask: Task<Void, Never>?
    private var watchTask: Task<Void, Never>?

    /// `report` hears of every build, the first one included.
    public init(options: Options, report: @escaping @Sendable (BuildLog) -> Void = { _ in }) {
        self.options = options
        self.report = report
        loadCache = LoadCache(seededFrom: options.build.outputFolder)
        let configuration = options.build.configurationPath ?? "postmortem.yml"
        self.watcher = SourceWatcher(folders: [options.build.sourceFolder] + (options.build.templatesFolder.map { [$0] } ?? []),
                                     files: [configuration], excluded: options.build.outputFolder)
    }

    /// Builds once, starts listening and watching; returns the port it listens on.
    /// Throws when the site could never be served: an output folder `build`
    /// refuses, a missing source folder, a port in use.
    public func start() async throws -> UInt16 {
        let build = options.build
        try SiteWriter.checkOutput(build.outputFolder, sourceFolder: build.sourceFolder)
        _ = try SourceDiscovery.discover(in: build.sourceFolder)
        if let path = build.configurationPath, !FileManager.default.fileExists(atPath: path) {
            throw SourceDiscovery.Failure.missingConfiguration(path)
        }
        let baseline = watcher.snapshot()
        await rebuild()

        let root = URL(fileURLWithPath: build.outputFolder).standardizedFileURL
        let address = try sockaddr_in.inet(ip4: "127.0.0.1", port: options.port)
        let server = HTTPServer(address: address, timeout: 30, logger: .disabled,
                                handler: SiteHandler(root: root, reload: reload, state: state))
        // run() throws at once when the port is taken: that ends the wait for listening too.
        let (ended, ending) = AsyncStream.makeStream(of: (any Error).self)
        let task = Task {
            do {
                try await server.run()
            } catch {
                ending.yield(error)
            }
            ending.finish()
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.waitUntilListening(timeout: 30) }
                group.addTask {
                    for await error in ended { throw error }
                    throw Failure.notStarted("the server stopped before it listened")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            task.cancel()
            throw Failure.cannotListen(options.port, "\(error)")
        }
        guard case let .ip4(_, port) = await server.listeningAddress else {
            task.cancel()
            throw Failure.cannotListen(options.port, "no address")
        }
        self.server = server
        serverTask = task
        watchTask = Task { await self.watch(from: baseline) }
        return port
    }

    /// Ends the page streams, stops listening and watching; in-flight requests get a quarter second to finish.
    public func stop() async {
        watchTask?.cancel()
        await watchTask?.value
        watchTask = nil
        await reload.close()
        await server?.stop(timeout: 0.25)
        serverTask?.cancel()
        server = nil
        serverTask = nil
    }

    /// Looks at the watched files every poll (on Linux, only when inotify
    /// saw something happen, and every `lookEvery` polls in case it missed
    /// it); after a change, waits until two looks agree (an editor's save, a
    /// `git checkout` of many files), then rebuilds.
    private func watch(from baseline: [String: SourceWatcher.Stamp]) async {
        var last = baseline
        var quiet = 0
        let wakeup = SourceWatcher.Wakeup()
        // The folders of the watched files (the configuration's) are watched too.
        let fileFolders = watcher.files.map { ($0 as NSString).deletingLastPathComponent }.map { $0.isEmpty ? "." : $0 }
        /// A look, and the folders it looked into watched.
        func look() -> [String: SourceWatcher.Stamp] {
            let (stamps, folders) = watcher.look()
            wakeup?.watch(folders + fileFolders)
            return stamps
        }
        // Watched before the first look of the loop: a change after it is noticed.
        if wakeup != nil { last = look() }
        if last != baseline { await rebuild() }
        while !Task.isCancelled {
            try? await Task.sleep(for: options.pollInterval)
            quiet += 1
            // About every 15 s a comment on the page streams: closed pages are noticed and dropped.
            if quiet % 50 == 0 { await reload.ping() }
            if let wakeup, !wakeup.pending(), quiet % Self.lookEvery != 0 { continue }
            var current = look()
            if current == last { continue }
            while !Task.isCancelled {
                try? await Task.sleep(for: options.pollInterval)
                let again = look()
                if again == current { break }
                current = again
            }
            guard !Task.isCancelled else { return }
            last = current
            await rebuild()
        }
    }

    /// Builds now (off the concurrency pool: the build is CPU work), records
    /// the outcome for the pages, tells the terminal and the open pages.
    func rebuild() async {
        var build = options.build
        build.now = options.fixedNow ?? Date()
        build.loadCache = loadCache
        let log = await Self.build(build)
        await state.record(failure: log.succeeded ? nil : log.errors + log.summary)
        report(log)
        await reload.send("reload", data: log.succeeded ? "built" : "failed")
    }

    /// Runs the build pipeline on a thread of its own and describes the outcome.
    static func build(_ options: Build.Options) async -> BuildLog {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: describe(options))
            }
        }
    }

    static func describe(_ options: Build.Options) -> BuildLog {
        let started = Date()
        do {
            let result = try Build.run(options)
            let diagnostics = result.check.diagnostics.map(DiagnosticFormatter.text).joined()
            let errors = result.check.diagnostics.filter { $0.severity == .error }.map(DiagnosticFormatter.text).joined()
            let counts = DiagnosticFormatter.counts(errors: result.check.errorCount, warnings: result.check.warningCount)
            guard let written = result.written else {
                return BuildLog(diagnostics: diagnostics, errors: errors,
                                summary: "Not built: \(counts) in \(result.check.fileCount) postmortems; the last good site is still served.\n",
                                succeeded: false)
            }
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            // How many postmortems this build read again; the others came from the last build.
            let loaded = options.loadCache.map { cache in
                result.upToDate ? "" : "; \(DiagnosticFormatter.plural(cache.lastCounts.loaded, "postmortem")) loaded again"
            } ?? ""
            return BuildLog(diagnostics: diagnostics, errors: errors,
                            summary: "Built \(result.pages) pages (\(result.pagesRendered) rendered, \(written.filesChanged) files changed\(loaded)) in \(seconds) s: \(counts).\n",
                            succeeded: true)
        } catch {
            return BuildLog(diagnostics: "error: \(error)\n", errors: "error: \(error)\n",
                            summary: "Not built; the last good site is still served.\n", succeeded: false)
        }
    }
}
