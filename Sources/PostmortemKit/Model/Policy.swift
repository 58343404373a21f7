import Markdown

/// Team rules from `policy:` in postmortem.yml, checked by `check` and `build`
/// as diagnostics; every rule is off unless configured.
public struct Policy: Sendable, Hashable {
    /// Sections every postmortem that is not a draft must have.
    public var requiredSections: [SectionKind] = []
    /// Per severity id (as configured): the fields a postmortem of that level
    /// that is not a draft must give (`Policy.fieldNames`).
    public var requiredFields: [String: [String]] = [:]
    /// A draft dated more than this many days before now is reported.
    public var maxDraftDays: Int?
    /// Whether text that looks like end users' personal data (e-mail addresses,
    /// phone numbers) is reported.
    public var personalData = false
    /// E-mail domains that are not personal data (the team's own, say).
    public var personalDataAllowedDomains: [String] = []
    /// How policy findings are reported: warnings (default) or errors.
    public var reportAs: Diagnostic.Severity = .warning

    public init() {}

    /// The names `required_fields` takes: front-matter fields, and
    /// `recurrence_fix.owner`/`.due` (every item has one), `cause.category`.
    public static let fieldNames = [
        "title", "services", "started_at", "detected_at", "mitigated_at", "resolved_at", "duration", "impact",
        "cause", "cause.category", "trigger", "recurrence_fix", "recurrence_fix.owner", "recurrence_fix.due",
        "related", "tags", "authors", "description",
    ]
}
