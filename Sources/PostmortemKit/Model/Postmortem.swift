import Foundation

/// One postmortem, validated and typed: what the load stage produces from a
/// file's front matter and body.
public struct Postmortem: Sendable, Hashable {
    public var id: String
    public var title: String
    /// The incident's date: `date`, else the start's date, else a date in the file name.
    public var date: CalendarDate?
    public var status: Status
    public var kind: Kind
    /// A severity level id from the configuration (`SEV1`…), or nil when unknown.
    public var severity: String?
    public var services: [String]
    public var milestones: Milestones
    /// A stated duration, for when the milestones are unknown.
    public var duration: StatedDuration?
    public var impact: Impact?
    /// The causes, the primary one first.
    public var causes: [Cause]
    public var trigger: String?
    public var recurrenceFix: [ActionItem]
    public var related: [String]
    public var tags: [String]
    public var authors: [String]
    /// A one-line description given in the front matter (`description:`).
    public var description: String?
    /// The language it is written in: `lang` of the front matter, else told from its title and text.
    public var language: Language
    /// The body, front matter removed, rendered.
    public var body: Body
    /// Times read from the body because the front matter does not state them.
    public var inferred: InferredTimes
    public var source: Source
    /// Where each field's value was found, as `Origin`.
    public var origins: Origins
    /// Where field values stand in the file, for diagnostics of later stages
    /// (`id`, `related[0]`, …).
    public var fieldSites: [String: FieldSite]
    /// A digest of everything the postmortem is made from: its file's path
    /// and bytes, the configuration and the folder's index of ids and files
    /// (`LoadStage`). The same inputs give the same revision in every build,
    /// which is how the render stage knows a page's postmortems did not change.
    public var revision: UInt64 = 0

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
