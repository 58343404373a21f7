import Foundation

/// An inline SVG of when a cause struck: one dot per dated incident on a
/// line from the first to the last, coloured by severity, each a link to its
/// page, with a tick per year. No script, no external file. Past
/// `maximumDots` dated incidents, one dot per month with incidents instead,
/// sized by their number and coloured by the worst severity, titled
/// `monthLabel` ({month}, {count}): the strip stays the same size however
/// often a cause strikes.
enum TimeStrip {
    static let width = 1000.0, height = 64.0, margin = 24.0, lineY = 26.0
    static let maximumDots = 200

    /// Whether `postmortems` make a strip of months rather than of incidents.
    static func byMonth(_ postmortems: [Postmortem]) -> Bool {
        postmortems.count { $0.date != nil } > maximumDots
    }

    /// The SVG, or nil when fewer than one incident is dated.
    static func svg(_ postmortems: [Postmortem], label: String, monthLabel: String = "{month}: {count}",
                    levels: [SeverityLevel] = SeverityLevel.defaults) -> String? {
        let dated = postmortems.compactMap { p in p.date.map { (p, $0) } }
            .sorted { ($0.1, $0.0.id) < ($1.1, $1.0.id) }
        guard let first = dated.first?.1, let last = dated.last?.1 else { return nil }
        func day(_ date: CalendarDate) -> Double { Double(date.daysSinceEpoch) }
        // A year's span at least, so one incident or a burst still reads as a point in time.
        var start = day(CalendarDate(year: first.year, month: 1, day: 1) ?? first)
        var end = day(CalendarDate(year: last.year, month: 12, day: 31) ?? last) + 1
        if end - start < 365 { end = start + 365 }
        if end <= start { start = end - 1 }
        func x(_ value: Double) -> String {
            String(format: "%.1f", margin + (width - 2 * margin) * (value - start) / (end - start))
        }
        let description = String(format: label, dated.count, "\(first)", "\(last)")
        // Dots of months are no links: the strip is then one image.
        let monthly = dated.count > maximumDots
        var svg = #"<svg class="time-strip" viewBox="0 0 \#(Int(width)) \#(Int(height))"\#(monthly ? #" role="img""# : "") aria-label="\#(Feeds.escape(description))">"#
        svg += #"<line class="axis" x1="\#(margin)" y1="\#(lineY)" x2="\#(width - margin)" y2="\#(lineY)"/>"#
        for year in first.year...(last.year + 1) {
            guard let january = CalendarDate(year: year, month: 1, day: 1) else { continue }
            let position = day(january)
            guard position >= start, position <= end else { continue }
            svg += #"<line class="tick" x1="\#(x(position))" y1="\#(lineY - 6)" x2="\#(x(position))" y2="\#(lineY + 6)"/>"#
            svg += #"<text x="\#(x(position))" y="\#(lineY + 26)">\#(year)</text>"#
        }
        if monthly {
            return svg + months(dated, x: { x(day($0)) }, label: monthLabel, levels: levels) + "</svg>"
        }
        for (p, date) in dated {
            let severity = p.severity.map { PageContext.severityClass($0, levels: levels) } ?? "other"
            svg += #"<a href="../\#(SitePaths.urlPath(SitePaths.incidentPage(id: p.id)))">"#
            svg += #"<circle class="dot dot-\#(severity)" cx="\#(x(day(date) + 0.5))" cy="\#(lineY)" r="7">"#
            svg += "<title>\(Feeds.escape("\(date) \(p.id) \(p.title)"))</title></circle></a>"
        }
        return svg + "</svg>"
    }

    /// One dot per month with incidents, at the month's middle: radius from
    /// 3 to 9 by the square root of its share of the busiest month.
    static func months(_ dated: [(Postmortem, CalendarDate)], x: (CalendarDate) -> String, label: String,
                       levels: [SeverityLevel]) -> String {
        var order: [String] = []
        var months: [String: (count: Int, worst: Int, middle: CalendarDate)] = [:]
        for (p, date) in dated {
            let month = String("\(date)".prefix(7))
            let rank = p.severity.flatMap { id in levels.firstIndex { $0.id.uppercased() == id.uppercased() } } ?? levels.count
            if let seen = months[month] {
                months[month] = (seen.count + 1, min(seen.worst, rank), seen.middle)
            } else {
                order.append(month)
                months[month] = (1, rank, CalendarDate(year: date.year, month: date.month, day: 15) ?? date)
            }
        }
        let busiest = Double(months.values.map(\.count).max() ?? 1)
        var marks = ""
        for month in order {
            guard let entry = months[month] else { continue }
            let severity = entry.worst < min(4, levels.count) ? "sev\(entry.worst + 1)" : "other"
            let radius = String(format: "%.1f", 3 + 6 * (Double(entry.count) / busiest).squareRoot())
            let title = label.replacingEvery("{month}", with: month).replacingEvery("{count}", with: "\(entry.count)")
            marks += #"<circle class="dot dot-\#(severity)" cx="\#(x(entry.middle))" cy="\#(lineY)" r="\#(radius)">"#
            marks += "<title>\(Feeds.escape(title))</title></circle>"
        }
        return marks
    }
}
