import Foundation
import Mustache

// The same cheap paths the site takes (Sources/PostmortemKit/Site/MustacheValues.swift):
// text values as parents with no children, views by reference, no escaping
// cost (the site's own escaping is measured with the page), so what is left
// is swift-mustache's own work per lookup.
extension String: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named: String) -> Any? { nil }
    public var renderText: String { self }
    public var isNull: Bool { false }
}

final class View: MustacheParent, @unchecked Sendable {
    let values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }
    func child(named name: String) -> Any? { values[name] }
}

struct Verbatim: MustacheContentType {
    func escapeText(_ text: String) -> String { text }
}

MustacheContentTypes.register(Verbatim(), named: "VERBATIM")
let pragma = "{{% CONTENT_TYPE: VERBATIM }}"
let lookups = 1_000
// `mustache-floor [RUNS] [CASE]`: RUNS renders per case (default 300); only
// case number CASE (from 1) when given. Instructions per lookup, which do not
// depend on what else the machine runs: the difference of two callgrind
// totals, `valgrind --tool=callgrind mustache-floor 11 CASE` minus `… 1 CASE`,
// divided by 10,000.
let arguments = CommandLine.arguments.dropFirst()
let runs = arguments.first.flatMap { Int($0) } ?? 300
let only = arguments.dropFirst().first.flatMap { Int($0) }

/// Microseconds per lookup, the median of `runs` renders of a template making `lookups` of them.
@MainActor func measure(_ number: Int, _ name: String, _ template: String, _ context: Any) throws {
    guard only == nil || only == number else { return }
    let template = try MustacheTemplate(string: pragma + template)
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let out = template.render(context)
        precondition(!out.isEmpty)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(lookups))
    }
    times.sort()
    print("\(number). \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%5.2f", times[times.count / 2])) µs per lookup")
}

let item: [String: Any] = ["title": "Connection pool exhausted", "status": "done"]
let page = View(["title": "Reservations not shown", "root": "../", "t": View(["due": "Due"]),
                 "items": (0..<(lookups / 10)).map { _ in View(item) }])
print("swift-mustache 2.1.1, \(runs) renders of \(lookups) lookups each, one core")
try measure(1, "{{title}} on the page", String(repeating: "<p>{{title}}</p>", count: lookups), page)
try measure(2, "{{t.due}} (a label)", String(repeating: "<p>{{t.due}}</p>", count: lookups), page)
try measure(3, "{{title}} inside {{#items}}", "{{#items}}" + String(repeating: "<p>{{title}}</p>", count: 10) + "{{/items}}", page)
try measure(4, "{{root}} inside {{#items}} (one level down)", "{{#items}}" + String(repeating: "<p>{{root}}</p>", count: 10) + "{{/items}}", page)
try measure(5, "{{#title}}…{{/title}} (a section)", String(repeating: "{{#title}}<p>x</p>{{/title}}", count: lookups), page)
// A section over a text and the text inside it: by name (found one level down, past the text
// itself) or as `{{.}}` (the section's own value, no name to split, no stack to walk).
try measure(6, "{{#title}}{{title}}{{/title}} (per tag)", String(repeating: "{{#title}}<p>{{title}}</p>{{/title}}", count: lookups / 2), page)
try measure(7, "{{#title}}{{.}}{{/title}} (per tag)", String(repeating: "{{#title}}<p>{{.}}</p>{{/title}}", count: lookups / 2), page)
