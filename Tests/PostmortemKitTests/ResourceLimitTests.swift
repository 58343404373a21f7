import Foundation
import Testing
@testable import PostmortemKit

/// Hostile input that tries to exhaust time, memory or the stack: each is
/// refused with a located diagnostic, or built, within a few seconds. The
/// bound is generous (the whole suite shares two cores); a hang or an
/// exponential blow-up misses it by orders of magnitude.
@Suite(.serialized) struct ResourceLimitTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z
    static let bound = Duration.seconds(60)

    /// Builds a source folder holding `files` (name → bytes) into a fresh
    /// output folder, and says how long it took.
    func build(_ files: [String: [UInt8]]) throws -> (result: Build.Result, elapsed: Duration, out: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-limits-\(UUID().uuidString)")
        let source = root.appendingPathComponent("postmortems")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: source) }
        for (name, bytes) in files { try Data(bytes).write(to: source.appendingPathComponent(name)) }
        let out = root.appendingPathComponent("site")
        let clock = ContinuousClock()
        var result: Build.Result?
        let elapsed = try clock.measure {
            result = try Build.run(Build.Options(sourceFolder: source.path, outputFolder: out.path, now: Self.now))
        }
        guard let result else { throw CancellationError() }
        return (result, elapsed, out)
    }

    /// Runs `files` through a whole build and returns its diagnostics as
    /// `file:line:col: severity: message` with the folder cut off.
    func diagnostics(_ files: [String: [UInt8]], sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws -> (lines: [String], result: Build.Result, out: URL) {
        let (result, elapsed, out) = try build(files)
        #expect(elapsed < Self.bound, "took \(elapsed)", sourceLocation: sourceLocation)
        let lines = result.check.diagnostics.filter { $0.code != .missingFields }.map { d in
            "\(d.location.file.split(separator: "/").last ?? ""):\(d.location.line):\(d.location.column): \(d.severity): \(d.message)"
        }
        return (lines, result, out)
    }

    func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    func cleanUp(_ out: URL) {
        try? FileManager.default.removeItem(at: out.deletingLastPathComponent())
        try? FileManager.default.removeItem(at: BuildRecord.cacheFolder(of: out.path))
    }

    @Test func yamlAliasBombIsRefused() throws {
        // Billion laughs: nine levels of ten aliases each stand for 10⁹ strings.
        var yaml = "id: BOMB\ntitle: Laughs\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        yaml += "tags: *i\n"
        let (lines, result, out) = try diagnostics(["bomb.md": text("---\n\(yaml)---\n# Laughs\n")])
        defer { cleanUp(out) }
        #expect(lines == ["bomb.md:7:36: error: YAML holds more than 10000 values, counting what each alias stands for"])
        #expect(result.written == nil)
    }

    @Test func deeplyNestedBlockYAMLIsRefused() throws {
        let deep = "id: DEEP\ntags:\n" + String(repeating: "- ", count: 20_000) + "x\n"
        let (lines, _, out) = try diagnostics(["deep.md": text("---\n\(deep)---\n# Deep\n")])
        defer { cleanUp(out) }
        #expect(lines == ["deep.md:4:127: error: YAML nested more than 64 levels deep"])
    }

    @Test func deeplyNestedFlowYAMLIsRefused() throws {
        let deep = "id: DEEP\ntags: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "\n"
        let (lines, _, out) = try diagnostics(["deep.md": text("---\n\(deep)---\n# Deep\n")])
        defer { cleanUp(out) }
        #expect(lines == ["deep.md:3:71: error: YAML nested more than 64 levels deep"])
    }

    @Test func aFiveMebibyteLineIsRefusedAsTooLarge() throws {
        let line = String(repeating: "a", count: 5 * 1024 * 1024)
        let (lines, _, out) = try diagnostics(["long.md": text("# Long\n\(line)\n")])
        defer { cleanUp(out) }
        #expect(lines == ["long.md:1:1: error: file is 5 MiB, over the 5 MiB limit for a postmortem"])
    }

    @Test func aLineJustUnderTheLimitBuilds() throws {
        // One word of nearly 5 MiB in the body and 100 KiB in the title.
        let title = String(repeating: "t", count: 100 * 1024)
        let word = String(repeating: "x", count: SourceFile.sizeLimit - 200 * 1024)
        let (lines, result, out) = try diagnostics(["long.md": text("---\nid: LONG\ntitle: \(title)\ndate: 2025-01-01\n---\n\(word)\n")])
        defer { cleanUp(out) }
        #expect(lines.isEmpty)
        #expect(result.written != nil)
        let page = try Data(contentsOf: out.appendingPathComponent("incidents/LONG.html"))
        #expect(page.count > SourceFile.sizeLimit - 200 * 1024)
    }

    @Test func aTableOfOneHundredThousandRowsBuilds() throws {
        let rows = String(repeating: "| 10:00 | step |\n", count: 100_000)
        let (lines, result, out) = try diagnostics(["table.md": text("---\nid: TABLE\ndate: 2025-01-01\n---\n# Table\n\n| time | what |\n|---|---|\n\(rows)")])
        defer { cleanUp(out) }
        #expect(lines.isEmpty)
        let page = try String(contentsOf: out.appendingPathComponent("incidents/TABLE.html"), encoding: .utf8)
        #expect(page.components(separatedBy: "<tr>").count - 1 == 100_001)
        #expect(result.written != nil)
    }

    @Test func tenThousandHeadingsBuild() throws {
        let headings = (1...10_000).map { "## Step\n\nText \($0).\n" }.joined(separator: "\n")
        let (lines, _, out) = try diagnostics(["toc.md": text("---\nid: TOC\ndate: 2025-01-01\n---\n# Headings\n\n\(headings)")])
        defer { cleanUp(out) }
        #expect(lines.isEmpty)
        let page = try String(contentsOf: out.appendingPathComponent("incidents/TOC.html"), encoding: .utf8)
        #expect(page.contains("id=\"step-9999\""), "every repeated heading gets its own id")
    }

    @Test func deeplyNestedMarkdownBuilds() throws {
        let quotes = String(repeating: ">", count: 20_000) + " deep\n\n" + String(repeating: "- ", count: 5_000) + "item\n\n"
            + String(repeating: "[", count: 20_000) + String(repeating: "*", count: 20_000) + "\n"
        let (lines, result, out) = try diagnostics(["nest.md": text("---\nid: NEST\ndate: 2025-01-01\n---\n# Nest\n\n\(quotes)")])
        defer { cleanUp(out) }
        #expect(lines.isEmpty)
        #expect(result.written != nil)
    }

    @Test func aFileOfNULBytesIsRefused() throws {
        let (lines, _, out) = try diagnostics(["nul.md": [UInt8](repeating: 0, count: 1024 * 1024)])
        defer { cleanUp(out) }
        #expect(lines == ["nul.md:1:1: error: file holds a NUL byte: it looks like a binary file, not Markdown"])
    }

    @Test func invalidUTF8IsRefusedWhereItIs() throws {
        let bytes = text("---\nid: BAD\ntitle: caf") + [0xC3, 0x28] + text("\n---\n# Bad\n")
        let (lines, _, out) = try diagnostics(["bad.md": bytes, "lone.md": [0xFF, 0xFE, 0x00, 0x41]])
        defer { cleanUp(out) }
        #expect(lines == [
            "bad.md:3:11: error: file is not valid UTF-8 (byte 0xC3 at offset 22)",
            "lone.md:1:3: error: file holds a NUL byte: it looks like a binary file, not Markdown",
        ])
    }

    @Test func anEnormousDurationIsAnErrorNotACrash() throws {
        let huge = String(repeating: "9", count: 400)
        let (lines, _, out) = try diagnostics([
            "huge.md": text("---\nid: HUGE\ndate: 2025-01-01\nduration: \(huge)h\n---\n# Huge\n\nDown for \(String(repeating: "9", count: 38)) weeks.\n"),
        ])
        defer { cleanUp(out) }
        #expect(lines == ["huge.md:4:11: error: cannot read '\(huge)h' as a duration"])
    }

    /// Found by the fuzzer (2026-12-01): a fix completed in 8023 made the
    /// trends page chart one column a month for six thousand years (6 MB,
    /// seconds of rendering). The chart stops at today; the completion still counts.
    @Test func aFixCompletedInTheFarFutureDoesNotStretchTheChart() throws {
        let postmortem = frontMatter("""
            id: FAR-1
            title: Far future
            date: 2025-01-20
            severity: SEV2
            duration: 2h
            recurrence_fix:
              - title: Add a limit
                owner: ops
                status: done
                completed: 8023-01-25
              - title: Add an alert
                owner: ops
                status: done
                completed: 0002-01-25
            """)
        let (result, elapsed, out) = try build(["far.md": text(postmortem)])
        defer { cleanUp(out) }
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(result.written != nil)
        let trends = try String(contentsOf: out.appendingPathComponent("trends.html"), encoding: .utf8)
        #expect(trends.utf8.count < 500_000, "trends.html is \(trends.utf8.count) bytes")
        #expect(trends.contains("chart-action-items"))
        #expect(!trends.contains("8023") && !trends.contains("0002-"), "no period of the impossible dates is drawn")
    }

    /// The same for incidents: one dated 0001 and one 2025 made 24,000
    /// monthly periods (a 7.6 MB trends page, a 1 MB metrics.csv). Periods
    /// cover the last 50 years; both incidents stay in the site.
    @Test func incidentsTwoThousandYearsApartChartTheLastFiftyYears() throws {
        let (result, elapsed, out) = try build([
            "old.md": text(frontMatter("id: OLD-1\ntitle: Old\ndate: 0001-01-01\nseverity: SEV2\nduration: 1h")),
            "new.md": text(frontMatter("id: NEW-1\ntitle: New\ndate: 2025-01-01\nseverity: SEV2\nduration: 1h")),
        ])
        defer { cleanUp(out) }
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(result.written != nil)
        let trends = try Data(contentsOf: out.appendingPathComponent("trends.html"))
        #expect(trends.count < 1_000_000, "trends.html is \(trends.count) bytes")
        let metrics = try String(contentsOf: out.appendingPathComponent("data/metrics.csv"), encoding: .utf8)
        let periods = metrics.split(whereSeparator: \.isNewline).dropFirst().map { String($0.prefix { $0 != "," }) }
        #expect(periods.first?.hasPrefix("1976") == true && periods.last?.hasPrefix("2025") == true, "\(periods.first ?? "") to \(periods.last ?? "")")
        #expect(periods.count <= 50 * 12)
        let incidents = try String(contentsOf: out.appendingPathComponent("data/incidents.csv"), encoding: .utf8)
        #expect(incidents.contains("OLD-1") && incidents.contains("NEW-1"))
    }

    @Test func anAliasBombInTheConfigurationIsRefused() {
        var yaml = "title: KB\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n"
        for level in 1...8 {
            yaml += "x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += "? [*x8, *x8]\n: 1\n"
        let clock = ContinuousClock()
        var loaded: ConfigurationLoader.Loaded?
        let elapsed = clock.measure { loaded = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: yaml)) }
        #expect(elapsed < Self.bound)
        #expect(loaded?.diagnostics.map { "\($0.location): \($0.message)" }
            == ["postmortem.yml:5:45: YAML holds more than 10000 values, counting what each alias stands for"])
    }
}
