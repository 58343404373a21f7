import Foundation

/// The knowledge base's settings from `postmortem.yml`, with defaults for
/// everything not written.
public struct SiteConfiguration: Sendable {
    public var title: String
    public var description: String?
    public var baseURL: String?
    public var language: Language
    /// The zone of times written without an offset, and of periods and dates.
    public private(set) var timeZone: TimeZone
    /// The IANA name of `timeZone`, as written (`Asia/Tokyo`, `UTC`).
    public private(set) var timeZoneName: String
    /// Severity levels, worst first.
    public var severityLevels: [SeverityLevel]
    /// The cause taxonomy.
    public var causeCategories: [CauseCategory]
    /// Cause keys a team decided are one cause: alias → canonical key, both normalised.
    public var causeAliases: [String: String] = [:]
    /// Raw HTML in bodies is left out unless a trusted team turns this on.
    public var unsafeHTML: Bool = false
    /// Curly quotes, dashes and ellipses in bodies.
    public var smartPunctuation: Bool = false
    /// How time to recover is measured and how trends are cut into periods.
    public var metrics = MetricsDefinition()
    /// The services postmortems name, with their labels and owners; empty when not configured.
    public var services: [ServiceDefinition] = []
    /// Where `build` writes the site when `--out` is not given (default `_site`).
    public var outputFolder: String?
    /// The rules `check` applies beyond the front matter's own (docs/configuration.md#policy).
    public var policy = Policy()

    /// The configured service of `id`, if any (ids compared as written, case-insensitively).
    public func service(_ id: String) -> ServiceDefinition? {
        services.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    public init(
        title: String = "Postmortems", description: String? = nil, baseURL: String? = nil,
        language: Language = .en, timeZoneName: String = "UTC",
        severityLevels: [SeverityLevel] = SeverityLevel.defaults,
        causeCategories: [CauseCategory] = CauseCategory.defaults
    ) {
        self.title = title
        self.description = description
        self.baseURL = baseURL
        self.language = language
        self.timeZone = TimeZone(identifier: timeZoneName) ?? TimeZone(secondsFromGMT: 0) ?? .current
        self.timeZoneName = timeZoneName
        self.severityLevels = severityLevels
        self.causeCategories = causeCategories
    }

    public static let `default` = SiteConfiguration()

    /// Sets the time zone by IANA name; false (and no change) for an unknown name.
    public mutating func setTimeZone(named name: String) -> Bool {
        guard let zone = TimeZone(identifier: name) else { return false }
        timeZone = zone
        timeZoneName = name
        return true
    }
}

/// A UI language of the site.
public enum Language: String, Sendable, Hashable, CaseIterable {
    /// How `language` (configuration) and `lang` (front matter) may be written.
    static let names: [String: Language] = ["en": .en, "ja": .ja, "english": .en, "japanese": .ja, "日本語": .ja, "英語": .en]

    case en, ja
}

/// Text in each UI language.
public struct LocalizedText: Sendable, Hashable {
    public var en: String
    public var ja: String

    public init(en: String, ja: String) {
        self.en = en
        self.ja = ja
    }

    public subscript(language: Language) -> String {
        switch language {
        case .en: en
        case .ja: ja
        }
    }
}

public struct SeverityLevel: Sendable, Hashable {
    public var id: String
    public var label: LocalizedText
    /// A CSS colour for badges, or nil for the theme's own.
    public var color: String?

    public init(id: String, label: LocalizedText, color: String? = nil) {
        self.id = id
        self.label = label
        self.color = color
    }

    public static let defaults: [SeverityLevel] = [
        SeverityLevel(id: "SEV1", label: LocalizedText(en: "Critical", ja: "致命的")),
        SeverityLevel(id: "SEV2", label: LocalizedText(en: "Major", ja: "重大")),
        SeverityLevel(id: "SEV3", label: LocalizedText(en: "Minor", ja: "軽微")),
        SeverityLevel(id: "SEV4", label: LocalizedText(en: "Low", ja: "低")),
    ]
}

/// A service of `services:` in postmortem.yml: its id as postmortems write it,
/// its label in each language and the team or person who owns it.
public struct ServiceDefinition: Sendable, Hashable {
    public var id: String
    public var label: LocalizedText?
    public var owner: String?

    public init(id: String, label: LocalizedText? = nil, owner: String? = nil) {
        self.id = id
        self.label = label
        self.owner = owner
    }
}

public struct CauseCategory: Sendable, Hashable {
    public var id: String
    public var label: LocalizedText

    public init(id: String, label: LocalizedText) {
        self.id = id
        self.label = label
    }

    /// The first users' own list of causes, then the usual others.
    public static let defaults: [CauseCategory] = [
        CauseCategory(id: "release-bug", label: LocalizedText(en: "Release or maintenance bug", ja: "リリース・メンテナンスの不具合")),
        CauseCategory(id: "human-error", label: LocalizedText(en: "Human error", ja: "人為的ミス")),
        CauseCategory(id: "traffic-overload", label: LocalizedText(en: "Traffic overload", ja: "アクセス集中")),
        CauseCategory(id: "attack", label: LocalizedText(en: "Attack", ja: "攻撃")),
        CauseCategory(id: "provider-outage", label: LocalizedText(en: "Hosting provider outage", ja: "ホスティング事業者の障害")),
        CauseCategory(id: "power-or-disaster", label: LocalizedText(en: "Power cut or disaster", ja: "停電・災害")),
        CauseCategory(id: "config-change", label: LocalizedText(en: "Configuration change", ja: "設定変更")),
        CauseCategory(id: "dependency-failure", label: LocalizedText(en: "Dependency failure", ja: "依存サービスの障害")),
        CauseCategory(id: "hardware", label: LocalizedText(en: "Hardware failure", ja: "ハードウェア故障")),
        CauseCategory(id: "capacity", label: LocalizedText(en: "Capacity shortage", ja: "キャパシティ不足")),
        CauseCategory(id: "unknown", label: LocalizedText(en: "Unknown", ja: "不明")),
    ]
}
