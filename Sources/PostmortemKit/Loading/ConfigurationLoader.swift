import Foundation
import Yams

/// Reads `postmortem.yml`. Its mistakes get the same located diagnostics as
/// postmortems; whatever is wrong or missing keeps its default.
public enum ConfigurationLoader {
    public static let defaultFileName = "postmortem.yml"

    public static let keys = [
        "title", "description", "base_url", "language", "timezone", "severity_levels", "cause_categories", "cause_aliases",
        "services", "markdown", "metrics", "output", "policy",
    ]

    public struct Loaded: Sendable {
        public var configuration: SiteConfiguration
        public var diagnostics: [Diagnostic]
    }

    /// Where `build` and `serve` write the site when `--out` is not given:
    /// `output` of the configuration (`path`, else postmortem.yml when present), else `_site`.
    /// A configuration that cannot be read gives `_site`; the build then reports it.
    public static func outputFolder(configurationPath path: String?) -> String {
        guard let file = try? Check.configurationFile(path: path) else { return "_site" }
        return load(file).configuration.outputFolder ?? "_site"
    }

    /// Loads the configuration from `file`, already read by the caller.
    public static func load(_ file: SourceFile) -> Loaded {
        var configuration = SiteConfiguration.default
        let source: SourceText
        switch TextDecoding.decode(file) {
        case let .refused(diagnostic):
            // An empty configuration file simply means the defaults.
            return Loaded(configuration: configuration,
                          diagnostics: diagnostic.code == .fileEmpty ? [] : [diagnostic])
        case let .text(text): source = text
        }
        let document = YAMLDocument(yaml: source.text, firstLine: 1, in: source)
        guard let root = document.root else {
            return Loaded(configuration: configuration, diagnostics: document.diagnostics)
        }
        var reader = FieldReader(source: source, firstLine: 1)
        guard let pairs = reader.mapping(root, field: "postmortem.yml") else {
            return Loaded(configuration: configuration, diagnostics: reader.diagnostics)
        }
        reader.checkKeys(pairs, in: "postmortem.yml", known: keys, tolerated: ["time_zone"])
        for (key, _, value) in pairs where !FieldReader.isNull(value) {
            switch key {
            case "title": configuration.title = reader.text(value, field: key) ?? configuration.title
            case "description": configuration.description = reader.text(value, field: key)
            case "base_url":
                // Only a web address: the feed and sitemap make links of it.
                guard let url = reader.text(value, field: key) else { break }
                let lower = url.trimmingCharacters(in: .whitespaces).lowercased()
                guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                    reader.report(.error, .invalidValue, at: value, "'base_url' must start with https:// or http://, not '\(url)'",
                                  notes: ["write the published address, e.g. https://kb.example.com/"])
                    break
                }
                configuration.baseURL = url
            case "language":
                configuration.language = reader.choice(
                    value, field: key, choices: Language.names,
                    shown: Language.allCases.map(\.rawValue)) ?? configuration.language
            case "timezone", "time_zone":
                guard let name = reader.text(value, field: key) else { break }
                if !configuration.setTimeZone(named: name) {
                    reader.report(.error, .configInvalid, at: value, "unknown time zone '\(name)'",
                                  notes: ["use an IANA name such as Asia/Tokyo, Europe/Berlin or UTC"])
                }
            case "severity_levels":
                let levels = severityLevels(value, reader: &reader)
                if !levels.isEmpty { configuration.severityLevels = levels }
            case "cause_categories":
                let categories = causeCategories(value, reader: &reader)
                if !categories.isEmpty { configuration.causeCategories = categories }
            case "cause_aliases":
                configuration.causeAliases = causeAliases(value, reader: &reader)
            case "markdown":
                guard let options = reader.mapping(value, field: key) else { break }
                reader.checkKeys(options, in: "'markdown'", known: ["unsafe_html", "smart_punctuation"])
                for (name, _, setting) in options where !FieldReader.isNull(setting) {
                    let flag = reader.boolean(setting, field: "markdown.\(name)")
                    if name == "unsafe_html" { configuration.unsafeHTML = flag ?? false }
                    if name == "smart_punctuation" { configuration.smartPunctuation = flag ?? false }
                }
            case "metrics":
                configuration.metrics = metrics(value, reader: &reader)
            case "policy":
                configuration.policy = policy(value, levels: configuration.severityLevels, reader: &reader)
            case "services":
                configuration.services = services(value, reader: &reader)
            case "output":
                configuration.outputFolder = reader.text(value, field: key)
            default: break
            }
        }
        return Loaded(configuration: configuration, diagnostics: document.diagnostics + reader.diagnostics)
    }

    /// `{db-connection-pool-exhaustion: [db-pool-exhausted, 接続プール枯渇]}`: each
    /// alias (normalised like every cause key) → its canonical key. An alias
    /// given for two keys is an error at its second place.
    static func causeAliases(_ node: Node, reader: inout FieldReader) -> [String: String] {
        guard let pairs = reader.mapping(node, field: "cause_aliases") else { return [:] }
        var aliases: [String: String] = [:]
        let canonicals = Set(pairs.map { CauseKey.normalize($0.key) })
        for (name, _, value) in pairs {
            let canonical = CauseKey.normalize(name)
            for item in reader.textList(value, field: "cause_aliases.\(name)") {
                let alias = CauseKey.normalize(item)
                guard !alias.isEmpty, alias != canonical else { continue }
                if let other = aliases[alias], other != canonical {
                    reader.report(.error, .configInvalid, at: value,
                                  "'\(item)' is already an alias of '\(other)'; a key can merge into one cause only")
                } else if canonicals.contains(alias) {
                    reader.report(.error, .configInvalid, at: value,
                                  "'\(item)' has aliases of its own; list all of them under one key",
                                  notes: ["aliases merge keys into one cause; they do not chain"])
                } else {
                    aliases[alias] = canonical
                }
            }
        }
        return aliases
    }

    /// `metrics: {recovery_start: detected_at, recovery_end: mitigated_at, include_inferred: false, granularity: quarter}`;
    /// what is not written keeps its default.
    static func metrics(_ node: Node, reader: inout FieldReader) -> MetricsDefinition {
        var definition = MetricsDefinition()
        guard let options = reader.mapping(node, field: "metrics") else { return definition }
        reader.checkKeys(options, in: "'metrics'", known: ["recovery_start", "recovery_end", "include_inferred", "granularity"])
        func choices<Choice: RawRepresentable<String>>(_ all: [Choice]) -> [String: Choice] {
            Dictionary(all.map { (FieldReader.normalizedWord($0.rawValue), $0) }, uniquingKeysWith: { first, _ in first })
        }
        for (name, _, value) in options where !FieldReader.isNull(value) {
            let field = "metrics.\(name)"
            switch name {
            case "recovery_start":
                definition.recoveryStart = reader.choice(
                    value, field: field, choices: choices(MetricsDefinition.RecoveryStart.allCases),
                    shown: MetricsDefinition.RecoveryStart.allCases.map(\.rawValue)) ?? definition.recoveryStart
            case "recovery_end":
                definition.recoveryEnd = reader.choice(
                    value, field: field, choices: choices(MetricsDefinition.RecoveryEnd.allCases),
                    shown: MetricsDefinition.RecoveryEnd.allCases.map(\.rawValue)) ?? definition.recoveryEnd
            case "include_inferred":
                definition.includeInferred = reader.boolean(value, field: field) ?? definition.includeInferred
            case "granularity":
                definition.granularity = reader.choice(
                    value, field: field, choices: choices(Granularity.allCases),
                    shown: Granularity.allCases.map(\.rawValue)) ?? definition.granularity
            default: break
            }
        }
        return definition
    }

    /// `[SEV1, SEV2]` or `[{id: SEV1, label: {en: Critical, ja: 致命的}, color: "#b00020"}]`.
    static func severityLevels(_ node: Node, reader: inout FieldReader) -> [SeverityLevel] {
        entries(node, field: "severity_levels", what: "a severity level", example: "SEV1",
                extraKeys: ["color"], reader: &reader).map { entry in
            var color: String?
            if let node = entry.extra["color"], let text = reader.text(node, field: "color") {
                if isCSSColor(text) {
                    color = text
                } else {
                    reader.report(.error, .configInvalid, at: node, "'\(text)' is not a colour the theme can use",
                                  notes: ["write a CSS colour: \"#b00020\", \"#b02\", a name such as crimson, or rgb(176, 0, 32)"])
                }
            }
            return SeverityLevel(id: entry.id, label: entry.label ?? LocalizedText(en: entry.id, ja: entry.id), color: color)
        }
    }

    /// A CSS colour safe to put in a stylesheet: `#rgb`, `#rgba`, `#rrggbb`,
    /// `#rrggbbaa`, a name, or `rgb(…)`, `hsl(…)`, `oklch(…)` and their kin
    /// holding only numbers, `%`, `.`, `,`, `/` and spaces.
    static func isCSSColor(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        func all(_ range: ArraySlice<Unicode.Scalar>, _ test: (Unicode.Scalar) -> Bool) -> Bool { range.allSatisfy(test) }
        if scalars.first == "#" {
            return [4, 5, 7, 9].contains(scalars.count) && all(scalars.dropFirst()) { $0.properties.isASCIIHexDigit }
        }
        let isLetter: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
        if !scalars.isEmpty, scalars.count <= 30, all(scalars[...], isLetter) {
            return true
        }
        guard let open = scalars.firstIndex(of: "("), scalars.last == ")",
              ["rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch"].contains(String(String.UnicodeScalarView(scalars[..<open])).lowercased())
        else { return false }
        let isNumeric: (Unicode.Scalar) -> Bool = { "0123456789.,%/ -".unicodeScalars.contains($0) || $0 == "e" }
        return all(scalars[(open + 1)..<(scalars.count - 1)], isNumeric)
    }

    /// `[admin-panel, …]` or `[{id: admin-panel, label: {en: Admin panel, ja: 管理画面}, owner: team-admin}]`.
    static func services(_ node: Node, reader: inout FieldReader) -> [ServiceDefinition] {
        var seen: Set<String> = []
        return entries(node, field: "services", what: "a service", example: "admin-panel",
                       extraKeys: ["owner"], reader: &reader).compactMap { entry in
            guard seen.insert(entry.id.lowercased()).inserted else { return nil }
            let owner = entry.extra["owner"].flatMap { reader.text($0, field: "owner") }
            return ServiceDefinition(id: entry.id, label: entry.label, owner: owner)
        }
    }

    /// `[release-bug, …]` or `[{id: release-bug, label: {en: …, ja: …}}]`; a
    /// default id alone keeps its default labels.
    static func causeCategories(_ node: Node, reader: inout FieldReader) -> [CauseCategory] {
        entries(node, field: "cause_categories", what: "a cause category", example: "release-bug",
                reader: &reader).map { entry in
            let id = CauseKey.normalize(entry.id)
            if let label = entry.label { return CauseCategory(id: id, label: label) }
            return CauseCategory.defaults.first { $0.id == id }
                ?? CauseCategory(id: id, label: LocalizedText(en: entry.id, ja: entry.id))
        }
    }

    /// One item of a list of ids with labels: `SEV1`, or `{id, label, …extraKeys}`.
    struct Entry {
        var id: String
        var label: LocalizedText?
        var extra: [String: Node]
    }

    static func entries(
        _ node: Node, field: String, what: String, example: String, extraKeys: [String] = [],
        reader: inout FieldReader
    ) -> [Entry] {
        guard case let .sequence(items) = node else {
            reader.report(.error, .wrongType, at: node, "'\(field)' must be a list, not \(FieldReader.describe(node))")
            return []
        }
        return items.compactMap { item -> Entry? in
            if case .scalar = item {
                return reader.text(item, field: field).map { Entry(id: $0, label: nil, extra: [:]) }
            }
            guard let pairs = reader.mapping(item, field: what) else { return nil }
            reader.checkKeys(pairs, in: what, known: ["id", "label"] + extraKeys)
            guard let id = pairs.first(where: { $0.key == "id" }).flatMap({ reader.text($0.value, field: "id") }) else {
                reader.report(.error, .configInvalid, at: item, "\(what) needs an 'id' (e.g. \(example))")
                return nil
            }
            let label = pairs.first { $0.key == "label" }.flatMap { localized($0.value, reader: &reader) }
            var extra: [String: Node] = [:]
            for pair in pairs where extraKeys.contains(pair.key) { extra[pair.key] = pair.value }
            return Entry(id: id, label: label, extra: extra)
        }
    }

    /// `Critical` (both languages) or `{en: Critical, ja: 致命的}`.
    static func localized(_ node: Node, reader: inout FieldReader) -> LocalizedText? {
        if case .scalar = node {
            return reader.text(node, field: "label").map { LocalizedText(en: $0, ja: $0) }
        }
        guard let pairs = reader.mapping(node, field: "label") else { return nil }
        reader.checkKeys(pairs, in: "a label", known: ["en", "ja"])
        let en = pairs.first { $0.key == "en" }.flatMap { reader.text($0.value, field: "label.en") }
        let ja = pairs.first { $0.key == "ja" }.flatMap { reader.text($0.value, field: "label.ja") }
        guard let any = en ?? ja else { return nil }
        return LocalizedText(en: en ?? any, ja: ja ?? any)
    }
}
