import Foundation
import Glibc

/// What a build leaves in a hidden cache folder beside the output
/// (`.<out>.postmortem-cache/build.json`, never inside the site, which gets
/// published) so the next build can tell that nothing changed without
/// reading a postmortem: the fingerprint of
/// everything the site is made from, what the build reported, and the stamp
/// of every file it wrote.
///
/// The fingerprint holds the tool (its executable's stamp), the options,
/// the configuration's bytes, the stamp of every file of the source folder
/// and of the template folder, and the day the site counts overdue items
/// from. When it is unchanged and every file of the site still has the
/// stamp it was written with, the site is what a full build would write.
struct BuildRecord: Codable, Sendable {
    /// Bumped whenever the record or the site's making changes in a way the tool's stamp would not show.
    static let format = 2
    static let file = "build.json"

    /// The cache folder of the site in `output`: `_site` → `._site.postmortem-cache` beside it.
    static func cacheFolder(of output: String) -> URL {
        let target = URL(fileURLWithPath: output).standardizedFileURL
        return target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).postmortem-cache")
    }

    var format: Int
    var fingerprint: String
    var pages: Int
    var filesWritten: Int
    var fileCount: Int
    var skipped: [String]
    var diagnostics: [Diagnostic]
    /// Site path → stamp, for every file of the site (the cache and the marker aside).
    var site: [String: FileIO.Stamp]
    /// Page path → the key of what it was made from (`RenderMemo`), in hexadecimal.
    var pageKeys: [String: String]

    /// The last build's pages, for the next build's memo: each page's key and its file's stamp.
    var memoEntries: [String: RenderMemo.Entry] {
        var entries: [String: RenderMemo.Entry] = [:]
        entries.reserveCapacity(pageKeys.count)
        for (path, hex) in pageKeys {
            guard let key = UInt64(hex, radix: 16), let stamp = site[path] else { continue }
            entries[path] = RenderMemo.Entry(key: key, stamp: stamp)
        }
        return entries
    }

    /// What every page depends on besides the postmortems: the tool, the
    /// configuration, the theme and the day overdue items are counted from.
    static func globalKey(configurationFile: SourceFile?, theme: Theme, today: CalendarDate) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine("postmortem-kb pages \(format)")
            hasher.combine(FileIO.stamp("/proc/self/exe").map(\.description) ?? CommandLine.arguments.first ?? "")
            hasher.combine(configurationDigest(configurationFile))
            hasher.combine(theme.digest)
            hasher.combine("\(today)")
        }
    }

    /// The canonical text of everything a build's output depends on.
    static func fingerprint(options: Build.Options, configurationFile: SourceFile?, today: CalendarDate,
                            listing: SourceDiscovery.Listing, templates: SourceDiscovery.Listing?) -> String {
        var lines = ["postmortem-kb build \(format)"]
        lines.append("tool \(FileIO.stamp("/proc/self/exe").map(\.description) ?? CommandLine.arguments.first ?? "")")
        lines.append("today \(today)")
        lines.append("source \(listing.root.path)")
        lines.append("configuration \(configurationDigest(configurationFile))")
        func files(_ listing: SourceDiscovery.Listing) {
            for path in listing.stamps.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                lines.append("  \(path)\t\(listing.stamps[path].map(\.description) ?? "")")
            }
        }
        files(listing)
        if let templates {
            lines.append("templates \(templates.root.path)")
            files(templates)
        } else {
            lines.append("templates none")
        }
        return lines.joined(separator: "\n")
    }

    /// The configuration file's path, size and digest ("none" without one).
    static func configurationDigest(_ configurationFile: SourceFile?) -> String {
        guard let configurationFile else { return "none" }
        let bytes: [UInt8] = switch configurationFile.contents {
        case let .bytes(bytes): bytes
        case let .tooLarge(size): Array("too large \(size)".utf8)
        case let .unreadable(reason): Array("unreadable \(reason)".utf8)
        }
        return "\(configurationFile.path) \(bytes.count) \(fnv1a(bytes))"
    }

    /// A 64-bit FNV-1a digest: enough to tell two configurations apart, never a security measure.
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// The record of the site in `output`, when there is one this version can read.
    static func read(from output: String) -> BuildRecord? {
        let path = cacheFolder(of: output).appendingPathComponent(file).path
        guard let bytes = FileIO.read(path),
              let record = try? JSONDecoder().decode(BuildRecord.self, from: Data(bytes)),
              record.format == format else { return nil }
        return record
    }

    /// Whether every file of the site is still the one the build wrote.
    func siteIsIntact(in output: String) -> Bool {
        let root = URL(fileURLWithPath: output).standardizedFileURL.path
        guard FileIO.stamp(root + "/" + SiteWriter.markerName) != nil else { return false }
        return site.allSatisfy { path, stamp in FileIO.stamp(root + "/" + path) == stamp }
    }

    /// Saves the record for the site in `output`: written aside, then renamed
    /// over the old one, so a build killed meanwhile leaves the old record,
    /// which no longer matches the site and is ignored.
    func save(for output: String) throws {
        let folder = Self.cacheFolder(of: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let temporary = folder.appendingPathComponent(".\(Self.file).\(ProcessInfo.processInfo.processIdentifier)")
        _ = try FileIO.write(Array(try encoder.encode(self)), to: temporary.path)
        guard rename(temporary.path, folder.appendingPathComponent(Self.file).path) == 0 else {
            throw FileIO.failure("cannot rename", temporary.path)
        }
    }
}
