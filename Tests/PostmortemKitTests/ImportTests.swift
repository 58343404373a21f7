import Foundation
import Testing
@testable import PostmortemKit

/// `postmortem import`: proposals from stated and missing values, the diff,
/// and `--write` leaving every byte of the file below the front matter.
@Suite struct ImportTests {
    static let english = """
        # Checkout failed after the payments deploy

        Severity: SEV2
        Services: payments, checkout-api (public), the web shop
        Duration: 1h 30m

        ## Root cause

        A connection pool of 10 was exhausted by retries. Later the queue grew.

        ## Action items

        - [x] Raise the pool size to 50
        - [ ] Add backoff to retries

        | Action | Owner | Due | Status |
        |---|---|---|---|
        | Alert on pool saturation | sato | 2024-04-01 | open |
        | Load-test checkout | — | soon | done |

        """

    static let japanese = """
        # 予約一覧が表示されない障害

        2024年3月2日の夜に発生した。

        - 重大度: sev-1
        - 影響サービス: 予約API、管理画面

        発生日時: 2024-03-02T21:40+09:00
        復旧日時: 2024-03-02T23:10+09:00

        ## 根本原因

        予約一覧APIのN+1クエリで接続プールが枯渇した。再起動で復旧した。

        ## 再発防止策

        | 対策 | 担当 | 期限 |
        |---|---|---|
        | クエリを一括取得に変更 | tanaka | 2024-03-15 |

        """

    func propose(_ text: String, path: String, configuration: SiteConfiguration = tokyo) -> Importer.Proposal {
        Importer.propose(SourceFile(path: "in/" + path, relativePath: path, contents: .bytes(Array(text.utf8))),
                         configuration: configuration)
    }

    @Test func englishProposalWithStatedAndInferredValues() throws {
        let proposal = propose(Self.english, path: "2024-03-05-checkout.md")
        #expect(proposal.frontMatter == """
            ---
            title: Checkout failed after the payments deploy
            date: 2024-03-05
            severity: SEV2
            services: [payments, checkout-api]
            duration: 1h 30m  # inferred
            cause:
              summary: A connection pool of 10 was exhausted by retries.  # inferred
            recurrence_fix:  # inferred
              - title: Raise the pool size to 50
                status: done
              - title: Add backoff to retries
              - title: Alert on pool saturation
                owner: sato
                due: 2024-04-01
              - title: Load-test checkout
                status: done
            ---

            """)
        #expect(proposal.proposed == ["title", "date", "severity", "services", "duration", "cause", "recurrence_fix"])
        #expect(proposal.inferred == ["duration", "cause", "recurrence_fix"])
    }

    @Test func japaneseProposalWithDateFromTextAndMilestones() throws {
        let proposal = propose(Self.japanese, path: "予約一覧.md")
        #expect(proposal.frontMatter == """
            ---
            title: 予約一覧が表示されない障害
            date: 2024-03-02  # inferred
            severity: SEV1
            services: [予約API, 管理画面]
            started_at: "2024-03-02T21:40+09:00"
            resolved_at: "2024-03-02T23:10+09:00"
            cause:
              summary: 予約一覧APIのN+1クエリで接続プールが枯渇した。  # inferred
            recurrence_fix:  # inferred
              - title: クエリを一括取得に変更
                owner: tanaka
                due: 2024-03-15
            ---

            """)
        // No duration: the milestones state it.
        #expect(!proposal.proposed.contains("duration"))
    }

    @Test func missingValuesAreLeftOut() {
        let heading = propose("# Only a heading\n\nSome text without facts.\n", path: "note.md")
        #expect(heading.frontMatter == "---\ntitle: Only a heading\n---\n")
        let nothing = propose("Some text without facts.\n", path: "plain.md")
        #expect(nothing.frontMatter == nil)
        #expect(nothing.skipReason == "nothing to propose: no heading, date, labelled values or sections found")
        let written = propose("---\ntitle: Done\n---\n# Done\n", path: "done.md")
        #expect(written.frontMatter == nil)
        #expect(written.skipReason == "has front matter already")
        // A severity that is not a configured level is not proposed.
        #expect(!propose("# T\n\nSeverity: catastrophic\n", path: "t.md").proposed.contains("severity"))
    }

    @Test func plainListItemsOfTheActionItemsSectionOnly() {
        let proposal = propose("""
            # Logs not shipped

            - Restarted the shipper at 10:00

            ## Action items

            1. Pin the shipper's version
            2. Alert when no logs arrive
               for ten minutes
               - a detail, not an action
            * Write the runbook

            ## Lessons learned

            - Version bumps need a test
            """, path: "logs.md")
        #expect(proposal.frontMatter == """
            ---
            title: Logs not shipped
            recurrence_fix:  # inferred
              - title: Pin the shipper's version
              - title: Alert when no logs arrive for ten minutes
              - title: Write the runbook
            ---

            """)
    }

    @Test func diffIsUnified() {
        let proposal = propose("# Title: with colon\n\nline 2\nline 3\nline 4\n", path: "a.md")
        #expect(proposal.diff == """
            --- a/a.md
            +++ b/a.md
            @@ -1,3 +1,6 @@
            +---
            +title: "Title: with colon"
            +---
             # Title: with colon
             
             line 2

            """)
    }

    @Test func writeKeepsEveryByteOfTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let crlf = Array(Self.english.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let bom = [0xEF, 0xBB, 0xBF] + Array(Self.japanese.utf8)
        let noNewline = Array("# No final newline\n\nSeverity: SEV3".utf8)
        let originals: [String: [UInt8]] = ["2024-03-05-crlf.md": crlf, "bom.md": bom, "tail.md": noNewline,
                                            "kept.md": Array("---\nid: K\n---\n# K\n".utf8)]
        for (name, bytes) in originals {
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
        let proposals = try Importer.run(folder: folder.path, configuration: tokyo)
        for proposal in proposals { try Importer.write(proposal) }
        for (name, original) in originals {
            let now = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            let proposal = try #require(proposals.first { $0.relativePath == name })
            guard let frontMatter = proposal.frontMatter else {
                #expect(now == original, "\(name) is left alone")
                continue
            }
            let head = Array(frontMatter.utf8)
            if original.starts(with: [0xEF, 0xBB, 0xBF]) {
                #expect(now == [0xEF, 0xBB, 0xBF] + head + original.dropFirst(3))
            } else {
                #expect(now == head + original, "\(name): the front matter, then the file byte for byte")
            }
        }
        let crlfHead = try #require(proposals.first { $0.relativePath == "2024-03-05-crlf.md" }?.frontMatter)
        #expect(crlfHead.hasPrefix("---\r\ntitle: Checkout failed after the payments deploy\r\n"))
        // The written files load as postmortems with the proposed values and no errors.
        let report = try Check.run(folder: folder.path, configurationFile: nil)
        #expect(report.errorCount == 0)
        let japanese = try #require(report.load.postmortems.first { $0.source.relativePath == "bom.md" })
        #expect(japanese.severity == "SEV1")
        #expect(japanese.services == ["予約API", "管理画面"])
        #expect(japanese.recurrenceFix.map(\.owner) == ["tanaka"])
        #expect(japanese.milestones.startedAt == instant("2024-03-02T21:40+09:00"))
        let english = try #require(report.load.postmortems.first { $0.source.relativePath == "2024-03-05-crlf.md" })
        #expect(english.duration?.minutes == 90)
        #expect(english.recurrenceFix.map(\.status) == [.done, .open, .open, .done])
        // A second run proposes nothing: every file has front matter now.
        #expect(try Importer.run(folder: folder.path, configuration: tokyo).allSatisfy { $0.frontMatter == nil })
    }

    @Test func writeRefusesAFileChangedSinceReading() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-import-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# Before\n".write(to: file, atomically: true, encoding: .utf8)
        let proposal = Importer.propose(SourceFile(path: file.path, relativePath: "x.md",
                                                   contents: .bytes(Array("# Before\n".utf8))), configuration: tokyo)
        try "# Edited meanwhile\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: Importer.Failure.self) { try Importer.write(proposal) }
        #expect(try String(contentsOf: file, encoding: .utf8) == "# Edited meanwhile\n")
    }

    @Test func yamlScalarsReadBackAsWritten() {
        #expect(YAMLText.scalar("plain text") == "plain text")
        #expect(YAMLText.scalar("予約一覧") == "予約一覧")
        #expect(YAMLText.scalar("a: b") == "\"a: b\"")
        #expect(YAMLText.scalar("yes") == "\"yes\"")
        #expect(YAMLText.scalar("2024-03-02") == "\"2024-03-02\"")
        #expect(YAMLText.scalar("[x] done") == "\"[x] done\"")
        #expect(YAMLText.scalar("say \"hi\" #1") == "\"say \\\"hi\\\" #1\"")
        #expect(YAMLText.scalar("a, b", inFlow: true) == "\"a, b\"")
    }
}
