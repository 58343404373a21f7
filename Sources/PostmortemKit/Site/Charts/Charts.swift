import Foundation

/// The chart kinds of the trend pages, each an SVG string from plain
/// values. Labels and tooltips come in already written in the page's
/// language; `format` turns a value into its label.
enum Charts {
    struct Text {
        var id: String
        var title: String
        /// The text alternative: what the chart shows, in a sentence.
        var summary: String
        var xTitle: String
        var yTitle: String
    }

    struct Series {
        var name: String
        var cssClass: String
        var values: [Double]
    }

    /// Vertical bars per band (a period), the series stacked or side by side, on a linear axis from zero.
    static func columns(_ text: Text, bands: [String], series: [Series], stacked: Bool,
                        format: (Double) -> String) -> String {
        var canvas = ChartCanvas(id: text.id, top: series.count > 1 ? 28 : 16)
        if series.count > 1 { canvas.legend(series.map { ($0.name, $0.cssClass, .square) }) }
        let totals = bands.indices.map { index in
            stacked ? series.reduce(0) { $0 + $1.values[index] } : series.map { $0.values[index] }.max() ?? 0
        }
        let scale = LinearScale(maximum: totals.max() ?? 0, from: canvas.bottom, to: canvas.top)
        canvas.yAxis(scale.ticks.map { (format($0), scale.position($0)) }, title: text.yTitle)
        let band = canvas.plotWidth / Double(Swift.max(bands.count, 1))
        let barWidth = Swift.min(band * 0.72, 48)
        for (index, name) in bands.enumerated() {
            let x = canvas.left + band * Double(index) + (band - barWidth) / 2
            var base = 0.0
            for (number, serie) in series.enumerated() {
                let value = serie.values[index]
                guard value > 0 else { continue }
                let tooltip = "\(name) · \(serie.name): \(format(value))"
                if stacked {
                    let y = scale.position(base + value)
                    canvas.rect(x: x, y: y, width: barWidth, height: scale.position(base) - y, class: serie.cssClass, tooltip: tooltip)
                    base += value
                } else {
                    let width = barWidth / Double(series.count)
                    let y = scale.position(value)
                    canvas.rect(x: x + width * Double(number), y: y, width: width, height: canvas.bottom - y,
                                class: serie.cssClass, tooltip: tooltip)
                }
            }
        }
        canvas.xAxis(title: text.xTitle)
        canvas.bandLabels(bands)
        return canvas.svg(title: text.title, summary: text.summary)
    }

    /// Per band, a range from `low` to `high` (median to p90, say) and a thin
    /// line through `middle` (the mean), on a logarithmic axis of minutes.
    static func ranges(_ text: Text, bands: [String], low: Series, high: Series, middle: Series,
                       missing: Double = -1, format: (Double) -> String) -> String {
        var canvas = ChartCanvas(id: text.id, top: 28)
        canvas.legend([(low.name, low.cssClass, .circle), (high.name, high.cssClass, .circle), (middle.name, "mean-line", .line)])
        let values = (low.values + high.values + middle.values).filter { $0 > 0 }
        let scale = LogScale(minimum: values.min() ?? 1, maximum: values.max() ?? 60, from: canvas.bottom, to: canvas.top)
        canvas.yAxis(scale.ticks.map { (format($0), scale.position($0)) }, title: text.yTitle)
        let band = canvas.plotWidth / Double(Swift.max(bands.count, 1))
        var line: [(Double, Double)] = []
        for (index, name) in bands.enumerated() {
            let x = canvas.left + band * (Double(index) + 0.5)
            let (l, h, m) = (low.values[index], high.values[index], middle.values[index])
            if m > 0 {
                line.append((x, scale.position(m)))
                canvas.circle(x: x, y: scale.position(m), r: 2.5, class: middle.cssClass, tooltip: "\(name) · \(middle.name): \(format(m))")
            }
            if l > 0, h > 0 {
                canvas.line(x1: x, y1: scale.position(l), x2: x, y2: scale.position(h), class: "range")
                canvas.circle(x: x, y: scale.position(h), r: 4, class: high.cssClass, tooltip: "\(name) · \(high.name): \(format(h))")
                canvas.circle(x: x, y: scale.position(l), r: 4.5, class: low.cssClass, tooltip: "\(name) · \(low.name): \(format(l))")
            }
            if m <= 0 {
                canvas.polyline(line, class: "mean-line")
                line = []
            }
        }
        canvas.polyline(line, class: "mean-line")
        canvas.xAxis(title: text.xTitle)
        canvas.bandLabels(bands)
        return canvas.svg(title: text.title, summary: text.summary)
    }

    struct Dot {
        /// Days since 1970-01-01.
        var day: Double
        var minutes: Double
        var cssClass: String
        var tooltip: String
        var href: String?
    }

    /// Every incident as a dot: when it began (x) against its value on a
    /// logarithmic axis of minutes (y), with a tick per year.
    static func dots(_ text: Text, dots: [Dot], format: (Double) -> String) -> String {
        var canvas = ChartCanvas(id: text.id)
        let minutes = dots.map(\.minutes)
        let scale = LogScale(minimum: minutes.min() ?? 1, maximum: minutes.max() ?? 60, from: canvas.bottom, to: canvas.top)
        canvas.yAxis(scale.ticks.map { (format($0), scale.position($0)) }, title: text.yTitle)
        let days = dots.map(\.day)
        // Whole years, so the axis reads as a calendar.
        let firstYear = DateTimeParsing.civilFromDays(Int((days.min() ?? 0).rounded(.down))).year
        let lastYear = DateTimeParsing.civilFromDays(Int((days.max() ?? 0).rounded(.down))).year
        let start = Double(CalendarDate(checkedYear: firstYear, month: 1, day: 1).daysSinceEpoch)
        let end = Double(CalendarDate(checkedYear: lastYear + 1, month: 1, day: 1).daysSinceEpoch)
        func x(_ day: Double) -> Double { canvas.left + canvas.plotWidth * (day - start) / Swift.max(end - start, 1) }
        for year in firstYear...(lastYear + 1) {
            let position = x(Double(CalendarDate(checkedYear: year, month: 1, day: 1).daysSinceEpoch))
            canvas.line(x1: position, y1: canvas.top, x2: position, y2: canvas.bottom, class: "grid")
            if year <= lastYear {
                let next = x(Double(CalendarDate(checkedYear: year + 1, month: 1, day: 1).daysSinceEpoch))
                canvas.text("\(year)", x: (position + next) / 2, y: canvas.bottom + 16, class: "tick-label")
            }
        }
        for dot in dots {
            canvas.circle(x: x(dot.day), y: scale.position(dot.minutes), r: 5, class: dot.cssClass, tooltip: dot.tooltip, href: dot.href)
        }
        canvas.xAxis(title: text.xTitle)
        return canvas.svg(title: text.title, summary: text.summary)
    }

    struct Row {
        var label: String
        var value: Double
        /// A second value drawn as a whisker past the bar (p90 beside a median).
        var whisker: Double?
        var tooltip: String
        var href: String?
    }

    /// One horizontal bar per row, labelled on the left, on a linear axis
    /// from zero or a logarithmic axis of minutes.
    static func rows(_ text: Text, rows: [Row], logarithmic: Bool, format: (Double) -> String) -> String {
        let rowHeight = 30.0
        var canvas = ChartCanvas(id: text.id, height: Double(rows.count) * rowHeight + 60, left: 220, top: 8, bottom: 44)
        let values = rows.flatMap { [$0.value] + ($0.whisker.map { [$0] } ?? []) }.filter { $0 > 0 }
        let position: (Double) -> Double
        let ticks: [Double]
        if logarithmic {
            let scale = LogScale(minimum: values.min() ?? 1, maximum: values.max() ?? 60, from: canvas.left, to: canvas.right)
            position = scale.position
            ticks = scale.ticks
        } else {
            let scale = LinearScale(maximum: values.max() ?? 1, from: canvas.left, to: canvas.right)
            position = scale.position
            ticks = scale.ticks
        }
        for tick in ticks {
            canvas.line(x1: position(tick), y1: canvas.top, x2: position(tick), y2: canvas.bottom, class: "grid")
            canvas.text(format(tick), x: position(tick), y: canvas.bottom + 16, class: "tick-label")
        }
        for (index, row) in rows.enumerated() {
            let y = canvas.top + rowHeight * Double(index)
            let label = row.label.count > 28 ? String(row.label.prefix(27)) + "…" : row.label
            canvas.text(label, x: canvas.left - 8, y: y + rowHeight / 2 + 4, anchor: .end, class: "row-label")
            if let href = row.href { canvas.raw(#"<a href="\#(Feeds.escape(href))">"#) }
            canvas.rect(x: canvas.left, y: y + 7, width: position(row.value) - canvas.left, height: rowHeight - 14,
                        class: "row-bar", tooltip: row.tooltip)
            if row.href != nil { canvas.raw("</a>") }
            if let whisker = row.whisker, whisker > row.value {
                canvas.line(x1: position(row.value), y1: y + rowHeight / 2, x2: position(whisker), y2: y + rowHeight / 2, class: "whisker")
                canvas.line(x1: position(whisker), y1: y + 9, x2: position(whisker), y2: y + rowHeight - 9, class: "whisker")
            }
        }
        canvas.line(x1: canvas.left, y1: canvas.top, x2: canvas.left, y2: canvas.bottom, class: "axis")
        canvas.text(text.xTitle, x: canvas.left + canvas.plotWidth / 2, y: canvas.height - 6, class: "axis-title")
        return canvas.svg(title: text.title, summary: text.summary)
    }
}
