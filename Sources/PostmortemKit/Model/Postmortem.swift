import Foundation

/// One postmortem, validated and typed: what the load stage produces from a
/// file's front matter and body.
///
/// A value whose fields live in one shared, immutable box: copying a
/// postmortem (into the site's order, its groups, action-item lists, page
/// jobs) copies a reference, not the hundreds of bytes of its fields, and
/// setting a field gives that copy a box of its own.
public struct Postmortem: Sendable, Hashable {
    /// The fields, stored once however many copies of the postmortem there are.
    struct Fields: Sendable, Hashable {
        var id: String
        var title: String
        var date: CalendarDate?
        var status: Status
        var kind: Kind
        var severity: String?
        var services: [String]
        var milestones: Milestones
        var duration: StatedDuration?
        var impact: Impact?
        var causes: [Cause]
        var trigger: String?
        var recurrenceFix: [ActionItem]
        var related: [String]
        var tags: [String]
        var authors: [String]
        var description: String?
        var language: Language
        var body: Body
        var inferred: InferredTimes
        var source: Source
        var origins: Origins
        var fieldSites: FieldSites
        var revision: UInt64 = 0
        var outward: UInt64 = 0
        var analysis = AnalysisDigests()
    }

    /// Digests of what two analyses read of the postmortem, made once by the
    /// load stage and kept with it in the load cache, so a build finds their
    /// memos without digesting every postmortem's fields again (most of a
    /// one-edit rebuild's related-and-similar step at 10,000). 0 when
    /// unknown: for a postmortem the load stage did not make, or one changed
    /// since (any field set clears them).
    struct AnalysisDigests: Sendable, Hashable {
        /// `TextSimilarity.storyDigest`.
        var story: UInt64 = 0
        /// `RecurrenceAnalysis.digest(of:)`.
        var recurrence: UInt64 = 0
    }

    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        fields.analysis = AnalysisDigests()
        storage = Storage(fields)
    }

    init(id: String, title: String, date: CalendarDate?, status: Status, kind: Kind, severity: String?,
         services: [String], milestones: Milestones, duration: StatedDuration?, impact: Impact?, causes: [Cause],
         trigger: String?, recurrenceFix: [ActionItem], related: [String], tags: [String], authors: [String],
         description: String?, language: Language, body: Body, inferred: InferredTimes, source: Source,
         origins: Origins, fieldSites: FieldSites, revision: UInt64 = 0, outward: UInt64 = 0,
         analysis: AnalysisDigests = AnalysisDigests()) {
        storage = Storage(Fields(id: id, title: title, date: date, status: status, kind: kind, severity: severity,
                              services: services, milestones: milestones, duration: duration, impact: impact,
                              causes: causes, trigger: trigger, recurrenceFix: recurrenceFix, related: related,
                              tags: tags, authors: authors, description: description, language: language, body: body,
                              inferred: inferred, source: source, origins: origins, fieldSites: fieldSites,
                              revision: revision, outward: outward, analysis: analysis))
    }

    public static func == (lhs: Postmortem, rhs: Postmortem) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    public var id: String {
        get { storage.fields.id }
        set { update { $0.id = newValue } }
    }
    public var title: String {
        get { storage.fields.title }
        set { update { $0.title = newValue } }
    }
    /// The incident's date: `date`, else the start's date, else a date in the file name.
    public var date: CalendarDate? {
        get { storage.fields.date }
        set { update { $0.date = newValue } }
    }
    public var status: Status {
        get { storage.fields.status }
        set { update { $0.status = newValue } }
    }
    public var kind: Kind {
        get { storage.fields.kind }
        set { update { $0.kind = newValue } }
    }
    /// A severity level id from the configuration (`SEV1`…), or nil when unknown.
    public var severity: String? {
        get { storage.fields.severity }
        set { update { $0.severity = newValue } }
    }
    public var services: [String] {
        get { storage.fields.services }
        set { update { $0.services = newValue } }
    }
    public var milestones: Milestones {
        get { storage.fields.milestones }
        set { update { $0.milestones = newValue } }
    }
    /// A stated duration, for when the milestones are unknown.
    public var duration: StatedDuration? {
        get { storage.fields.duration }
        set { update { $0.duration = newValue } }
    }
    public var impact: Impact? {
        get { storage.fields.impact }
        set { update { $0.impact = newValue } }
    }
    /// The causes, the primary one first.
    public var causes: [Cause] {
        get { storage.fields.causes }
        set { update { $0.causes = newValue } }
    }
    public var trigger: String? {
        get { storage.fields.trigger }
        set { update { $0.trigger = newValue } }
    }
    public var recurrenceFix: [ActionItem] {
        get { storage.fields.recurrenceFix }
        set { update { $0.recurrenceFix = newValue } }
    }
    public var related: [String] {
        get { storage.fields.related }
        set { update { $0.related = newValue } }
    }
    public var tags: [String] {
        get { storage.fields.tags }
        set { update { $0.tags = newValue } }
    }
    public var authors: [String] {
        get { storage.fields.authors }
        set { update { $0.authors = newValue } }
    }
    /// A one-line description given in the front matter (`description:`).
    public var description: String? {
        get { storage.fields.description }
        set { update { $0.description = newValue } }
    }
    /// The language it is written in: `lang` of the front matter, else told from its title and text.
    public var language: Language {
        get { storage.fields.language }
        set { update { $0.language = newValue } }
    }
    /// The body, front matter removed, rendered.
    public var body: Body {
        get { storage.fields.body }
        set { update { $0.body = newValue } }
    }
    /// Times read from the body because the front matter does not state them.
    public var inferred: InferredTimes {
        get { storage.fields.inferred }
        set { update { $0.inferred = newValue } }
    }
    public var source: Source {
        get { storage.fields.source }
        set { update { $0.source = newValue } }
    }
    /// Where each field's value was found, as `Origin`.
    public var origins: Origins {
        get { storage.fields.origins }
        set { update { $0.origins = newValue } }
    }
    /// Where field values stand in the file, for diagnostics of later stages
    /// (`id`, `related[0]`, …).
    public var fieldSites: [String: FieldSite] {
        get { storage.fields.fieldSites.sites }
        set { update { $0.fieldSites = FieldSites(newValue) } }
    }
    /// `fieldSites` as kept: in memory, or in the load cache (`FieldSites`).
    var fieldSiteStore: FieldSites { storage.fields.fieldSites }
    /// A digest of everything the postmortem is made from: its file's path
    /// and bytes, the configuration and the folder's index of ids and files
    /// (`LoadStage`). The same inputs give the same revision in every build,
    /// which is how the render stage knows a page's postmortems did not change.
    public var revision: UInt64 {
        get { storage.fields.revision }
        set { update { $0.revision = newValue } }
    }
    /// A digest of everything of the postmortem but its body's own parts
    /// (HTML, text, outline, sections, links) and where its fields stand:
    /// every value any page but its own can show of it, its row, causes,
    /// services, tags, promised fixes, times (inferred ones too), title and
    /// language among them (`outwardDigest`, set by the load stage; 0 when
    /// unknown). While no postmortem's changed, nor their order, the
    /// overview pages and files are the last build's (`SiteRenderer`).
    public var outward: UInt64 {
        get { storage.fields.outward }
        set { update { $0.outward = newValue } }
    }
    /// See `AnalysisDigests`; set by the load stage after every other field.
    var analysisDigests: AnalysisDigests {
        get { storage.fields.analysis }
        set {
            var fields = storage.fields
            fields.analysis = newValue
            storage = Storage(fields)
        }
    }

    public enum Status: String, Sendable, Hashable, CaseIterable {
        case draft, review, published
    }

    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case incident
        case nearMiss = "near-miss"
    }

    public struct Source: Sendable, Hashable {
        /// The path shown in diagnostics.
        public var path: String
        /// The path relative to the source folder.
        public var relativePath: String
        /// Whether the file has a front-matter block.
        public var hasFrontMatter: Bool
        /// The file line on which the body starts.
        public var bodyFirstLine: Int
    }

    /// Where a value came from when it was not written as a field.
    public enum Origin: String, Sendable, Hashable {
        case frontMatter = "front-matter"
        case heading
        case fileName = "file-name"
        case milestones
        case missing
    }

    public struct Origins: Sendable, Hashable {
        public var id: Origin = .frontMatter
        public var title: Origin = .frontMatter
        public var date: Origin = .frontMatter
    }

    /// The primary cause, if any.
    public var primaryCause: Cause? { causes.first }
}

/// Where a value stands in its file, with the line's text for the caret.
public struct FieldSite: Sendable, Hashable {
    public var location: SourceLocation
    public var lineText: String

    public init(location: SourceLocation, lineText: String) {
        self.location = location
        self.lineText = lineText
    }

    /// A diagnostic pointing at this value.
    public func diagnostic(
        _ severity: Diagnostic.Severity, _ code: DiagnosticCode, _ message: String, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(severity, code, at: location, message, notes: notes,
                   sourceLine: lineText.isEmpty ? nil : lineText)
    }
}

/// When the impact began, was detected, was mitigated and was resolved.
public struct Milestones: Sendable, Hashable {
    public var startedAt: Date?
    public var detectedAt: Date?
    public var mitigatedAt: Date?
    public var resolvedAt: Date?

    public init(startedAt: Date? = nil, detectedAt: Date? = nil,
                mitigatedAt: Date? = nil, resolvedAt: Date? = nil) {
        self.startedAt = startedAt
        self.detectedAt = detectedAt
        self.mitigatedAt = mitigatedAt
        self.resolvedAt = resolvedAt
    }

    public var isEmpty: Bool {
        startedAt == nil && detectedAt == nil && mitigatedAt == nil && resolvedAt == nil
    }
}

/// A duration as the author wrote it (`1h30m`, `約2時間`), in minutes.
public struct StatedDuration: Sendable, Hashable {
    public var minutes: Double
    /// Written as an estimate (`約`, `about`, `~`).
    public var approximate: Bool
    /// The text as written.
    public var text: String

    public init(minutes: Double, approximate: Bool, text: String) {
        self.minutes = minutes
        self.approximate = approximate
        self.text = text
    }
}

/// Who and what the outage hurt.
public struct Impact: Sendable, Hashable {
    public var summary: String?
    public var usersAffected: Int?
    public var supportCalls: Int?
    /// Whether data was lost; `dataLossDetail` says what, when the author wrote a sentence.
    public var dataLoss: Bool?
    public var dataLossDetail: String?
    public var slaBreach: Bool?

    public init(summary: String? = nil, usersAffected: Int? = nil, supportCalls: Int? = nil,
                dataLoss: Bool? = nil, dataLossDetail: String? = nil, slaBreach: Bool? = nil) {
        self.summary = summary
        self.usersAffected = usersAffected
        self.supportCalls = supportCalls
        self.dataLoss = dataLoss
        self.dataLossDetail = dataLossDetail
        self.slaBreach = slaBreach
    }
}

/// A cause of the incident.
public struct Cause: Sendable, Hashable {
    /// A category id from the configuration's taxonomy, or nil when not given.
    public var category: String?
    /// The specific cause, so recurrences can be found; derived from the
    /// summary when not written.
    public var key: String
    public var keyIsDerived: Bool
    public var summary: String?

    public init(category: String?, key: String, keyIsDerived: Bool = false, summary: String?) {
        self.category = category
        self.key = key
        self.keyIsDerived = keyIsDerived
        self.summary = summary
    }
}

/// One item of the recurrence fix.
public struct ActionItem: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case open
        case inProgress = "in-progress"
        case done
        case wontDo = "wont-do"
    }

    public var title: String
    public var owner: String?
    public var status: Status
    public var due: CalendarDate?
    public var completed: CalendarDate?
    public var ticket: String?

    /// Promised and not finished (open or in progress), with its due date before `today`.
    public func isOverdue(on today: CalendarDate) -> Bool {
        (status == .open || status == .inProgress) && (due.map { $0 < today } ?? false)
    }

    public init(title: String, owner: String? = nil, status: Status = .open,
                due: CalendarDate? = nil, completed: CalendarDate? = nil, ticket: String? = nil) {
        self.title = title
        self.owner = owner
        self.status = status
        self.due = due
        self.completed = completed
        self.ticket = ticket
    }
}

extension Postmortem {
    /// The position in `postmortems` of the first postmortem of each id: the
    /// one the analyses describe when ids repeat.
    static func firstPositions(_ postmortems: [Postmortem]) -> [String: Int] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(postmortems.count)
        for (offset, p) in postmortems.enumerated() where positions[p.id] == nil { positions[p.id] = offset }
        return positions
    }

    /// The positions of `members` (of `postmortems`) in the order the site
    /// lists incidents: newest first, undated last, then by id in UTF-8
    /// order. Dates are compared as numbers made once (not read from each
    /// postmortem at every comparison); ids only when the dates tie.
    static func newestFirst(_ postmortems: [Postmortem], members: [Int]? = nil) -> [Int] {
        let days = postmortems.map { $0.date?.number ?? -1 }
        return (members ?? Array(postmortems.indices)).sorted { a, b in
            days[a] != days[b] ? days[a] > days[b] : postmortems[a].id.utf8Precedes(postmortems[b].id)
        }
    }
}
