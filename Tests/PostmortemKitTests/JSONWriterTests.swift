import Foundation
import Testing
@testable import PostmortemKit

/// `JSONWriter` gives the bytes `JSONEncoder` gave, value by value and for
/// every data file it now writes (the encoder's are in DataFileReferences.swift).
@Suite struct JSONWriterTests {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Text with every kind of character the escaping treats apart.
    static let strings: [String] = [
        "", "plain", "\"", "\\", "\"quoted\" and \\back\\slashed\\", "a/b//c", "https://example.com/a/b?c=d&e=<f>",
        "line\nbreak", "\r\n", "\t", "\u{8}\u{C}", "\u{0}", "\u{1}\u{1F}\u{B}\u{E}\u{10}", "\u{7F}", "end\\", "\\start",
        "😀", "👩‍👩‍👧", "🇯🇵", "接続プールが枯渇した", "ｶﾀｶﾅ　全角", "é", "e\u{301}", "\u{2028}\u{2029}", "\u{FEFF}bom",
        "</script><!--&amp;", "\u{10FFFF}", "mixed \"日本\" \\ /\n\u{1}😀",
        String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }),
    ]

    static let doubles: [Double] = [
        0, -0.0, 1, -1, 0.1, 0.2, 0.30000000000000004, 96.2, -2.5, 100, 58, 1e15, 999_999_999_999_999, 1e15 + 0.5,
        1e16, 1e21, 1e22, -1e21, 123_456.7, 1e-7, 0.000001, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
        Double(Int64.max), 2_770, 533.2, 0.423, 1.0 / 3, -1e15, -999_999_999_999_999,
    ]

    @Test(arguments: [false, true]) func stringsAreTheEncoders(pretty: Bool) throws {
        for string in Self.strings {
            var json = JSONWriter(pretty: pretty)
            json.strings([string])
            let expected = Array(try Self.encoder(pretty: pretty).encode([string]))
            #expect(json.bytes == expected, "\(string.debugDescription): \(String(decoding: json.bytes, as: UTF8.self))")
        }
        var all = JSONWriter(pretty: pretty)
        all.strings(Self.strings)
        #expect(all.bytes == Array(try Self.encoder(pretty: pretty).encode(Self.strings)))
    }

    @Test func controlCharactersAreEscapedAsTheEncoderDoes() throws {
        for value in 0..<0x20 {
            let string = String(Character(Unicode.Scalar(UInt8(value))))
            var json = JSONWriter()
            json.string(string)
            let expected = Array(try Self.encoder(pretty: false).encode([string]).dropFirst().dropLast())
            #expect(json.bytes == expected, "U+\(String(value, radix: 16))")
        }
        var json = JSONWriter()
        json.string("\u{1}\u{1F}\n")
        #expect(String(decoding: json.bytes, as: UTF8.self) == #""\u0001\u001f\n""#)
    }

    @Test(arguments: [false, true]) func numbersAreTheEncoders(pretty: Bool) throws {
        for value in Self.doubles {
            var json = JSONWriter(pretty: pretty)
            json.beginArray()
            json.number(value)
            json.endArray()
            #expect(json.bytes == Array(try Self.encoder(pretty: pretty).encode([value])), "\(value)")
        }
        for value in [0, 1, -1, 9, 10, 99, 100, 12_345, -12_345, Int.max, Int.min] {
            var json = JSONWriter(pretty: pretty)
            json.beginArray()
            json.number(value)
            json.endArray()
            #expect(json.bytes == Array(try Self.encoder(pretty: pretty).encode([value])), "\(value)")
        }
        var text = JSONWriter()
        for value in [1e21, 0.1, -0.0, 100.0] { text.number(value); text.raw(" ") }
        #expect(String(decoding: text.bytes, as: UTF8.self) == "1e+21 0.1 -0 100 ")
    }

    struct Nested: Encodable {
        let name: String?, count: Int, items: [String], empty: [String: Int], groups: [String: [Double?]]
        enum Key: String, CodingKey { case name, count, items, empty, groups }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(name, forKey: .name)
            try c.encode(count, forKey: .count)
            try c.encode(items, forKey: .items)
            try c.encode(empty, forKey: .empty)
            try c.encode(groups, forKey: .groups)
        }
    }

    /// Objects, arrays, empty ones, null and sorted dictionary keys, nested, pretty and compact.
    @Test(arguments: [false, true]) func structureIsTheEncoders(pretty: Bool) throws {
        let values = [
            Nested(name: nil, count: 0, items: [], empty: [:], groups: [:]),
            Nested(name: "a/\"b\"", count: -3, items: ["x", ""], empty: [:],
                   groups: ["SEV2": [1, nil, 0.5], "SEV10": [], "sev1": [1e21], "Z": [nil], "é": [-0.0], "e": [2]]),
        ]
        var json = JSONWriter(pretty: pretty)
        json.beginArray()
        for value in values {
            json.beginObject()
            json.key("count"); json.number(value.count)
            json.key("empty"); json.beginObject(); json.endObject()
            json.key("groups")
            json.beginObject()
            for (key, list) in JSONWriter.sortedKeys(value.groups) {
                json.key(key)
                json.beginArray()
                for number in list { json.number(number) }
                json.endArray()
            }
            json.endObject()
            json.key("items"); json.strings(value.items)
            json.key("name"); json.string(value.name)
            json.endObject()
        }
        json.beginArray(); json.endArray()
        json.endArray()
        struct Outer: Encodable {
            let values: [Nested]
            func encode(to encoder: Encoder) throws {
                var c = encoder.unkeyedContainer()
                for value in values { try c.encode(value) }
                try c.encode([String]())
            }
        }
        let expected = Array(try Self.encoder(pretty: pretty).encode(Outer(values: values)))
        #expect(json.bytes == expected, "\(String(decoding: json.bytes, as: UTF8.self))")
    }

    /// Script-safe strings are the encoder's bytes put through the old `scriptSafe` pass.
    @Test func scriptSafeStringsAreTheEncodersMadeSafe() throws {
        let rows = [Self.strings, ["</script>", "<!--", "a&b", "\u{2028}x\u{2029}", "\u{E2}\u{80}", "—…", "\u{2027}\u{202A}"]]
        var json = JSONWriter(scriptSafe: true)
        json.beginArray()
        for row in rows { json.strings(row) }
        json.endArray()
        #expect(json.bytes == Reference.scriptSafe(try Self.encoder(pretty: false).encode(rows)))
        var safe = JSONWriter(scriptSafe: true)
        safe.strings(["</script><!--&\u{2028}\u{2029}é—"])
        #expect(String(decoding: safe.bytes, as: UTF8.self) == "[\"\\u003C/script\\u003E\\u003C!--\\u0026\\u2028\\u2029é—\"]")
        #expect(try JSONSerialization.jsonObject(with: Data(safe.bytes)) as? [String] == ["</script><!--&\u{2028}\u{2029}é—"])
    }

    // MARK: The data files

    static func sample() throws -> CheckReport {
        let configuration = try Check.configurationFile(path: packageRoot.appendingPathComponent("postmortem.yml").path)
        return try Check.run(folder: packageRoot.appendingPathComponent("postmortems").path, configurationFile: configuration)
    }

    /// Postmortems whose every field has something to escape.
    static func hostile() -> [Postmortem] {
        [postmortem("""
            ---
            id: "INC-\\"1\\"/x"
            title: "</script> \\"quoted\\" \\\\ 😀 接続プール\\u0001"
            date: 2024-03-08
            severity: "SEV\\t1"
            services: ["a/b", "日本"]
            tags: ["x\\ny"]
            started_at: 2024-03-08T10:00+09:00
            resolved_at: 2024-03-08T10:00:30.25+09:00
            cause: {category: config-change, key: a-b, summary: "\\"<&>\\" \\u2028"}
            recurrence_fix:
              - {title: "fix \\"it\\"", owner: "山田", status: done, due: 2024-04-01, completed: 2024-03-30}
              - {title: plain, status: open}
            ---
            Body.
            """, path: "hostile.md"), postmortem("---\nid: B\n---\n", path: "b.md")].compactMap { $0 }
    }

    @Test func incidentsJSONIsTheEncoders() throws {
        let check = try Self.sample()
        let postmortems = check.load.postmortems + Self.hostile()
        let recurrences = RecurrenceAnalysis.analyze(postmortems, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        for chosen in [postmortems, Array(postmortems.suffix(2)), Array(postmortems.prefix(1)), []] {
            let written = DataExport.incidentsJSON(chosen, recurrences: recurrences)
            let expected = try Reference.incidentsJSON(chosen, recurrences: recurrences)
            let difference = zip(written, expected).enumerated().first { $1.0 != $1.1 }?.offset
            #expect(written.count == expected.count && difference == nil,
                    "\(chosen.count) records: \(written.count) bytes for \(expected.count), first difference at \(difference ?? -1)")
        }
    }

    @Test func metricsJSONIsTheEncoders() throws {
        let check = try Self.sample()
        for granularity in Granularity.allCases {
            let report = Stats.report(check, options: Stats.Options(granularity: granularity))
            #expect(MetricsExport.json(report) == (try Reference.metricsJSON(report)), "\(granularity)")
        }
        // Groups with keys the encoder sorts by their bytes, and no statistics at all.
        var report = Stats.report(check, options: Stats.Options())
        report.overall = MetricsReport.Overall()
        let groups = ["SEV2", "SEV10", "sev1", "Z", "é", "e"].enumerated().map { index, key in
            MetricsReport.GroupFigures(key: key, incidents: index, ttr: index.isMultiple(of: 2) ? nil : report.periods.compactMap(\.ttr).first)
        }
        report.periods = report.periods.prefix(2).map { figures in
            var figures = figures
            figures.bySeverity = groups
            figures.byCategory = groups.reversed() + groups
            return figures
        }
        #expect(MetricsExport.json(report) == (try Reference.metricsJSON(report)))
    }

    @Test func rowsScriptIsTheEncoders() throws {
        let check = try Self.sample()
        let postmortems = check.load.postmortems + Self.hostile()
        for language in [Language.en, .ja] {
            var configuration = check.configuration
            configuration.language = language
            let context = PageContext(configuration: configuration, now: Self.now)
            for root in ["", "../"] {
                #expect(IndexRows.script(postmortems, context: context, root: root)
                    == (try Reference.rowsScript(postmortems, context: context, root: root)), "\(language) \(root)")
            }
            #expect(IndexRows.script([], context: context) == (try Reference.rowsScript([], context: context)))
        }
    }

    @Test func searchDocumentsAreTheEncodersMadeSafe() throws {
        let check = try Self.sample()
        let postmortems = check.load.postmortems + Self.hostile()
        let context = PageContext(configuration: check.configuration, now: Self.now)
        let files = try SearchIndex.files(postmortems, context: context)
        let rows = SearchIndex.documents(postmortems, context: context).map { d in
            [d.url, d.id, d.title, d.date ?? "", d.severity ?? "", d.status, d.summary]
        }
        let expected = Array("POSTMORTEM_SEARCH_DOCS(0,".utf8) + Reference.scriptSafe(try Self.encoder(pretty: false).encode(rows))
            + Array(");\n".utf8)
        #expect(files["data/search/docs-0.js"] == expected)
    }

    // MARK: The CSV files (`CSVWriter`), against the strings they were built as

    @Test func csvFilesAreTheStringBuiltOnes() throws {
        let check = try Self.sample()
        let postmortems = check.load.postmortems + Self.hostile()
        let recurrences = RecurrenceAnalysis.analyze(postmortems, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(DataExport.incidentsCSV(postmortems, recurrences: recurrences)
            == Reference.incidentsCSV(postmortems, recurrences: recurrences))
        #expect(DataExport.incidentsCSV([]) == Reference.incidentsCSV([]))
        let report = Stats.report(check, options: Stats.Options())
        #expect(MetricsExport.csv(report) == Reference.csv(MetricsExport.table(report)))
        let cells = Self.strings + ["=1+1", "+x", "-5", "@SUM(A1)", "\tx", "\rx", "'quoted", "a,b", "\"", "x\r\ny", "-,\""]
        #expect(DataExport.csv([cells, [], [""]]) == Reference.csv([cells, [], [""]]))
    }
}
