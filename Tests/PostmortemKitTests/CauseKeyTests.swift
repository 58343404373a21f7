import Foundation
import Testing
@testable import PostmortemKit

/// Cause identity: one cause under one key, whatever way it is written.
@Suite struct CauseKeyTests {
    func loadAll(_ files: [(String, String)], configuration: SiteConfiguration = .default) -> LoadResult {
        LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: configuration)
    }

    @Test(arguments: [
        ("db-pool-exhaustion", "db-connection-pool-exhaustion", true),   // most words shared
        ("cerificate-expiry", "certificate-expiry", true),               // a typo
        ("接続プール枯渇", "db接続プール枯渇", true),                     // Japanese, by character pairs
        ("dns-outage", "db-connection-pool-exhaustion", false),
        ("power-outage", "provider-outage", false),                      // one shared word is not enough
        ("sms-duplicate-send", "sms-retry-storm", false),
        ("abc", "abd", false),                                           // too short to call a typo
    ])
    func closeKeys(a: String, b: String, close: Bool) {
        let ta = CauseKeyProximity.tokens(a), tb = CauseKeyProximity.tokens(b)
        #expect(CauseKeyProximity.areClose(a, b, tokens: ta, tb) == close)
        #expect(CauseKeyProximity.areClose(b, a, tokens: tb, ta) == close, "symmetric")
    }

    @Test func aKeyCloseToAnEarlierOneIsAWarningWhereItIsWritten() {
        let result = loadAll([
            ("b.md", frontMatter("id: B\ndate: 2024-05-01\ncause:\n  key: DB Pool Exhaustion\n  summary: again")),
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: db-connection-pool-exhaustion}")),
            ("c.md", frontMatter("id: C\ndate: 2024-06-01\ncause: {key: dns-outage}")),
        ])
        #expect(result.diagnostics.filter { $0.code == .similarCauseKey } == [
            diagnostic(.warning, .similarCauseKey, 5, 8,
                       "cause key 'db-pool-exhaustion' is close to 'db-connection-pool-exhaustion' of A (a.md)",
                       notes: ["if it is the same cause, write 'db-connection-pool-exhaustion', or merge the keys in "
                           + "postmortem.yml: cause_aliases: {db-connection-pool-exhaustion: [db-pool-exhaustion]}; "
                           + "if it is another cause, leave it"],
                       source: "  key: DB Pool Exhaustion", file: "b.md"),
        ])
    }

    /// The close keys are kept for the keys in their order of first use: a
    /// build whose keys are the last build's reads the answer back, and a
    /// key added finds them again. The warnings are the same either way.
    @Test func closeKeysAreReadBackWhileTheKeysAreTheSame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-close-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("close-cause-keys.memo")
        var files = [
            ("b.md", frontMatter("id: B\ndate: 2024-05-01\ncause:\n  key: DB Pool Exhaustion\n  summary: again")),
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: db-connection-pool-exhaustion}")),
        ]
        func warnings() -> (diagnostics: [Diagnostic], counts: (made: Int, read: Int)) {
            let postmortems = loadAll(files).postmortems
            let memo = DigestMemo(file: file, name: "close-cause-keys")
            let found = LoadStage.closeCauseKeys(postmortems, memo: memo)
            #expect(found == LoadStage.closeCauseKeys(postmortems), "the memo never changes the warnings")
            return (found, memo.counts)
        }
        let first = warnings()
        #expect(first.diagnostics.count == 1)
        #expect(first.counts == (1, 0))
        let again = warnings()
        #expect(again.diagnostics == first.diagnostics)
        #expect(again.counts == (0, 1), "the same keys: read back")
        files.append(("c.md", frontMatter("id: C\ndate: 2024-06-01\ncause: {key: db-connection-pool-exhaustions}")))
        let added = warnings()
        #expect(added.counts == (1, 0), "a key added: found again")
        #expect(added.diagnostics.count == 2)
    }

    @Test func keysDerivedFromSummariesAreNotCheckedForCloseness() {
        let result = loadAll([
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: db-connection-pool-exhaustion}")),
            ("b.md", frontMatter("id: B\ndate: 2024-05-01\ncause: DB connection pool exhaustion again")),
        ])
        #expect(result.diagnostics.filter { $0.code == .similarCauseKey }.isEmpty)
    }

    @Test func aliasesMergeKeysIntoOneCause() throws {
        let config = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: """
            cause_aliases:
              db-connection-pool-exhaustion: [DB Pool Exhaustion, 接続プール枯渇]
            """))
        #expect(config.diagnostics.isEmpty)
        #expect(config.configuration.causeAliases == ["db-pool-exhaustion": "db-connection-pool-exhaustion",
                                                      "接続プール枯渇": "db-connection-pool-exhaustion"])
        let result = loadAll([
            ("a.md", frontMatter("id: A\ndate: 2024-01-01\ncause: {key: db-connection-pool-exhaustion}")),
            ("b.md", frontMatter("id: B\ndate: 2024-05-01\ncause: {key: db-pool-exhaustion}")),
            ("c.md", frontMatter("id: C\ndate: 2024-06-01\ncause: {key: ＤＢ Pool Exhaustion}")),
        ], configuration: config.configuration)
        #expect(result.diagnostics.filter { $0.code != .missingFields }.isEmpty)
        #expect(result.postmortems.map { $0.causes.map(\.key) } == Array(repeating: ["db-connection-pool-exhaustion"], count: 3))
    }

    @Test func anAliasOfTwoKeysIsAConfigurationError() {
        let config = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: """
            cause_aliases:
              pool-exhaustion: [db-pool]
              connection-leak: [db-pool]
            """))
        #expect(config.diagnostics.map(\.message) == ["'db-pool' is already an alias of 'pool-exhaustion'; a key can merge into one cause only"])
        #expect(config.diagnostics.first?.location.line == 3)
        #expect(config.configuration.causeAliases == ["db-pool": "pool-exhaustion"])
    }

    @Test(arguments: ["DB-Connection-Pool", "db connection pool", "ｄｂ　connection pool", " DB_Connection/Pool ", "Db--Connection  POOL"])
    func oneCauseWrittenManyWaysIsOneKey(written: String) {
        #expect(CauseKey.normalize(written) == "db-connection-pool")
    }
}
