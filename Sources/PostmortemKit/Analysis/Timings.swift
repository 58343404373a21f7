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

    /// Time to recover: `resolved_at − started_at`, else the stated
    /// duration, else a time read from the text.
    public var recover: Figure?
    /// Time to detect: `detected_at − started_at`, else read from the text.
    public var detect: Figure?
    /// Time to mitigate: `mitigated_at − started_at`, else read from the text.
    public var mitigate: Figure?
}

extension Postmortem {
    public var timings: Timings {
        let m = milestones
        func between(_ end: Date?, _ inferred: InferredDuration?) -> Timings.Figure? {
            if let start = m.startedAt, let end {
                return Timings.Figure(minutes: end.timeIntervalSince(start) / 60, source: .milestones, approximate: false)
            }
            return inferred.map { Timings.Figure(minutes: $0.minutes, source: .inferred, approximate: $0.approximate) }
        }
        var recover = between(m.resolvedAt, nil)
        if recover == nil, let duration {
            recover = Timings.Figure(minutes: duration.minutes, source: .duration, approximate: duration.approximate)
        }
        if recover == nil, let inferred = inferred.timeToRecover {
            recover = Timings.Figure(minutes: inferred.minutes, source: .inferred, approximate: inferred.approximate)
        }
        return Timings(recover: recover, detect: between(m.detectedAt, inferred.timeToDetect),
                       mitigate: between(m.mitigatedAt, inferred.timeToMitigate))
    }
}
