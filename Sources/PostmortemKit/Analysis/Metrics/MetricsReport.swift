import Foundation

/// The outage statistics of a knowledge base: overall and per period, the
/// numbers behind `trends.html`, `data/metrics.json`, `data/metrics.csv` and
/// `postmortem stats`.
public struct MetricsReport: Sendable, Hashable {
    public var granularity: Granularity
    /// The IANA name of the zone periods are cut in.
    public var timeZone: String
    public var definition: MetricsDefinition
    public var overall: Overall
    /// Every period from the first to the last, empty ones included, oldest first.
    public var periods: [PeriodFigures]
    /// The severity ids and cause categories any period has, in the configuration's order.
    public var severities: [String] = []
    public var categories: [String] = []

    /// Figures over a set of samples.
    public struct Overall: Sendable, Hashable {
        /// Published and in-review incidents: what the time statistics count.
        public var incidents = 0
        public var nearMisses = 0
        public var drafts = 0
        public var ttr: Statistics?
        public var ttd: Statistics?
        public var ttm: Statistics?
        /// Of the time to recover counted, how many were read from the text.
        public var ttrInferred = 0
        /// Mean days between the starts of consecutive incidents; nil for fewer than two.
        public var mtbfDays: Double?
        /// Recurrences among the incidents that have a cause key; nil when none has one.
        public var recurrenceRate: Double?
        public var recurrences = 0
        public var withCauseKey = 0
        /// Incidents with no date or start, counted overall but in no period.
        public var undated = 0
    }

    public struct PeriodFigures: Sendable, Hashable {
        public var period: Period
        public var incidents = 0
        public var nearMisses = 0
        public var ttr: Statistics?
        public var ttd: Statistics?
        public var ttm: Statistics?
        /// By severity id, in the configuration's order; only the severities present.
        public var bySeverity: [GroupFigures] = []
        /// By primary cause category, in the configuration's order; only those present.
        public var byCategory: [GroupFigures] = []
        public var recurrences = 0
        public var withCauseKey = 0
        /// Mean days from the previous incident's start to each start in this period.
        public var mtbfDays: Double?
    }

    public struct GroupFigures: Sendable, Hashable {
        public var key: String
        public var incidents: Int
        public var ttr: Statistics?
    }
}

/// Computes the report: pure, from samples and the configuration.
public enum OutageMetrics {
    /// The report over the samples that began between `from` and `through`
    /// (days in the site's zone, both included; undated samples count only
    /// when neither is given). Periods run from `from` (else the first
    /// dated sample) to `through` (else the last).
    public static func report(_ samples: [IncidentSample], configuration: SiteConfiguration,
                              granularity: Granularity? = nil, from: CalendarDate? = nil,
                              through: CalendarDate? = nil) -> MetricsReport {
        let granularity = granularity ?? configuration.metrics.granularity
        let bounded = from != nil || through != nil
        // Without bounds every sample is chosen: no copy of them all.
        let chosen = !bounded ? samples : samples.filter { sample in
            guard let day = sample.day else { return false }
            return (from.map { day >= $0 } ?? true) && (through.map { day <= $0 } ?? true)
        }
        let gaps = gapsBetweenIncidents(chosen)
        var overall = overallFigures(chosen)
        overall.mtbfDays = mean(gaps.map(\.days))
        // Samples by position in `chosen`, never copied: a copy retains
        // each of a sample's texts and lists, for each period again.
        let dated = chosen.indices.filter { chosen[$0].day != nil }
        var periods: [MetricsReport.PeriodFigures] = []
        let days = dated.compactMap { chosen[$0].day }
        if let first = from ?? days.min(), let last = through ?? days.max(), first <= last {
            var members: [Period: [Int]] = [:]
            for index in dated {
                if let day = chosen[index].day { members[Period(day, granularity), default: []].append(index) }
            }
            var gapsByPeriod: [Period: [Double]] = [:]
            for gap in gaps { gapsByPeriod[Period(gap.day, granularity), default: []].append(gap.days) }
            let lastPeriod = Period(last, granularity)
            let firstPeriod = from == nil ? Period.start(Period(first, granularity), within: lastPeriod) : Period(first, granularity)
            periods = Period.range(firstPeriod, through: lastPeriod).map { period in
                periodFigures(period, chosen, at: members[period] ?? [], gaps: gapsByPeriod[period] ?? [], configuration: configuration)
            }
        }
        var result = MetricsReport(granularity: granularity, timeZone: configuration.timeZoneName,
                                   definition: configuration.metrics, overall: overall, periods: periods)
        let counted = dated.filter { chosen[$0].isCounted }
        result.severities = groups(chosen, at: counted, keys: { $0.severity.map { [$0] } ?? [] },
                                   order: configuration.severityLevels.map(\.id)).map(\.key)
        result.categories = groups(chosen, at: counted, keys: { $0.category.map { [$0] } ?? [] },
                                   order: configuration.causeCategories.map(\.id)).map(\.key)
        return result
    }

    /// Counts and statistics of a set of samples (MTBF left to the caller, who knows the neighbours).
    public static func overallFigures(_ samples: [IncidentSample]) -> MetricsReport.Overall {
        overallFigures(samples, at: samples.indices)
    }

    /// `overallFigures` of the samples at `indices`.
    static func overallFigures(_ samples: [IncidentSample], at indices: some Sequence<Int>) -> MetricsReport.Overall {
        // One pass over the samples, each read in place (a filtered copy
        // retained every sample's texts and lists, for each period again).
        var overall = MetricsReport.Overall()
        var ttr: [Double] = [], ttd: [Double] = [], ttm: [Double] = []
        for index in indices {
            let sample = samples[index]
            if sample.isNearMiss { overall.nearMisses += 1 }
            if sample.isDraft { overall.drafts += 1 }
            guard sample.isCounted else { continue }
            overall.incidents += 1
            if let recover = sample.timings.recover {
                ttr.append(recover.minutes)
                if recover.source == .inferred { overall.ttrInferred += 1 }
            }
            if let detect = sample.timings.detect { ttd.append(detect.minutes) }
            if let mitigate = sample.timings.mitigate { ttm.append(mitigate.minutes) }
            if sample.hasCauseKey {
                overall.withCauseKey += 1
                if sample.isRecurrence { overall.recurrences += 1 }
            }
            if sample.day == nil { overall.undated += 1 }
        }
        overall.ttr = Statistics(ttr)
        overall.ttd = Statistics(ttd)
        overall.ttm = Statistics(ttm)
        overall.recurrenceRate = overall.withCauseKey == 0 ? nil : Double(overall.recurrences) / Double(overall.withCauseKey)
        return overall
    }

    static func periodFigures(_ period: Period, _ samples: [IncidentSample], at indices: [Int], gaps: [Double],
                              configuration: SiteConfiguration) -> MetricsReport.PeriodFigures {
        let overall = overallFigures(samples, at: indices)
        var figures = MetricsReport.PeriodFigures(period: period)
        figures.incidents = overall.incidents
        figures.nearMisses = overall.nearMisses
        figures.ttr = overall.ttr
        figures.ttd = overall.ttd
        figures.ttm = overall.ttm
        figures.recurrences = overall.recurrences
        figures.withCauseKey = overall.withCauseKey
        figures.mtbfDays = mean(gaps)
        let counted = indices.filter { samples[$0].isCounted }
        figures.bySeverity = groups(samples, at: counted, keys: { $0.severity.map { [$0] } ?? [] },
                                    order: configuration.severityLevels.map(\.id))
        figures.byCategory = groups(samples, at: counted, keys: { $0.category.map { [$0] } ?? [] },
                                    order: configuration.causeCategories.map(\.id))
        return figures
    }

    /// Incidents grouped by the values each has (a sample with several is in
    /// each of their groups, once), in `order` and then by name, or with no
    /// order the most incidents first; samples without a value are left out.
    static func groups(_ samples: [IncidentSample], keys: (IncidentSample) -> [String],
                       order: [String]?) -> [MetricsReport.GroupFigures] {
        groups(samples, at: samples.indices, keys: keys, order: order)
    }

    /// `groups` of the samples at `indices`.
    static func groups(_ samples: [IncidentSample], at indices: some Sequence<Int>, keys: (IncidentSample) -> [String],
                       order: [String]?) -> [MetricsReport.GroupFigures] {
        // Per value, how many samples have it and their times to recover (not the samples: copies).
        var members: [String: (incidents: Int, ttr: [Double])] = [:]
        for index in indices {
            let sample = samples[index]
            let values = keys(sample)
            let minutes = sample.timings.recover?.minutes
            for value in values.count > 1 ? Array(Set(values)) : values {
                members[value, default: (0, [])].incidents += 1
                if let minutes { members[value, default: (0, [])].ttr.append(minutes) }
            }
        }
        let sorted: [String]
        if let order {
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            sorted = members.keys.sorted { (rank[$0] ?? order.count, $0) < (rank[$1] ?? order.count, $1) }
        } else {
            sorted = members.keys.sorted { (members[$0]?.incidents ?? 0, $1) > (members[$1]?.incidents ?? 0, $0) }
        }
        return sorted.map { value in
            let group = members[value] ?? (0, [])
            return MetricsReport.GroupFigures(key: value, incidents: group.incidents, ttr: Statistics(group.ttr))
        }
    }

    /// For each counted incident after the first: the days since the one before, and the day it began.
    static func gapsBetweenIncidents(_ samples: [IncidentSample]) -> [(day: CalendarDate, days: Double)] {
        let starts = samples.compactMap { s -> (Date, CalendarDate, String)? in
            guard s.isCounted, let start = s.start, let day = s.day else { return nil }
            return (start, day, s.id)
        }.sorted { ($0.0, $0.2) < ($1.0, $1.2) }
        return zip(starts, starts.dropFirst()).map { earlier, later in
            (later.1, later.0.timeIntervalSince(earlier.0) / 86_400)
        }
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
