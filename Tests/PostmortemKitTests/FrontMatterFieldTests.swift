import Foundation
import Testing
@testable import PostmortemKit

/// Every field in its simple and its structured form loads into the same model.
@Suite struct FrontMatterFieldTests {
    @Test func fullStructuredFrontMatter() throws {
        let text = frontMatter("""
            id: INC-2024-007
            title: 管理画面がダウンし予約が確認できない
            date: 2024-03-02
            status: review
            kind: incident
            severity: SEV1
            services: [admin-panel, reservations]
            started_at: 2024-03-02T21:40:00+09:00
            detected_at: 2024-03-02T21:47:00+09:00
            mitigated_at: 2024-03-02T22:35:00+09:00
            resolved_at: 2024-03-02T23:10:00+09:00
            impact:
              summary: 約1,200店舗が予約を確認できなかった
              users_affected: 1,200
              support_calls: 60
              data_loss: false
              sla_breach: true
            cause:
              category: release-bug
              key: Reservation-List N+1
              summary: 予約一覧APIのN+1クエリ
            trigger: 19時のリリース
            recurrence_fix:
              - title: クエリを一括取得に変更
                owner: tanaka
                status: done
                due: 2024-03-15
                completed: 2024-03-12
                ticket: OPS-412
            related: [INC-2024-002]
            tags: [release, database]
            authors: [tanaka, suzuki]
            """)
        let loaded = load(text)
        #expect(loaded.diagnostics.isEmpty)
        let pm = try #require(loaded.postmortem)
        #expect(pm.id == "INC-2024-007")
        #expect(pm.title == "管理画面がダウンし予約が確認できない")
        #expect(pm.date == day(2024, 3, 2))
        #expect(pm.status == .review)
        #expect(pm.kind == .incident)
        #expect(pm.severity == "SEV1")
        #expect(pm.services == ["admin-panel", "reservations"])
        #expect(pm.milestones == Milestones(
            startedAt: instant("2024-03-02T12:40Z"), detectedAt: instant("2024-03-02T12:47Z"),
            mitigatedAt: instant("2024-03-02T13:35Z"), resolvedAt: instant("2024-03-02T14:10Z")))
        #expect(pm.impact == Impact(summary: "約1,200店舗が予約を確認できなかった", usersAffected: 1_200,
                                    supportCalls: 60, dataLoss: false, slaBreach: true))
        #expect(pm.causes == [Cause(category: "release-bug", key: "reservation-list-n-1", summary: "予約一覧APIのN+1クエリ")])
        #expect(pm.trigger == "19時のリリース")
        #expect(pm.recurrenceFix == [ActionItem(title: "クエリを一括取得に変更", owner: "tanaka", status: .done,
                                                due: day(2024, 3, 15), completed: day(2024, 3, 12), ticket: "OPS-412")])
        #expect(pm.related == ["INC-2024-002"])
        #expect(pm.tags == ["release", "database"])
        #expect(pm.authors == ["tanaka", "suzuki"])
        #expect(pm.source.hasFrontMatter)
        #expect(pm.source.bodyFirstLine == 35)  // 32 YAML lines between fences on lines 1 and 34
        // The body is what follows the front matter: its heading is on the first line after the fence.
        #expect(pm.body.outline.map { [$0.text, "\($0.line)"] } == [["Body heading", "35"]])
    }

    // MARK: Title, id, date and their fallbacks

    @Test func titleFallsBackToTheFirstH1ThenTheFileName() {
        #expect(postmortem(frontMatter("severity: SEV2", body: "Intro\n\n## Sub\n\n# Real *title*\n"))?.title == "Real title")
        #expect(postmortem("Setext title\n============\n\ntext\n")?.title == "Setext title")
        let named = postmortem("## Only a subheading\n", path: "2024-05-01-db-pool.md")
        #expect(named?.title == "2024-05-01-db-pool")
        #expect(named?.origins.title == .fileName)
    }

    @Test func idComesFromTheFileNameWithoutExtension() {
        let pm = postmortem("# T\n", path: "postmortems/2024/2024-05-01 db pool.md")
        #expect(pm?.id == "2024-05-01 db pool")
        #expect(pm?.origins.id == .fileName)
    }

    @Test func dateFromStartThenFromFileName() {
        let fromStart = postmortem(frontMatter("started_at: 2024-03-31T23:30:00-02:00"), configuration: tokyo)
        #expect(fromStart?.date == day(2024, 4, 1))  // 2024-04-01 10:30 in Tokyo
        #expect(fromStart?.origins.date == .milestones)
        let fromName = postmortem("# T\n", path: "PostHog__2025-09-29-flags-is-down.md")
        #expect(fromName?.date == day(2025, 9, 29))
        #expect(fromName?.origins.date == .fileName)
        #expect(postmortem("# T\n", path: "PM2019-009 - x.md")?.date == nil)
    }

    @Test func dateTimeDateGivesTheDayAndTheStart() {
        let pm = postmortem(frontMatter("date: 2021-06-08T09:58:00-00:00\nresolvedWhen: 2021-06-08T12:41:00-00:00"))
        #expect(pm?.date == day(2021, 6, 8))
        #expect(pm?.milestones.startedAt == instant("2021-06-08T09:58Z"))
        #expect(pm?.milestones.resolvedAt == instant("2021-06-08T12:41Z"))
    }

    // MARK: Status, kind, severity

    @Test func statusKindAndTheirSpellings() {
        #expect(postmortem(frontMatter("status: Draft"))?.status == .draft)
        #expect(postmortem(frontMatter("draft: true"))?.status == .draft)
        #expect(postmortem(frontMatter("draft: false"))?.status == .published)
        #expect(postmortem(frontMatter("kind: near miss"))?.kind == .nearMiss)
        #expect(postmortem(frontMatter("kind: near_miss"))?.kind == .nearMiss)
        #expect(postmortem(frontMatter("kind: ヒヤリハット"))?.kind == .nearMiss)
        #expect(postmortem(frontMatter("title: x"))?.status == .published)
        #expect(postmortem(frontMatter("title: x"))?.kind == .incident)
    }

    @Test(arguments: ["SEV2", "sev2", "Sev-2", "SEV 2", "2", "Major", "重大", "ＳＥＶ２"])
    func severitySpellings(written: String) {
        #expect(postmortem(frontMatter("severity: \(written)"))?.severity == "SEV2")
    }

    @Test func severityFromConfiguredLevels() {
        var configuration = SiteConfiguration.default
        configuration.severityLevels = [
            SeverityLevel(id: "P1", label: LocalizedText(en: "Outage", ja: "停止")),
            SeverityLevel(id: "P2", label: LocalizedText(en: "Degraded", ja: "劣化")),
        ]
        #expect(postmortem(frontMatter("severity: p2"), configuration: configuration)?.severity == "P2")
        #expect(postmortem(frontMatter("severity: 停止"), configuration: configuration)?.severity == "P1")
    }

    // MARK: Lists

    @Test func listsAcceptOneTextOrCommaSeparatedText() {
        #expect(postmortem(frontMatter("services: admin-panel"))?.services == ["admin-panel"])
        #expect(postmortem(frontMatter("services: admin-panel, reservations"))?.services == ["admin-panel", "reservations"])
        #expect(postmortem(frontMatter("tags: 決済、通知"))?.tags == ["決済", "通知"])
        #expect(postmortem(frontMatter("services:\n  - api\n  - auth"))?.services == ["api", "auth"])
        #expect(postmortem(frontMatter("affected:\n  - ci.jenkins.io"))?.services == ["ci.jenkins.io"])
        #expect(postmortem(frontMatter("author: tanaka"))?.authors == ["tanaka"])
        #expect(postmortem(frontMatter("related: INC-1"))?.related == ["INC-1"])
    }

    // MARK: Milestones and duration

    @Test func milestonesWithoutOffsetAreInTheSiteTimeZone() {
        let pm = postmortem(frontMatter("started_at: 2024-05-10 03:12\nresolved_at: 2024-05-10 04:00"), configuration: tokyo)
        #expect(pm?.milestones.startedAt == instant("2024-05-09T18:12Z"))
        #expect(pm?.milestones.resolvedAt == instant("2024-05-09T19:00Z"))
    }

    @Test(arguments: [("90m", 90.0, false), ("1 h 30 min", 90, false), ("約2時間", 120, true), ("PT1H30M", 90, false)])
    func durations(written: String, minutes: Double, approximate: Bool) {
        #expect(postmortem(frontMatter("duration: \(written)"))?.duration
            == StatedDuration(minutes: minutes, approximate: approximate, text: written))
    }

    // MARK: Impact

    @Test func impactAsSentenceOrMapping() {
        #expect(postmortem(frontMatter("impact: Shop owners could not see reservations"))?.impact
            == Impact(summary: "Shop owners could not see reservations"))
        #expect(postmortem(frontMatter("impact:\n  data_loss: 3 reservations were lost\n  sla_breach: no"))?.impact
            == Impact(dataLoss: true, dataLossDetail: "3 reservations were lost", slaBreach: false))
        #expect(postmortem(frontMatter("impact:\n  data_loss: なし"))?.impact == Impact(dataLoss: false))
    }

    // MARK: Cause

    @Test func causeAsSentence() {
        #expect(postmortem(frontMatter("cause: DB connection pool exhausted"))?.causes
            == [Cause(category: nil, key: "db-connection-pool-exhausted", keyIsDerived: true,
                      summary: "DB connection pool exhausted")])
    }

    @Test func causeAsListPrimaryFirst() {
        let pm = postmortem(frontMatter("""
            cause:
              - {category: traffic-overload, key: campaign-spike, summary: A campaign doubled traffic}
              - category: Capacity
                summary: The pool was sized for normal days
            """))
        #expect(pm?.causes == [
            Cause(category: "traffic-overload", key: "campaign-spike", summary: "A campaign doubled traffic"),
            Cause(category: "capacity", key: "the-pool-was-sized-for-normal-days", keyIsDerived: true,
                  summary: "The pool was sized for normal days"),
        ])
        #expect(pm?.primaryCause?.key == "campaign-spike")
    }

    @Test func categoryByLabelInEitherLanguage() {
        #expect(postmortem(frontMatter("cause: {category: 人為的ミス, key: k}"))?.causes.first?.category == "human-error")
        #expect(postmortem(frontMatter("cause: {category: Human error, key: k}"))?.causes.first?.category == "human-error")
        #expect(postmortem(frontMatter("cause: {category: power_or_disaster, key: k}"))?.causes.first?.category == "power-or-disaster")
    }

    @Test func causeKeysAreNormalised() {
        #expect(CauseKey.normalize("DB-Connection-Pool") == "db-connection-pool")
        #expect(CauseKey.normalize("ｄｂ connection  pool") == "db-connection-pool")
        #expect(CauseKey.normalize("予約 一覧") == "予約-一覧")
        #expect(CauseKey.derive(from: "A very long summary that goes on and on about many things") == "a-very-long-summary-that-goes-on-and")
    }

    // MARK: Recurrence fix

    @Test func recurrenceFixAsSentenceListOrItems() {
        #expect(postmortem(frontMatter("recurrence_fix: Add an alert"))?.recurrenceFix == [ActionItem(title: "Add an alert")])
        #expect(postmortem(frontMatter("action_items:\n  - Add an alert\n  - Resize the pool"))?.recurrenceFix
            == [ActionItem(title: "Add an alert"), ActionItem(title: "Resize the pool")])
        #expect(postmortem(frontMatter("recurrence_fix:\n  - title: a\n    status: In progress\n  - title: b\n    status: won't do\n  - title: c\n    status: 完了"))?
            .recurrenceFix.map(\.status) == [.inProgress, .wontDo, .done])
    }

    @Test func completedDateImpliesDone() {
        #expect(postmortem(frontMatter("recurrence_fix:\n  - title: a\n    completed: 2024-03-12"))?.recurrenceFix
            == [ActionItem(title: "a", status: .done, completed: day(2024, 3, 12))])
    }

    // MARK: Other generators' keys

    @Test func otherGeneratorsKeysAreQuiet() {
        let loaded = load(frontMatter("""
            title: x
            layout: post
            weight: 10
            description: One line
            draft: false
            section: issue
            resolved: true
            """))
        #expect(loaded.diagnostics.filter { $0.code != .missingFields }.isEmpty)
        #expect(loaded.postmortem?.description == "One line")
    }

    @Test func nullValuesAreMissing() {
        let pm = postmortem(frontMatter("severity:\nservices: ~\ntitle: null"))
        #expect(pm?.severity == nil)
        #expect(pm?.services == [])
        #expect(pm?.title == "Body heading")
    }
}
