import Foundation
import Testing
@testable import PostmortemKit

/// The templates that `postmortem new` fills (site-templates/postmortem*.md)
/// are valid postmortems once their placeholders hold values.
@Suite struct PostmortemTemplateTests {
    static let values = ["id": "INC-2024-010", "title": "Reservations page blank: after release",
                         "date": "2024-06-01", "severity": "SEV2", "services": "admin-panel",
                         "timezone": "Asia/Tokyo"]

    @Test(arguments: ["postmortem.md", "postmortem.ja.md"])
    func filledTemplateLoadsAsACleanDraft(name: String) throws {
        var text = try String(contentsOf: packageRoot.appendingPathComponent("site-templates/\(name)"), encoding: .utf8)
        for (key, value) in Self.values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        #expect(!text.contains("{{"))
        let loaded = load(text, path: name, configuration: tokyo)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(DiagnosticFormatter.text).joined())")
        let pm = try #require(loaded.postmortem)
        #expect(pm.id == "INC-2024-010")
        #expect(pm.title == "Reservations page blank: after release")
        #expect(pm.status == .draft)
        #expect(pm.severity == "SEV2")
        #expect(pm.services == ["admin-panel"])
        #expect(pm.milestones.isEmpty)
        // Unfilled structured values are not there yet: no half-empty cause or item.
        #expect(pm.causes.isEmpty)
        #expect(pm.recurrenceFix.isEmpty)
        #expect(pm.impact == Impact(dataLoss: false, slaBreach: false))
    }
}
