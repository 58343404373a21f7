/// How the knowledge base measures recovery (`metrics:` in `postmortem.yml`,
/// documented in docs/metrics.md). One definition serves every page, the
/// data files and `postmortem stats`, so a figure means the same everywhere.
public struct MetricsDefinition: Sendable, Hashable {
    /// The milestone time to recover counts from.
    public enum RecoveryStart: String, Sendable, Hashable, CaseIterable {
        case startedAt = "started_at"
        case detectedAt = "detected_at"
    }

    /// The milestone time to recover counts to.
    public enum RecoveryEnd: String, Sendable, Hashable, CaseIterable {
        case resolvedAt = "resolved_at"
        case mitigatedAt = "mitigated_at"
    }

    public var recoveryStart: RecoveryStart
    public var recoveryEnd: RecoveryEnd
    /// Whether times read from a body's text count in statistics (they are labelled either way).
    public var includeInferred: Bool
    /// The length of a period on trend pages and in `metrics.json`.
    public var granularity: Granularity

    public init(recoveryStart: RecoveryStart = .startedAt, recoveryEnd: RecoveryEnd = .resolvedAt,
                includeInferred: Bool = true, granularity: Granularity = .month) {
        self.recoveryStart = recoveryStart
        self.recoveryEnd = recoveryEnd
        self.includeInferred = includeInferred
        self.granularity = granularity
    }

    public static let `default` = MetricsDefinition()
}

/// The length of a reporting period.
public enum Granularity: String, Sendable, Hashable, CaseIterable {
    case month, quarter, year
}
