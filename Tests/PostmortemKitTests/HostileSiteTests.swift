import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PostmortemKit

/// The hostile postmortems of `Fixtures/hostile/` (script payloads in every
/// front-matter field, the body and the configuration, in English and
/// Japanese) build, and every value is escaped for where it lands.
/// `scripts/hostile-check` loads the same site in Chromium.
@Suite struct HostileSiteTests {
    static let fixture = packageRoot.appendingPathComponent("Tests/PostmortemKitTests/Fixtures/hostile")

    /// The built site, path → text; built once for all the tests.
    static let site: Result<[String: String], Error> = Result {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-hostile-\(UUID().uuidString)")
        defer { FileManager.default.removeSite(at: out) }
        let result = try Build.run(Build.Options(
            sourceFolder: fixture.appendingPathComponent("postmortems").path, outputFolder: out.path,
            configurationPath: fixture.appendingPathComponent("postmortem.yml").path, templatesFolder: nil,
            now: Date(timeIntervalSince1970: 1_740_787_200)))  // 2025-03-01
        guard result.check.errorCount == 0 else {
            throw BuildFailed(messages: result.check.diagnostics.map { "\($0.location): \($0.message)" })
        }
        var files: [String: String] = [:]
        let root = out.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: root + "/" + relative) {
                files[relative] = String(decoding: data, as: UTF8.self)
            }
        }
        return files
    }

    struct BuildFailed: Error { var messages: [String] }

    /// Every payload sets this global; none may reach a page unescaped.
    static let marker = "window.__xss"

    /// Tags of an HTML page: name and attributes (name → value), comments skipped.
    static func tags(in html: String) -> [(name: String, attributes: [(String, String)])] {
        var found: [(String, [(String, String)])] = []
        let scalars = Array(html.unicodeScalars)
        var index = 0
        func isNameScalar(_ s: Unicode.Scalar) -> Bool {
            !(s == " " || s == "\n" || s == "\t" || s == "\r" || s == ">" || s == "/" || s == "=")
        }
        while index < scalars.count {
            guard scalars[index] == "<" else { index += 1; continue }
            if index + 3 < scalars.count, String(String.UnicodeScalarView(scalars[index..<index + 4])) == "<!--" {
                while index + 2 < scalars.count, !(scalars[index] == "-" && scalars[index + 1] == "-" && scalars[index + 2] == ">") { index += 1 }
                index += 3
                continue
            }
            index += 1
            var name = ""
            while index < scalars.count, isNameScalar(scalars[index]) { name.unicodeScalars.append(scalars[index]); index += 1 }
            var attributes: [(String, String)] = []
            while index < scalars.count, scalars[index] != ">" {
                if scalars[index] == " " || scalars[index] == "\n" || scalars[index] == "/" || scalars[index] == "\t" { index += 1; continue }
                var attribute = ""
                while index < scalars.count, isNameScalar(scalars[index]) { attribute.unicodeScalars.append(scalars[index]); index += 1 }
                var value = ""
                if index < scalars.count, scalars[index] == "=" {
                    index += 1
                    if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" {
                        let quote = scalars[index]
                        index += 1
                        while index < scalars.count, scalars[index] != quote { value.unicodeScalars.append(scalars[index]); index += 1 }
                        index += 1
                    } else {
                        while index < scalars.count, isNameScalar(scalars[index]) { value.unicodeScalars.append(scalars[index]); index += 1 }
                    }
                }
                if attribute.isEmpty { index += 1 } else { attributes.append((attribute.lowercased(), value)) }
            }
            if !name.isEmpty, name.first?.isLetter == true { found.append((name.lowercased(), attributes)) }
            index += 1
        }
        return found
    }

    @Test func theHostileSetBuildsWithoutErrors() throws {
        let site = try Self.site.get()
        #expect(site["incidents/EVIL-1.html"] != nil)
        #expect(site["incidents/EVIL-2.html"] != nil)
    }

    @Test func noPageHoldsInjectedMarkupOrScriptURLs() throws {
        let site = try Self.site.get()
        let allowedScripts = ["assets/filters.js", "data/search-index.js", "assets/search.js"]
        var pages = 0
        for (path, html) in site where path.hasSuffix(".html") {
            pages += 1
            for tag in Self.tags(in: html) {
                #expect(!["iframe", "object", "embed", "style", "base"].contains(tag.name), "\(path): <\(tag.name)>")
                if tag.name == "script" {
                    let source = tag.attributes.first { $0.0 == "src" }?.1 ?? ""
                    #expect(allowedScripts.contains { source.hasSuffix($0) && !source.contains(":") }, "\(path): <script src=\(source)>")
                }
                for (name, value) in tag.attributes {
                    #expect(!name.hasPrefix("on"), "\(path): <\(tag.name) \(name)=\(value)>")
                    guard ["href", "src", "action", "xlink:href"].contains(name) else { continue }
                    let url = value.replacingOccurrences(of: "&#58;", with: ":").unicodeScalars
                        .filter { $0.value > 0x20 }.map(String.init).joined().lowercased()
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        #expect(!url.hasPrefix(scheme), "\(path): <\(tag.name) \(name)=\"\(value)\">")
                    }
                    if name == "src" {
                        #expect(!url.contains("//"), "\(path): <\(tag.name) src=\"\(value)\"> loads from outside the site")
                    }
                }
            }
            #expect(!html.contains("<script>" + Self.marker), "\(path)")
        }
        #expect(pages > 15)
    }

    @Test func payloadsLandEscapedInTextAttributesAndSVG() throws {
        let site = try Self.site.get()
        let page = try #require(site["incidents/EVIL-1.html"])
        // HTML text: the title in the heading, a service, a fix's owner.
        #expect(page.contains("&lt;script&gt;window.__xss=&#39;title&#39;&lt;/script&gt;"))
        #expect(page.contains("&lt;img src=x onerror=window.__xss=&#39;owner&#39;&gt;"))
        // Attributes: the title attribute or meta description carries quotes escaped.
        #expect(page.contains("&quot;&#39;&gt;&lt;img src=https://evil.example/t.png"))
        // The remote image is a link to it, not an image.
        #expect(page.contains("<a href=\"https://evil.example/remote.png\">remote</a>"))
        // Inline SVG on the trends page: the hostile category label is text.
        let trends = try #require(site["trends.html"])
        #expect(trends.contains("<svg"))
        #expect(trends.contains("&lt;/script&gt;&lt;script&gt;window.__xss=&#39;category-en&#39;"))
        // Configuration values: the site title in every page's <title>.
        let index = try #require(site["index.html"])
        #expect(index.contains("<title>") && index.contains("KB&lt;/title&gt;&lt;script&gt;"))
    }

    @Test func theSearchIndexIsInertInsideAScriptAndDecodesToTheSameText() throws {
        let site = try Self.site.get()
        let scripts = site.filter { $0.key == "data/search-index.js" || $0.key.hasPrefix("data/search/") }
        #expect(scripts.count >= 3)
        for (path, script) in scripts {
            #expect(!script.contains("</"), "\(path): no '</script>' can end an inline script")
            #expect(!script.contains("<!--"), "\(path)")
        }
        // Each chunk of documents: POSTMORTEM_SEARCH_DOCS(n,[[url, id, title, …], …]);
        var titles: [String] = []
        for (path, script) in scripts where path.hasPrefix("data/search/docs-") {
            let json = script.drop { $0 != "," }.dropFirst().dropLast(3)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]], "\(path)")
            titles += rows.map { $0[2] }
        }
        #expect(titles.contains("<script>window.__xss='title'</script>\"'><img src=https://evil.example/t.png onerror=window.__xss='title-img'>"))
        #expect(titles.contains("障害<script>window.__xss='ja-title'</script>テスト"))
    }

    @Test func scriptSafeJSONEscapesOnlyWhatBreaksOut() {
        var json = JSONWriter(scriptSafe: true)
        json.strings(["</script><!--&\u{2028}\u{2029}é—"])
        let safe = String(decoding: json.bytes, as: UTF8.self)
        #expect(safe == "[\"\\u003C/script\\u003E\\u003C!--\\u0026\\u2028\\u2029é—\"]")
        let decoded = try? JSONSerialization.jsonObject(with: Data(safe.utf8)) as? [String]
        #expect(decoded == ["</script><!--&\u{2028}\u{2029}é—"])
    }

    @Test func remoteImagesBecomeLinksToThem() throws {
        let p = try #require(postmortem("---\nid: A\n---\n![graph](https://x.example/g.png \"T\") ![](//cdn.example/p.gif) ![ok](data:image/png;base64,iVBO)\n"))
        #expect(p.body.html == "<p><a href=\"https://x.example/g.png\" title=\"T\">graph</a> "
            + "<a href=\"//cdn.example/p.gif\">//cdn.example/p.gif</a> <img src=\"data:image/png;base64,iVBO\" alt=\"ok\" /></p>\n")
        let table = try #require(postmortem("---\nid: B\n---\n| a | b |\n|---|---|\n| ![pixel](https://x.example/t.gif) | x |\n"))
        #expect(table.body.html.contains("<a href=\"https://x.example/t.gif\">pixel</a>"), "\(table.body.html)")
        #expect(!table.body.html.contains("<img"))
    }

    @Test func baseURLMustBeAWebAddress() {
        let loaded = ConfigurationLoader.load(SourceFile(path: "postmortem.yml", text: "title: KB\nbase_url: javascript:alert(1)//\n"))
        #expect(loaded.diagnostics.map { "\($0.location): \($0.severity): \($0.message)" }
            == ["postmortem.yml:2:11: error: 'base_url' must start with https:// or http://, not 'javascript:alert(1)//'"])
        #expect(loaded.configuration.baseURL == nil)
    }

    /// Collects the text of every `<title>` of an Atom feed.
    final class TitleCollector: NSObject, XMLParserDelegate {
        var titles: [String] = []
        var current: String?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "title" { current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title", let current { titles.append(current) }
            current = nil
        }
    }

    @Test func theAtomFeedIsWellFormedAndHoldsThePayloadsAsText() throws {
        let site = try Self.site.get()
        let feed = try #require(site["feed.xml"])
        let parser = XMLParser(data: Data(feed.utf8))
        let collector = TitleCollector()
        parser.delegate = collector
        #expect(parser.parse(), "feed.xml is well-formed XML: \(String(describing: parser.parserError))")
        #expect(collector.titles.contains("KB</title><script>window.__xss='config-title'</script><!--"))
        #expect(collector.titles.contains("障害<script>window.__xss='ja-title'</script>テスト"))
        #expect(!feed.contains("<script>"))
    }

    @Test func csvCellsNeverStartAFormula() throws {
        let site = try Self.site.get()
        for name in ["data/incidents.csv", "data/metrics.csv"] {
            let csv = try #require(site[name])
            for cell in Self.csvCells(csv) {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains { cell.hasPrefix($0) } || Double(cell) != nil,
                        "\(name): a cell starts a formula: \(cell)")
            }
        }
        let incidents = Self.csvCells(try #require(site["data/incidents.csv"]))
        #expect(incidents.contains("'=HYPERLINK(\"https://evil.example\",\"x\")"), "defused with a leading '")
        #expect(incidents.contains("'@SUM(1+1)"))
        #expect(incidents.contains("'-2+3"))
    }

    /// Every cell of an RFC 4180 file (quoted cells unquoted).
    static func csvCells(_ csv: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var scalars = csv.unicodeScalars.makeIterator()
        var pendingQuote = false
        while let s = scalars.next() {
            if quoted {
                if pendingQuote {
                    pendingQuote = false
                    if s == "\"" { cell.unicodeScalars.append(s); continue }
                    quoted = false
                } else if s == "\"" {
                    pendingQuote = true
                    continue
                } else {
                    cell.unicodeScalars.append(s)
                    continue
                }
            }
            switch s {
            case "\"" where cell.isEmpty: quoted = true
            case ",", "\n": cells.append(cell); cell = ""
            case "\r", "\u{FEFF}": break
            default: cell.unicodeScalars.append(s)
            }
        }
        if !cell.isEmpty { cells.append(cell) }
        return cells
    }
}
