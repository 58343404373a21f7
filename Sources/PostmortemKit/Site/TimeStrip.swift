import Foundation

/// An inline SVG of when a cause struck: one dot per dated incident on a
/// line from the first to the last, coloured by severity, each a link to its
/// page, with a tick per year. No script, no external file.
enum TimeStrip {
    static let width = 1000.0, height = 64.0, margin = 24.0, lineY = 26.0

    /// The SVG, or nil when fewer than one incident is dated.
    static func svg(_ postmortems: [Postmortem], label: String, levels: [SeverityLevel] = SeverityLevel.defaults) -> String? {
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
        var svg = #"<svg class="time-strip" viewBox="0 0 \#(Int(width)) \#(Int(height))" aria-label="\#(Feeds.escape(description))">"#
        svg += #"<line class="axis" x1="\#(margin)" y1="\#(lineY)" x2="\#(width - margin)" y2="\#(lineY)"/>"#
        for year in first.year...(last.year + 1) {
            guard let january = CalendarDate(year: year, month: 1, day: 1) else { continue }
            let position = day(january)
            guard position >= start, position <= end else { continue }
            svg += #"<line class="tick" x1="\#(x(position))" y1="\#(lineY - 6)" x2="\#(x(position))" y2="\#(lineY + 6)"/>"#
            svg += #"<text x="\#(x(position))" y="\#(lineY + 26)">\#(year)</text>"#
        }
        for (p, date) in dated {
            let severity = p.severity.map { PageContext.severityClass($0, levels: levels) } ?? "other"
            svg += #"<a href="../\#(SitePaths.urlPath(SitePaths.incidentPage(id: p.id)))">"#
            svg += #"<circle class="dot dot-\#(severity)" cx="\#(x(day(date) + 0.5))" cy="\#(lineY)" r="7">"#
            svg += "<title>\(Feeds.escape("\(date) \(p.id) \(p.title)"))</title></circle></a>"
        }
        return svg + "</svg>"
    }
}
