import Foundation

/// `postmortem init`: a new knowledge base (a commented `postmortem.yml`, a
/// `postmortems/` folder with one worked example) and, when asked, a copy of
/// the default theme to customise. Never overwrites: when any file it would
/// write exists, it writes nothing and says which.
public enum Starter {
    public struct Options: Sendable {
        public var folder: String
        public var language: Language
        public var copyTheme: Bool

        public init(folder: String, language: Language, copyTheme: Bool) {
            self.folder = folder
            self.language = language
            self.copyTheme = copyTheme
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case exists([String])
        case unwritable(String, String)
        public var description: String {
            switch self {
            case let .exists(paths):
                "nothing was written: these files exist and init never overwrites: \(paths.joined(separator: ", "))\n"
                    + "note: init a new folder (postmortem init NEW-FOLDER), or move the files away first"
            case let .unwritable(path, reason): "cannot write '\(path)': \(reason)"
            }
        }
    }

    /// Relative path → text of everything `init` writes, sorted by path.
    public static func files(_ options: Options) -> [(path: String, text: String)] {
        var files: [String: String] = [
            "postmortem.yml": configuration(options.language),
            "postmortems/\(example(options.language).name)": example(options.language).text,
        ]
        if options.copyTheme {
            for (path, text) in Theme.builtIn.files { files["site-templates/\(path)"] = text }
        }
        return files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Writes the files below `options.folder` (made when missing) and returns
    /// their paths; writes nothing when one of them exists.
    public static func run(_ options: Options) throws -> [String] {
        let root = URL(fileURLWithPath: options.folder, isDirectory: true)
        let planned = files(options)
        let manager = FileManager.default
        let existing = planned.map { root.appendingPathComponent($0.path).path }.filter { manager.fileExists(atPath: $0) }
        guard existing.isEmpty else { throw Failure.exists(existing) }
        var written: [String] = []
        for file in planned {
            let url = root.appendingPathComponent(file.path)
            do {
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                // withoutOverwriting: a file that appeared since the check is still not replaced.
                try Data(file.text.utf8).write(to: url, options: [.withoutOverwriting])
            } catch {
                throw Failure.unwritable(url.path, error.localizedDescription)
            }
            written.append(url.path)
        }
        return written
    }

    /// The commented examples both languages' configurations show.
    static let severityExample = """
        # severity_levels:
        #   - id: SEV1
        #     label: {en: Critical, ja: 致命的}
        #     color: "#b00020"
        #   - SEV2
        #   - SEV3
        #   - SEV4
        """
    static let categoryExample = """
        # cause_categories:
        #   - release-bug
        #   - human-error
        #   - id: vendor
        #     label: {en: Vendor failure, ja: 委託先の障害}
        """

    static func configuration(_ language: Language) -> String {
        switch language {
        case .en: """
            # The knowledge base's settings; every key is optional (docs/configuration.md).
            title: Postmortems                 # the site's name
            # description: What went wrong, what we learned, what we fixed.
            # base_url: https://postmortems.example.com/   # enables sitemap.xml and absolute feed links
            language: en                       # the site's UI language: en or ja
            timezone: UTC                      # times written without an offset are in this zone

            # Severity levels, worst first (default SEV1…SEV4).
            \(severityExample)

            # The cause taxonomy; listing it replaces the default eleven categories.
            \(categoryExample)

            # Services with their owners, shown on each service's page.
            # services:
            #   - id: checkout
            #     label: {en: Checkout, ja: 決済}
            #     owner: team-payments

            # output: _site                    # where build and serve write the site without --out

            # Team rules check and build report (docs/configuration.md#policy).
            # policy:
            #   required_sections: [summary, timeline]
            #   required_fields: {SEV1: [impact, recurrence_fix.owner, recurrence_fix.due]}
            #   max_draft_days: 14
            #   personal_data: true               # no end users' e-mail addresses or phone numbers

            # markdown:
            #   unsafe_html: false        # true keeps raw HTML in bodies: for trusted teams only
            #   smart_punctuation: false  # curly quotes and dashes

            """
        case .ja: """
            # ナレッジベースの設定。どのキーも省略できます（docs/configuration.md）。
            title: 障害ナレッジベース            # サイト名
            # description: 何が起き、何を学び、何を直したか
            # base_url: https://postmortems.example.jp/   # sitemap.xml とフィードの絶対リンクに使います
            language: ja                       # 画面の言語: en か ja
            timezone: Asia/Tokyo               # オフセットのない時刻はこのタイムゾーン

            # 重大度（重い順。既定は SEV1〜SEV4）
            \(severityExample)

            # 原因の分類。書くと既定の11分類を置き換えます。
            \(categoryExample)

            # サービスと担当（各サービスのページに表示）
            # services:
            #   - id: reservations
            #     label: {en: Reservations, ja: 予約}
            #     owner: team-booking

            # output: _site                    # --out がないとき build と serve が書き出すフォルダ

            # チームのルール。check と build が報告します（docs/configuration.md#policy）。
            # policy:
            #   required_sections: [summary, timeline]
            #   required_fields: {SEV1: [impact, recurrence_fix.owner, recurrence_fix.due]}
            #   max_draft_days: 14
            #   personal_data: true               # エンドユーザーのメールアドレス・電話番号を書かない

            # markdown:
            #   unsafe_html: false        # true で本文の生 HTML を残す（信頼できるチームのみ）
            #   smart_punctuation: false  # 引用符とダッシュを整形

            """
        }
    }

    static func example(_ language: Language) -> (name: String, text: String) {
        switch language {
        case .en: ("2024-06-03-checkout-errors-after-release.md", """
            ---
            id: INC-2024-001
            title: Checkout failed for 40 minutes after the 3.8 release
            date: 2024-06-03
            status: published
            severity: SEV2
            services: [checkout, payments-api]
            started_at: 2024-06-03T14:05:00Z
            detected_at: 2024-06-03T14:12:00Z
            mitigated_at: 2024-06-03T14:45:00Z
            resolved_at: 2024-06-03T15:30:00Z
            impact:
              summary: About 1,200 customers could not pay; their carts were kept
              users_affected: 1200
              support_calls: 85
              data_loss: false
            cause:
              category: release-bug
              key: missing-db-migration
              summary: Release 3.8 read a column that its migration had not yet added
            trigger: Deploy of release 3.8
            recurrence_fix:
              - title: Run migrations before the new code goes live, in the deploy pipeline
                owner: platform-team
                status: in-progress
                due: 2024-07-01
              - title: Alert on the checkout error rate, not only on the payment provider's
                owner: sre
                status: done
                completed: 2024-06-10
            tags: [release, database]
            authors: [alice]
            ---

            ## Summary

            Release 3.8 went out at 14:05 UTC. Its code read `orders.gift_note`, a column
            whose migration was in the next release. Every checkout failed until we
            rolled back at 14:45.

            ## Timeline

            | time (UTC) | what happened |
            |---|---|
            | 14:05 | release 3.8 deployed |
            | 14:12 | checkout error alert; on-call starts looking |
            | 14:45 | rolled back to 3.7; checkouts succeed again |
            | 15:30 | carts of affected customers checked; incident closed |

            ## What went well

            - [x] The alert fired within 7 minutes.
            - [ ] Nobody knew the rollback command by heart: write it in the runbook.

            """)
        case .ja: ("2024-06-03-決済エラー.md", """
            ---
            id: INC-2024-001
            title: リリース 3.8 の後、40分間決済できなかった
            date: 2024-06-03
            status: published
            severity: SEV2
            services: [checkout, payments-api]
            started_at: 2024-06-03T14:05    # timezone の設定（Asia/Tokyo）の時刻
            detected_at: 2024-06-03T14:12
            mitigated_at: 2024-06-03T14:45
            resolved_at: 2024-06-03T15:30
            impact:
              summary: 約1,200人のお客様が決済できなかった（カートは保持）
              users_affected: 1200
              support_calls: 85
              data_loss: false
            cause:
              category: release-bug
              key: missing-db-migration
              summary: リリース 3.8 が、まだマイグレーションで追加されていないカラムを読んだ
            trigger: リリース 3.8 のデプロイ
            recurrence_fix:
              - title: デプロイパイプラインで、新しいコードより先にマイグレーションを実行する
                owner: platform-team
                status: in-progress
                due: 2024-07-01
              - title: 決済代行会社のエラー率だけでなく、決済画面のエラー率で通知する
                owner: sre
                status: done
                completed: 2024-06-10
            tags: [release, database]
            authors: [yamada]
            ---

            ## 概要

            14:05 にリリース 3.8 を公開しました。このリリースのコードは `orders.gift_note`
            カラムを読みますが、そのマイグレーションは次のリリースに入っていました。
            14:45 にロールバックするまで、すべての決済が失敗しました。

            ## タイムライン

            | 時刻 | 出来事 |
            |---|---|
            | 14:05 | リリース 3.8 をデプロイ |
            | 14:12 | 決済エラーのアラート。当番が調査を開始 |
            | 14:45 | 3.7 にロールバック。決済が再び成功 |
            | 15:30 | 影響を受けたお客様のカートを確認し、収束 |

            ## うまくいったこと・いかなかったこと

            - [x] 7分以内にアラートが鳴った
            - [ ] ロールバックの手順を誰も覚えていなかった：手順書に書く

            """)
        }
    }
}
