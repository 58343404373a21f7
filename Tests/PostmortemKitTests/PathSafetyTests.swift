import Foundation
import Testing
@testable import PostmortemKit

/// Ids, cause keys, categories, services and tags name files of the site:
/// whatever an author writes, every file lands inside the output folder
/// under a name that Linux, macOS and Windows all accept, and no two names
/// share a file on a case-insensitive or normalising disk.
@Suite struct PathSafetyTests {
    /// Fragments attackers and accidents put in names.
    static let fragments = [
        "..", "../", "/", "\\", "..\\", "/etc/passwd", "C:\\Windows", "%2e%2e", "%2F", "\u{0}", "\u{1}", "\u{7F}",
        ".", " ", "\t", "\n", "CON", "prn", "Aux", "nul", "COM1", "lpt9", "com¹", ".html", ":", "*", "?", "\"", "<", ">", "|",
        "é", "e\u{301}", "Å", "A\u{30A}", "ǅ", "ß", "İ", "障害", "ｶﾅ", "\u{202E}", "\u{FEFF}", "\u{200B}", "😀", "~", "$", "#",
        "a", "Z", "0", "-", "_", String(repeating: "長", count: 120), String(repeating: "x", count: 99) + ".",
    ]

    /// A deterministic stream of hostile names (SplitMix64, fixed seed).
    static func hostileNames(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [String] {
        var state = seed
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        return (0..<count).map { _ in
            (0..<(1 + next() % 6)).map { _ in fragments[next() % fragments.count] }.joined()
        }
    }

    /// Characters no Windows file name may hold, besides control characters.
    static let forbiddenOnWindows = Set("<>:\"/\\|?*")

    /// Why `component` is not a safe file or folder name everywhere, or nil.
    static func problem(with component: String) -> String? {
        if component.isEmpty { return "empty" }
        if component == "." || component == ".." { return "a relative step" }
        if component.utf8.count > 255 { return "longer than 255 bytes" }
        if component.hasSuffix(".") || component.hasSuffix(" ") { return "ends with a dot or space" }
        if component.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "holds a control character" }
        if component.contains(where: { forbiddenOnWindows.contains($0) }) { return "holds a character Windows forbids" }
        let stem = component.prefix { $0 != "." }.lowercased()
        if ["con", "prn", "aux", "nul"].contains(stem) || (stem.count == 4 && ["com", "lpt"].contains(String(stem.prefix(3)))
            && stem.last.map({ $0.isNumber }) == true) { return "reserved by Windows" }
        if component != component.precomposedStringWithCanonicalMapping { return "not in NFC" }
        return nil
    }

    @Test func everyFileNameIsSafeEverywhere() {
        for name in Self.fragments + Self.hostileNames(count: 3_000) {
            let file = SitePaths.fileName(name)
            #expect(Self.problem(with: file) == nil, "\(name.debugDescription) → \(file.debugDescription): \(Self.problem(with: file) ?? "")")
            #expect(Self.problem(with: file + "-99.html") == nil)
            #expect(!file.hasPrefix(".") && !file.hasPrefix("-"), "\(file.debugDescription)")
            #expect(file.utf8.count <= SitePaths.maxBytes)
            #expect(SitePaths.fileName(file) == file, "a file name is its own file name: \(file.debugDescription)")
        }
    }

    @Test func hostileNamesBecomeTheseFiles() {
        let cases: [(String, String)] = [
            ("../../etc/passwd", "etc-passwd"), ("/absolute/path", "absolute-path"), ("a\u{0}b", "a-b"),
            ("%2e%2e/%2e%2e", "2e-2e-2e-2e"), ("..\\..\\boot.ini", "boot.ini"), ("CON", "CON_"), ("nul.txt", "nul_.txt"),
            ("com1", "com1_"), ("con-", "con_"), ("aux.", "aux_"), ("Lpt9.html", "Lpt9_.html"), ("console", "console"), ("name. ", "name"),
            (String(repeating: "a", count: 99) + ".b", String(repeating: "a", count: 99)), ("...", "untitled"),
            ("Cafe\u{301}", "Café"), ("障害 報告", "障害-報告"),
        ]
        for (name, expected) in cases {
            #expect(SitePaths.fileName(name) == expected, "\(name.debugDescription)")
        }
        let long = SitePaths.fileName(String(repeating: "障", count: 100))
        #expect(long == String(repeating: "障", count: 50), "cut to 150 bytes, not in the middle of a character")
    }

    @Test func urlPathsEscapeEachByteOutsideTheUnreservedSetAndKeepSlashes() {
        let cases: [(String, String)] = [
            ("incidents/INC-2024-00042.html", "incidents/INC-2024-00042.html"), ("a b/c.png", "a%20b/c.png"),
            ("files/障害.png", "files/%E9%9A%9C%E5%AE%B3.png"), ("a//b/", "a//b/"), ("~x_y.z", "~x_y.z"),
            ("100%/#?", "100%25/%23%3F"), ("", ""),
        ]
        for (path, expected) in cases {
            #expect(SitePaths.urlPath(path) == expected, "\(path.debugDescription)")
        }
    }

    @Test func windowsReservedStemsAreFoundWhateverFollowsThem() {
        for name in ["CON", "con.txt", "Nul.tar.gz", "COM1", "lpt9.html", "aux", "COM¹.txt", "lpt³"] { #expect(SitePaths.isWindowsReserved(name), "\(name)") }
        for name in ["console", "com10", "icon", "con_", "", ".con", "障害", "CON\u{301}", "nulé.txt"] {
            #expect(!SitePaths.isWindowsReserved(name), "\(name.debugDescription)")
        }
    }

    /// A postmortem whose every name is hostile.
    static func hostilePostmortem(_ index: Int, _ names: [String]) -> SourceFile {
        func yaml(_ text: String) -> String {
            "\"" + text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                default: scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FEFF}"
                    ? String(format: "\\u%04X", scalar.value) : String(scalar)
                }
            }.joined() + "\""
        }
        let pick = { (offset: Int) in names[(index * 5 + offset) % names.count] }
        return SourceFile(path: "pm\(index).md", text: """
            ---
            id: \(yaml(pick(0)))
            title: Hostile \(index)
            date: 2025-01-\(String(format: "%02d", index % 28 + 1))
            services: [\(yaml(pick(1))), \(yaml(pick(2)))]
            tags: [\(yaml(pick(3)))]
            cause: {category: \(yaml(pick(4))), key: \(yaml(pick(0) + pick(1)))}
            ---
            # Hostile \(index)
            """)
    }

    @Test func aSiteOfHostileNamesWritesOnlySafeDistinctPathsInsideIt() throws {
        let names = Self.fragments + Self.hostileNames(count: 400, seed: 7)
        let files = (0..<160).map { Self.hostilePostmortem($0, names) }
        let loaded = LoadStage.load(files, configuration: .default)
        #expect(loaded.postmortems.count == files.count, "hostile names are still names: \(loaded.diagnostics.prefix(3))")
        // Ids that would share a page are errors, and a build stops there; the pages still never escape.
        let plan = try SiteRenderer.render(loaded.postmortems, configuration: .default, theme: .builtIn,
                                           sourceFolder: "/tmp", now: Date(timeIntervalSince1970: 1_764_547_200))
        var seen: [String: String] = [:]
        for path in plan.files.keys.sorted() {
            #expect(!path.hasPrefix("/"), "\(path.debugDescription) is absolute")
            for component in path.split(separator: "/", omittingEmptySubsequences: false) {
                #expect(Self.problem(with: String(component)) == nil,
                        "\(path.debugDescription): \(Self.problem(with: String(component)) ?? "")")
            }
            let folded = path.precomposedStringWithCanonicalMapping.lowercased()
            #expect(seen[folded] == nil, "\(path.debugDescription) and \(seen[folded]?.debugDescription ?? "") are one file on macOS or Windows")
            seen[folded] = path
        }
        let groups = plan.files.keys.filter { path in ["causes/", "categories/", "services/", "tags/"].contains { path.hasPrefix($0) } }
        #expect(groups.count > 200, "the hostile names made many group pages")
    }

    @Test func idsThatDifferOnlyByCaseOrNormalisationAreCaught() {
        let loaded = LoadStage.load([
            SourceFile(path: "a.md", text: "---\nid: Café\n---\n# A\n"),
            SourceFile(path: "b.md", text: "---\nid: \"Cafe\u{301}\"\n---\n# B\n"),
            SourceFile(path: "c.md", text: "---\nid: CAFÉ\n---\n# C\n"),
            SourceFile(path: "d.md", text: "---\nid: con\n---\n# D\n"),
            SourceFile(path: "e.md", text: "---\nid: CON_\n---\n# E\n"),
        ], configuration: .default)
        #expect(loaded.diagnostics.filter { $0.code != .missingFields }.map { "\($0.location.file): \($0.code)" } == [
            "b.md: duplicate-id", "c.md: page-collision", "e.md: page-collision",
        ])
    }

    @Test func namesThatDifferOnlyByCaseOrNormalisationGetTheirOwnPages() throws {
        let p = try #require(postmortem("""
            ---
            id: INC-1
            services: ["Cafe\u{301}", CAFÉ, Café]
            tags: [CON, con, "con_"]
            ---
            """))
        let names = PageNames([p])
        // NFC and NFD spellings are one name (Swift compares strings canonically): one page.
        #expect(names.path(.services, "Café") == names.path(.services, "Cafe\u{301}"))
        #expect(Set([names.path(.services, "Café"), names.path(.services, "CAFÉ")]).count == 2)
        #expect(names.path(.tags, "CON") == "tags/CON_.html")
        #expect(names.path(.tags, "con") == "tags/con_-2.html")
        #expect(names.path(.tags, "con_") == "tags/con_-3.html")
    }
}

/// Symbolic links in the source folder are followed only inside it.
@Suite struct SymbolicLinkTests {
    @Test func linksLeadingOutsideAreNotFollowedAndSaySo() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-links-\(UUID().uuidString)")
        let source = base.appendingPathComponent("postmortems")
        let outside = base.appendingPathComponent("private")
        let manager = FileManager.default
        try manager.createDirectory(at: source.appendingPathComponent("2025"), withIntermediateDirectories: true)
        try manager.createDirectory(at: outside.appendingPathComponent("folder"), withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: base) }
        try Data("---\nid: SECRET\n---\n# secret\n".utf8).write(to: outside.appendingPathComponent("secret.md"))
        try Data("password".utf8).write(to: outside.appendingPathComponent("key.png"))
        try Data("---\nid: INNER\n---\n# inner\n".utf8).write(to: outside.appendingPathComponent("folder/inner.md"))
        try Data("---\nid: REAL\n---\n# real\n\n![key](key.png)\n".utf8).write(to: source.appendingPathComponent("2025/real.md"))
        try manager.createSymbolicLink(atPath: source.appendingPathComponent("secret.md").path, withDestinationPath: "../private/secret.md")
        try manager.createSymbolicLink(atPath: source.appendingPathComponent("2025/key.png").path,
                                       withDestinationPath: outside.appendingPathComponent("key.png").path)
        try manager.createSymbolicLink(atPath: source.appendingPathComponent("folder").path, withDestinationPath: outside.appendingPathComponent("folder").path)
        try manager.createSymbolicLink(atPath: source.appendingPathComponent("alias.md").path, withDestinationPath: "2025/real.md")
        try manager.createSymbolicLink(atPath: source.appendingPathComponent("dangling.md").path, withDestinationPath: "nowhere.md")

        let listing = try SourceDiscovery.list(in: source.path)
        #expect(listing.markdown == ["2025/real.md", "alias.md"], "a link inside the folder is followed")
        #expect(listing.assets.isEmpty)
        let resolvedOutside = try #require(SymbolicLinks.resolved(outside.path))
        #expect(listing.diagnostics.map { "\($0.location): \($0.severity): \($0.message)" } == [
            "\(source.path)/2025/key.png:1:1: warning: symbolic link leads outside the source folder (to '\(resolvedOutside)/key.png'); not followed",
            "\(source.path)/dangling.md:1:1: warning: symbolic link leads outside the source folder (to 'nowhere.md'); not followed",
            "\(source.path)/folder:1:1: warning: symbolic link leads outside the source folder (to '\(resolvedOutside)/folder'); not followed",
            "\(source.path)/secret.md:1:1: warning: symbolic link leads outside the source folder (to '\(resolvedOutside)/secret.md'); not followed",
        ])
        let check = try Check.run(folder: source.path, configurationFile: nil)
        #expect(check.diagnostics.count { $0.code == .symlinkOutsideSource } == 4)
        #expect(!check.load.postmortems.contains { $0.id == "SECRET" || $0.id == "INNER" })
        #expect(check.diagnostics.contains { $0.code == .brokenLink }, "the image behind the link is not published")
    }
}
