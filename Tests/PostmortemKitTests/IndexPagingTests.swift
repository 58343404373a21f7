import Foundation
import Testing
@testable import PostmortemKit

/// The index in pages: the newest page in index.html, every row in data/index-rows.js.
@Suite struct IndexPagingTests {
    func site(_ count: Int) throws -> OutputPlan {
        let postmortems = try (0..<count).map { n in
            try #require(postmortem(frontMatter("""
                id: INC-\(1000 + n)
                date: 2025-\(String(format: "%02d", n % 12 + 1))-\(String(format: "%02d", n % 28 + 1))
                title: Incident \(n)
                severity: SEV\(n % 4 + 1)
                services: [api\(n % 3)]
                duration: \(n + 1)m
                cause: {category: release-bug, key: cause-\(n % 5)}
                """), path: "p\(n).md"))
        }
        return try SiteRenderer.render(postmortems, configuration: .default, theme: .builtIn, sourceFolder: "/tmp",
                                       now: Date(timeIntervalSince1970: 1_770_000_000))
    }

    @Test func aSmallIndexIsOneTableWithoutTheRowData() throws {
        let plan = try site(IndexRows.pageSize)
        let index = String(decoding: try #require(plan.files["index.html"]), as: UTF8.self)
        #expect(index.components(separatedBy: "<tr data-date=").count - 1 == IndexRows.pageSize)
        #expect(!index.contains("data-page-size") && !index.contains("index-rows.js"))
        #expect(plan.files["data/index-rows.js"] == nil)
    }

    @Test func aLargeIndexShowsTheNewestPageAndShipsEveryRow() throws {
        let plan = try site(IndexRows.pageSize + 30)
        let index = String(decoding: try #require(plan.files["index.html"]), as: UTF8.self)
        #expect(index.components(separatedBy: "<tr data-date=").count - 1 == IndexRows.pageSize)
        #expect(index.contains(#"<table class="incidents" data-page-size="100" data-rows="data/index-rows.js">"#))
        #expect(index.contains("The newest 100 of 130;"))
        #expect(index.contains(#"<nav class="pager index-pager" id="index-pager" aria-label="Pages" hidden"#))
        let script = String(decoding: try #require(plan.files["data/index-rows.js"]), as: UTF8.self)
        #expect(script.hasPrefix("window.POSTMORTEM_ROWS = {") && script.hasSuffix("};\n"))
        let json = Data(script.dropFirst("window.POSTMORTEM_ROWS = ".count).dropLast(2).utf8)
        let data = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let rows = try #require(data["rows"] as? [[Any]])
        #expect(rows.count == 130)
        #expect(data["services"] as? [[String]] == [["api0", "services/api0.html"], ["api1", "services/api1.html"],
                                                   ["api2", "services/api2.html"]])
        #expect(data["categories"] as? [[String]] == [["release-bug", "Release or maintenance bug", "categories/release-bug.html"]])
        // Newest first, like the table: the first row of the page is the first of the data.
        let first = try #require(rows.first)
        #expect(index.contains(#"<a href="\#(first[0] as? String ?? "?")">\#(first[1] as? String ?? "?")</a>"#))
        // [url, title, date, severity, class, rank, services, category, minutes, text, inferred, status, rank, near miss]
        let row = try #require(rows.first { $0[1] as? String == "Incident 7" })
        #expect(row[0] as? String == "incidents/INC-1007.html")
        #expect(row[2] as? String == "2025-08-08")
        #expect(row[3] as? String == "SEV4" && row[4] as? String == "sev4" && row[5] as? Int == 4)
        #expect(row[6] as? [Int] == [1] && row[7] as? Int == 0 && row[8] as? Int == 8)
        #expect(row[9] as? String == "8m" && row[10] as? Int == 0 && row[11] as? String == "published" && row[13] as? Int == 0)
    }
}
