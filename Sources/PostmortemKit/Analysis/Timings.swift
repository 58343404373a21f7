import Foundation

/// How long an incident took, in minutes, and where each figure comes from.
public struct Timings: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case milestones, duration, inferred
    }

    public struct Figure: Sendable, Hashable {
        public var minutes: Double
        public var source: Source
        /// Written or inferred as an estimate (`約2時間`).
        public var approximate: Bool
    }

    /// Time to recover: between the definition's milestones (by default
    /// `resolved_at − started_at`), else the stated duration, else a time
    /// read from the text.
    public var recover: Figure?
    /// Time to detect: `detected_at − started_at`, else read from the text.
    public var detect: Figure?
    /// Time to mitigate: `mitigated_at − started_at`, else read from the text.
    public var mitigate: Figure?

    /// The figures statistics may count: inferred ones only when the definition includes them.
    public func counted(_ definition: MetricsDefinition) -> Timings {
        guard !definition.includeInferred else { return self }
        func keep(_ figure: Figure?) -> Figure? { figure?.source == .inferred ? nil : figure }
        return Timings(recover: keep(recover), detect: keep(detect), mitigate: keep(mitigate))
    }
}

extension Postmortem {
    /// The timings by the default definition.
    public var timings: Timings { timings(.default) }

    /// The timings by `definition`: which milestones time to recover runs between.
    public func timings(_ definition: MetricsDefinition) -> Timings {
        let m = milestones
        func between(_ start: Date?, _ end: Date?, _ inferred: InferredDuration?) -> Timings.Figure? {
            if let start, let end {
                return Timings.Figure(minutes: end.timeIntervalSince(start) / 60, source: .milestones, approximate: false)
            }
            return inferred.map { Timings.Figure(minutes: $0.minutes, source: .inferred, approximate: $0.approximate) }
        }
        let recoverFrom = definition.recoveryStart == .startedAt ? m.startedAt : m.detectedAt
        let recoverTo = definition.recoveryEnd == .resolvedAt ? m.resolvedAt : m.mitigatedAt
        var recover = between(recoverFrom, recoverTo, nil)
        if recover == nil, let duration {
            recover = Timings.Figure(minutes: duration.minutes, source: .duration, approximate: duration.approximate)
        }
        if recover == nil, let inferred = inferred.timeToRecover {
            recover = Timings.Figure(minutes: inferred.minutes, source: .inferred, approximate: inferred.approximate)
        }
        return Timings(recover: recover, detect: between(m.startedAt, m.detectedAt, inferred.timeToDetect),
                       mitigate: between(m.startedAt, m.mitigatedAt, inferred.timeToMitigate))
    }
}
