import Foundation

/// An SVG chart drawn at build time: no script, no library, no external
/// file. The chart is an image with a title and a text alternative; every
/// mark carries a `<title>` tooltip, and the page puts the same data in a
/// table beneath it. All text is escaped here, so callers pass plain text.
struct ChartCanvas {
    let id: String
    let width: Double
    let height: Double
    /// The plot area inside the margins.
    let left: Double, top: Double, right: Double, bottom: Double
    private var marks = ""

    init(id: String, width: Double = 760, height: Double = 280,
         left: Double = 64, top: Double = 16, right: Double = 16, bottom: Double = 52) {
        self.id = id
        self.width = width
        self.height = height
        self.left = left
        self.top = top
        self.right = width - right
        self.bottom = height - bottom
    }

    var plotWidth: Double { right - left }
    var plotHeight: Double { bottom - top }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A tooltip element for a mark.
    static func tooltip(_ text: String) -> String { "<title>\(Feeds.escape(text))</title>" }

    mutating func raw(_ svg: String) { marks += svg }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, class cssClass: String, tooltip: String? = nil) {
        let n = Self.number
        marks += #"<rect class="\#(cssClass)" x="\#(n(x))" y="\#(n(y))" width="\#(n(Swift.max(width, 0)))" height="\#(n(Swift.max(height, 0)))""#
        marks += tooltip.map { ">\(Self.tooltip($0))</rect>" } ?? "/>"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, class cssClass: String) {
        let n = Self.number
        marks += #"<line class="\#(cssClass)" x1="\#(n(x1))" y1="\#(n(y1))" x2="\#(n(x2))" y2="\#(n(y2))"/>"#
    }

    mutating func circle(x: Double, y: Double, r: Double, class cssClass: String, tooltip: String? = nil, href: String? = nil) {
        let n = Self.number
        if let href { marks += #"<a href="\#(Feeds.escape(href))">"# }
        marks += #"<circle class="\#(cssClass)" cx="\#(n(x))" cy="\#(n(y))" r="\#(n(r))""#
        marks += tooltip.map { ">\(Self.tooltip($0))</circle>" } ?? "/>"
        if href != nil { marks += "</a>" }
    }

    mutating func polyline(_ points: [(Double, Double)], class cssClass: String) {
        guard points.count >= 2 else { return }
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        marks += #"<polyline class="\#(cssClass)" points="\#(list)"/>"#
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ text: String, x: Double, y: Double, anchor: Anchor = .middle, class cssClass: String = "label") {
        let n = Self.number
        marks += #"<text class="\#(cssClass)" x="\#(n(x))" y="\#(n(y))" text-anchor="\#(anchor.rawValue)">\#(Feeds.escape(text))</text>"#
    }

    /// Horizontal grid lines with their labels on the left, at `ticks` (value, y).
    mutating func yAxis(_ ticks: [(label: String, y: Double)], title: String) {
        for tick in ticks {
            line(x1: left, y1: tick.y, x2: right, y2: tick.y, class: "grid")
            text(tick.label, x: left - 6, y: tick.y + 4, anchor: .end, class: "tick-label")
        }
        let n = Self.number
        marks += #"<text class="axis-title" transform="translate(14 \#(n(top + plotHeight / 2))) rotate(-90)" text-anchor="middle">\#(Feeds.escape(title))</text>"#
    }

    /// The baseline and a label under the chart.
    mutating func xAxis(title: String) {
        line(x1: left, y1: bottom, x2: right, y2: bottom, class: "axis")
        text(title, x: left + plotWidth / 2, y: height - 6, class: "axis-title")
    }

    /// Labels along the x axis for `labels` centred in equal bands, thinned so they never overlap.
    mutating func bandLabels(_ labels: [String]) {
        guard !labels.isEmpty else { return }
        let band = plotWidth / Double(labels.count)
        let widest = Double(labels.map(\.count).max() ?? 1) * 7 + 8
        let every = Swift.max(1, Int((widest / band).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            text(label, x: left + band * (Double(index) + 0.5), y: bottom + 16, class: "tick-label")
        }
    }

    enum Swatch { case square, circle, line }

    /// A key above the plot: a swatch and a name for each series, left to right.
    mutating func legend(_ entries: [(name: String, cssClass: String, swatch: Swatch)]) {
        var x = left
        let y = 12.0
        for entry in entries {
            switch entry.swatch {
            case .square: rect(x: x, y: y - 9, width: 10, height: 10, class: entry.cssClass)
            case .circle: circle(x: x + 5, y: y - 4, r: 4.5, class: entry.cssClass)
            case .line: line(x1: x, y1: y - 4, x2: x + 12, y2: y - 4, class: entry.cssClass)
            }
            text(entry.name, x: x + 16, y: y, anchor: .start, class: "legend-label")
            x += 16 + Double(TextTable.width(entry.name)) * 7 + 18
        }
    }

    /// The SVG: an image with its title and a text alternative; when its
    /// marks are links (an image's children cannot be reached), the same
    /// name on the SVG's own role (HTML allows no other role on `<svg>`).
    func svg(title: String, summary: String) -> String {
        let titleID = "\(id)-title", descID = "\(id)-desc"
        let role = marks.contains("<a ") ? "" : #" role="img""#
        return #"<svg class="chart" id="\#(id)" viewBox="0 0 \#(Int(width)) \#(Int(height))"\#(role) aria-labelledby="\#(titleID) \#(descID)">"#
            + #"<title id="\#(titleID)">\#(Feeds.escape(title))</title><desc id="\#(descID)">\#(Feeds.escape(summary))</desc>"#
            + marks + "</svg>"
    }
}

/// Maps values to positions on a linear axis starting at zero.
struct LinearScale {
    let maximum: Double
    let from: Double, to: Double

    /// Zero to a round number at or above `maximum`.
    init(maximum: Double, from: Double, to: Double) {
        let ticks = LinearScale.ticks(upTo: maximum)
        self.maximum = ticks.last ?? 1
        self.from = from
        self.to = to
    }

    func position(_ value: Double) -> Double { from + (to - from) * value / maximum }

    var ticks: [Double] { LinearScale.ticks(upTo: maximum) }

    /// 0, step, 2 step… to the first multiple at or above `maximum`, with a
    /// step of 1, 2 or 5 × 10ⁿ (never below 1: the charts count whole
    /// incidents, days and percents) giving at most about five intervals.
    static func ticks(upTo maximum: Double) -> [Double] {
        let top = Swift.max(maximum, 1)
        let rough = Swift.max(top / 5, 1)
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? magnitude * 10
        let count = Int((top / step).rounded(.up))
        return (0...Swift.max(count, 1)).map { Double($0) * step }
    }
}

/// Maps minutes to positions on a logarithmic axis, so a week-long outage
/// and a five-minute blip both stay readable.
struct LogScale {
    let low: Double, high: Double
    let from: Double, to: Double

    /// From a round duration at or below `minimum` to one at or above `maximum`.
    init(minimum: Double, maximum: Double, from: Double, to: Double) {
        let marks = LogScale.durations
        let bottom = marks.last { $0 <= Swift.max(minimum, 1) } ?? 1
        low = bottom
        high = marks.first { $0 >= Swift.max(maximum, bottom * 2) } ?? Swift.max(maximum, bottom * 2)
        self.from = from
        self.to = to
    }

    func position(_ minutes: Double) -> Double {
        let value = Swift.min(Swift.max(minutes, low), high)
        return from + (to - from) * (log(value) - log(low)) / (log(high) - log(low))
    }

    /// Round durations in minutes: 1 m, 5 m, 15 m, 1 h, 4 h, 1 d, 1 w, 30 d.
    static let durations: [Double] = [1, 5, 15, 60, 240, 1_440, 10_080, 43_200, 525_600]

    /// The round durations within the axis.
    var ticks: [Double] { LogScale.durations.filter { $0 >= low && $0 <= high } }
}
