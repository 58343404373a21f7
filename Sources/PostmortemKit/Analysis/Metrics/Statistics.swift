/// The summary of a set of durations, in minutes: what every time figure of
/// the trend pages, `metrics.json` and `postmortem stats` is made of.
public struct Statistics: Sendable, Hashable {
    public var n: Int
    public var mean: Double
    public var median: Double
    /// The 90th percentile, by linear interpolation between closest ranks (numpy's default).
    public var p90: Double
    public var min: Double
    public var max: Double
    public var total: Double

    /// The statistics of `values`, or nil when there are none (`n = 0` is `null`, never zeros).
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        n = sorted.count
        total = sorted.reduce(0, +)
        mean = total / Double(n)
        median = Self.percentile(sorted, 0.5)
        p90 = Self.percentile(sorted, 0.9)
        min = sorted[0]
        max = sorted[n - 1]
    }

    /// The `p` quantile (0…1) of sorted values: the value at rank `p × (n − 1)`,
    /// interpolated linearly between the two closest ranks; NaN for no values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = p * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
