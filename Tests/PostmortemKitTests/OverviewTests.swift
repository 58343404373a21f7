import Foundation
import Testing
@testable import PostmortemKit

/// A build whose postmortems show the overview nothing new (`Overview`)
/// takes the last build's overview as it is, and still writes the site a
/// build from nothing writes.
@Suite struct OverviewTests {
    static let day = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z
    static let configuration = packageRoot.appendingPathComponent("postmortem.yml").path
    static let file = "2024-03-08-admin-panel-down-pool-exhaustion.md"

    typealias Space = SampleCopy

    func space() throws -> Space { try SampleCopy("overview") }

    func options(_ space: Space, out: URL? = nil) -> Build.Options {
        var options = Build.Options(sourceFolder: space.source.path, outputFolder: (out ?? space.out).path,
                                    configurationPath: Self.configuration, templatesFolder: nil, now: Self.day)
        options.racyWindow = 0
        return options
    }

    @discardableResult
    func build(_ space: Space) throws -> Build.Result { try Build.run(options(space)) }

    func fresh(_ space: Space) throws -> [String: Data] {
        let out = space.root.appendingPathComponent("fresh-\(UUID().uuidString)")
        defer { FileManager.default.removeSite(at: out) }
        _ = try Build.run(options(space, out: out))
        return try files(out)
    }

    @Test func aBodyEditKeepsTheOverviewAndAFrontMatterEditMakesIt() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        #expect(try !build(space).overviewKept, "a first build has no overview to keep")
        try space.append("A line about the fix.", to: Self.file)
        let bodyEdit = try build(space)
        #expect(bodyEdit.overviewKept)
        #expect(bodyEdit.pagesRendered == 1, "only the edited postmortem's page: \(bodyEdit.made)")
        #expect(!bodyEdit.made.contains(DataExport.jsonPath) && !bodyEdit.made.contains(DataExport.csvPath),
                "the data files show no body: kept with the overview")
        #expect(try files(space.out) == fresh(space))

        // The title shows in every list: the overview is made, and shows it.
        try space.replace("title: ", with: "title: 改題 ")
        let titleEdit = try build(space)
        #expect(!titleEdit.overviewKept)
        #expect(titleEdit.made.contains("index.html"))
        #expect(titleEdit.made.contains(DataExport.jsonPath) && titleEdit.made.contains(DataExport.csvPath))
        #expect(try files(space.out) == fresh(space))

        // The next body edit finds the overview as the title edit left it.
        try space.append("A second line.", to: Self.file)
        #expect(try build(space).overviewKept)
        #expect(try files(space.out) == fresh(space))
    }

    /// A kept overview keys a page or two: their postmortems' digests are
    /// made when asked for, and are those a table of all of them holds.
    @Test func pageKeysMadeWhenAskedAreTheTable() throws {
        let ordered = try MemoryTests.sample().sorted { $0.id.utf8Precedes($1.id) }
        let byID = Dictionary(ordered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let names = PageNames(ordered)
        let eager = PageKeys(global: 7, ordered: ordered, byID: byID, names: names, metrics: .default)
        let lazy = PageKeys(global: 7, ordered: ordered, byID: byID, names: names, metrics: .default, eager: false)
        for (index, p) in ordered.enumerated() {
            let path = SitePaths.incidentPage(id: p.id)
            let previous = index > 0 ? ordered[index - 1] : nil
            func key(_ keys: PageKeys) -> UInt64 {
                keys.incident(path, p, previous: previous, next: ordered.last, related: RelatedIncidents(), recurrence: Recurrence())
            }
            #expect(key(lazy) == key(eager), "\(p.id)")
            #expect(lazy.record(p, recurrence: nil) == eager.record(p, recurrence: nil))
        }
        #expect(lazy.overview("trends", "trends.html") == eager.overview("trends", "trends.html"))
        #expect(lazy.rows("index.html", ordered) == eager.rows("index.html", ordered))
    }

    @Test func aPostmortemAddedOrRemovedMakesTheOverview() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try build(space)
        let copy = space.source.appendingPathComponent("zz-copy.md")
        let text = try String(contentsOf: space.source.appendingPathComponent(Self.file), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "id: INC-2024-002", with: "id: INC-2099-001").utf8).write(to: copy)
        #expect(try !build(space).overviewKept)
        #expect(try files(space.out) == fresh(space))
        try FileManager.default.removeItem(at: copy)
        #expect(try !build(space).overviewKept)
        #expect(try files(space.out) == fresh(space))
    }

    @Test func anOverviewFileChangedByHandIsMadeAgain() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try build(space)
        let trends = space.out.appendingPathComponent("trends.html")
        let original = try Data(contentsOf: trends)
        try FileManager.default.removeItem(at: trends)
        try Data("edited by hand".utf8).write(to: trends)
        try space.append("A line about the fix.", to: Self.file)
        let result = try build(space)
        #expect(!result.overviewKept, "the last build's overview is not all there")
        #expect(try Data(contentsOf: trends) == original)
        #expect(try files(space.out) == fresh(space))
    }

    /// A sink whose file of `trends.html` changes after the check and before its turn.
    struct ChangingSink: KeepingSink {
        let staging: SiteWriter.Staging
        func put(_ path: String, _ bytes: [UInt8]) throws { try staging.put(path, bytes) }
        func copy(_ path: String, from source: String) throws { try staging.copy(path, from: source) }
        func keep(_ path: String, stamp: FileIO.Stamp) throws -> Bool {
            path == "trends.html" ? false : try staging.keep(path, stamp: stamp)
        }
        func previousBytes(_ path: String, stamp: FileIO.Stamp) -> [UInt8]? { staging.previousBytes(path, stamp: stamp) }
        func hasPrevious(_ path: String, stamp: FileIO.Stamp) -> Bool { staging.hasPrevious(path, stamp: stamp) }
    }

    @Test func anOverviewFileThatChangesDuringTheBuildStopsTheKeptOverview() throws {
        let space = try space()
        defer { try? FileManager.default.removeItem(at: space.root) }
        try build(space)
        try space.append("A line about the fix.", to: Self.file)
        let options = options(space)
        let configurationFile = try Check.configurationFile(path: Self.configuration)
        let check = try Check.run(folder: space.source.path, configurationFile: configurationFile, now: Self.day)
        let theme = try Theme.load(overrides: nil)
        let memo = RenderMemo(
            global: BuildRecord.globalKey(configurationFile: configurationFile, theme: theme,
                                          today: CalendarDate(Self.day, in: check.configuration.timeZone)),
            previous: BuildRecord.read(from: options.outputFolder)?.memoEntries ?? [:])
        let staging = try SiteWriter.Staging(output: options.outputFolder, sourceFolder: options.sourceFolder)
        defer { staging.abandon() }
        #expect(throws: SiteRenderer.OverviewChanged.self) {
            try SiteRenderer.render(check.load.postmortems, configuration: check.configuration, theme: theme,
                                    sourceFolder: options.sourceFolder, now: Self.day, memo: memo,
                                    digests: DigestMemos(folder: BuildRecord.cacheFolder(of: options.outputFolder)),
                                    into: ChangingSink(staging: staging))
        }
    }
}

extension SampleCopy {
    /// Replaces `old` with `new` in the postmortem `file`.
    fileprivate func replace(_ old: String, with new: String, in file: String = OverviewTests.file) throws {
        let url = source.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "the sample still has \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
    }
}
