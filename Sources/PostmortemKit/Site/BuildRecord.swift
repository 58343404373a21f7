import Foundation
import Glibc

/// What a build leaves in a hidden cache folder beside the output
/// (`.<out>.postmortem-cache/build.record`, never inside the site, which gets
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
struct BuildRecord: Sendable {
    /// Bumped whenever the record or the site's making changes in a way the
    /// tool's stamp would not show (4: the configuration's digest is
    /// `SourceFile.Contents.digest`, no longer FNV-1a). A record of another
    /// format is not read: the next build is a full one. (The fingerprint
    /// with change times needs no new format: an old record's fingerprint
    /// simply no longer matches.)
    static let format = 4
    static let file = "build.record"

    /// The cache folder of the site in `output`: `_site` → `._site.postmortem-cache` beside it.
    static func cacheFolder(of output: String) -> URL {
        let target = URL(fileURLWithPath: output).standardizedFileURL
        return target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).postmortem-cache")
    }

    /// What the build reported, and the digest of what it was made from.
    struct Summary: Codable, Sendable, Equatable {
        var fingerprint: String
        var pages: Int
        var filesWritten: Int
        var fileCount: Int
        var skipped: [String]
        var diagnostics: [Diagnostic]
    }

    /// A file of the site (the cache and the marker aside): its stamp, and
    /// for a page the key of what it was made from (`RenderMemo`).
    struct SiteFile: Sendable, Equatable {
        var path: String
        var stamp: FileIO.Stamp
        var pageKey: UInt64?
    }

    var summary: Summary
    /// Every file of the site, in UTF-8 order of their paths.
    var files: [SiteFile]

    /// `order`: the site's paths in UTF-8 order, when known (`Staging.placedInOrder`).
    init(summary: Summary, site: [String: FileIO.Stamp], pageKeys: [String: UInt64], order: [String]? = nil) {
        self.summary = summary
        files = (order ?? site.keys.sortedByUTF8()).compactMap { path in
            site[path].map { SiteFile(path: path, stamp: $0, pageKey: pageKeys[path]) }
        }
    }

    init(summary: Summary, files: [SiteFile]) {
        self.summary = summary
        self.files = files
    }

    /// The paths of the site's files.
    var sitePaths: Set<String> { Set(files.lazy.map(\.path)) }

    /// The last build's pages, for the next build's memo: each page's key and its file's stamp.
    var memoEntries: [String: RenderMemo.Entry] {
        var entries: [String: RenderMemo.Entry] = [:]
        entries.reserveCapacity(files.count)
        for file in files {
            guard let key = file.pageKey else { continue }
            entries[file.path] = RenderMemo.Entry(key: key, stamp: file.stamp)
        }
        return entries
    }

    /// The tool's stamp: a new build of the tool makes a full build.
    static let toolStamp = toolStamp(
        executable: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? "")

    /// The programs of the tool, built from the same sources and installed
    /// side by side: `serve` hands over to `postmortem-serve`.
    static let programs = ["postmortem", "postmortem-serve"]

    /// The stamp of the running `executable`: for either of the tool's two
    /// programs, the stamps of both (so a site `build` made is up to date for
    /// `serve`, and a new build of either program makes a full build for
    /// both); for any other executable, its own stamp (its path when it has none).
    static func toolStamp(executable: String) -> String {
        let name = (executable as NSString).lastPathComponent
        guard programs.contains(name) else { return FileIO.stamp(executable).map(\.description) ?? executable }
        let folder = (executable as NSString).deletingLastPathComponent
        return programs.map { program in "\(program) " + (FileIO.stamp(folder + "/" + program).map(\.description) ?? "none") }
            .joined(separator: ", ")
    }

    /// What every page depends on besides the postmortems: the tool, the
    /// configuration, the theme and the day overdue items are counted from.
    static func globalKey(configurationFile: SourceFile?, theme: Theme, today: CalendarDate) -> UInt64 {
        StableHasher.digest { hasher in
            hasher.combine("postmortem-kb pages \(format)")
            hasher.combine(toolStamp)
            hasher.combine(configurationDigest(configurationFile))
            hasher.combine(theme.digest)
            hasher.combine("\(today)")
        }
    }

    /// The digest of everything a build's output depends on: the tool, the
    /// day, the configuration, and the path and stamp of every file of the
    /// source and template folders (with its change time), in hexadecimal.
    ///
    /// A stamp tells a file from its earlier self only when the file was not
    /// written again within the same tick of the file system's clock: two
    /// saves of the same size a few milliseconds apart (or on a file system
    /// that keeps whole seconds) can leave the same times. As git does with
    /// "racily clean" files, a listing in which some file changed less than
    /// `options.racyWindow` before it began gets a fingerprint no later build
    /// makes, so the next build reads the files (through the load cache)
    /// instead of trusting their stamps. (A file dated in the future keeps
    /// every build reading the files, as it should.)
    static func fingerprint(options: Build.Options, configurationFile: SourceFile?, today: CalendarDate,
                            listing: SourceDiscovery.Listing, templates: SourceDiscovery.Listing?) -> String {
        let listedAt = wallClockNanoseconds()
        // Measured from when each listing began: a file written in the same
        // tick as its stamp, after the walk looked at it, is then caught
        // however long the walk took.
        let racy = [listing, templates].contains { listing in
            guard let listing else { return false }
            return listing.files.contains { isRacy(modified: $0.stamp.modified, changed: $0.stamp.changed,
                                                       listedAt: listing.startedAt, window: options.racyWindow) }
        }
        let digest = StableHasher.digest { hasher in
            if racy { hasher.combine("racy \(listedAt)") }
            hasher.combine("postmortem-kb build \(format)")
            hasher.combine(toolStamp)
            hasher.combine("\(today)")
            hasher.combine(listing.root.path)
            hasher.combine(configurationDigest(configurationFile))
            func files(_ listing: SourceDiscovery.Listing) {
                hasher.combine(listing.files.count)
                for (path, stamp) in listing.files {
                    hasher.combine(path)
                    hasher.combine(stamp)
                    hasher.combine(UInt64(bitPattern: stamp.changed))
                }
            }
            files(listing)
            hasher.combine(templates?.root.path)
            if let templates { files(templates) }
        }
        return StableHasher.hex(digest)
    }

    /// How recent a change makes a listing racy (see `fingerprint`): two
    /// seconds, the coarsest clock of the file systems a team may keep
    /// postmortems on (FAT); Linux's own keep a few milliseconds at most.
    static let racyWindow: Int64 = 2_000_000_000

    /// Whether a file modified and changed at these times may have been
    /// written again, unseen, after a listing that began at `listedAt` looked
    /// at it: it changed less than `window` before that listing began.
    static func isRacy(modified: Int64, changed: Int64, listedAt: Int64, window: Int64) -> Bool {
        max(modified, changed) >= listedAt - window
    }

    /// The wall clock, in nanoseconds since 1970, as file times count.
    static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.nanoseconds
    }

    /// The configuration file's path and the digest of its contents ("none" without one).
    static func configurationDigest(_ configurationFile: SourceFile?) -> String {
        guard let configurationFile else { return "none" }
        return "\(configurationFile.path) \(StableHasher.hex(configurationFile.contents.digest))"
    }

    /// The record of the site in `output`, when there is one this version can read.
    static func read(from output: String) -> BuildRecord? {
        FileIO.read(cacheFolder(of: output).appendingPathComponent(file).path).flatMap(decode)
    }

    /// The files of the site in `output` that its record says the build
    /// wrote, for a site whose marker lists none (versions before the
    /// list): from this version's record, else from the JSON record
    /// (`build.json`) those versions wrote, whatever its format, since its
    /// list of files still means the same. Without it the user's files in
    /// such a site would be taken for the tool's.
    static func siteFiles(from output: String) -> Set<String>? {
        if let record = read(from: output) { return record.sitePaths }
        let path = cacheFolder(of: output).appendingPathComponent(legacyFile).path
        guard let bytes = FileIO.read(path),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let site = object["site"] as? [String: Any] else { return nil }
        return Set(site.keys)
    }

    /// The record of versions before format 3 (JSON).
    static let legacyFile = "build.json"

    /// Whether every file of the site is still the one the build wrote.
    func siteIsIntact(in output: String) -> Bool {
        let root = URL(fileURLWithPath: output).standardizedFileURL.path
        guard FileIO.stamp(root + "/" + SiteWriter.markerName) != nil else { return false }
        // Tens of thousands of stats at 10,000 postmortems: on every core.
        return zip(FileIO.stamps(files.map(\.path), in: root), files).allSatisfy { $0 == $1.stamp }
    }

    /// Saves the record for the site in `output`: written aside, then renamed
    /// over the old one, so a build killed meanwhile leaves the old record,
    /// which no longer matches the site and is ignored.
    func save(for output: String) throws {
        let folder = Self.cacheFolder(of: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileIO.replace(try encoded(), at: folder.appendingPathComponent(Self.file).path)
        // The JSON record of versions before format 3: `siteFiles` reads it only while this record is missing.
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(Self.legacyFile))
    }
}
