/// Times read from a body's text when the front matter does not state them.
/// Always labelled as inferred: never mixed silently with stated values.
public struct InferredTimes: Sendable, Hashable {
    public var timeToRecover: InferredDuration?
    public var timeToDetect: InferredDuration?
    public var timeToMitigate: InferredDuration?

    public init(timeToRecover: InferredDuration? = nil, timeToDetect: InferredDuration? = nil,
                timeToMitigate: InferredDuration? = nil) {
        self.timeToRecover = timeToRecover
        self.timeToDetect = timeToDetect
        self.timeToMitigate = timeToMitigate
    }

    public var isEmpty: Bool { timeToRecover == nil && timeToDetect == nil && timeToMitigate == nil }
}

public struct InferredDuration: Sendable, Hashable {
    public var minutes: Double
    /// Written as an estimate (`約`, `about`).
    public var approximate: Bool
    /// The file line it was read from.
    public var line: Int
    /// The text it was read from.
    public var evidence: String

    public init(minutes: Double, approximate: Bool, line: Int, evidence: String) {
        self.minutes = minutes
        self.approximate = approximate
        self.line = line
        self.evidence = evidence
    }
}
