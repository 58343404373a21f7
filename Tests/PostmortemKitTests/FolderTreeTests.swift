import Foundation
import Testing
@testable import PostmortemKit

/// The swap looks at the site in place twice: once before the new site goes
/// in, and again, for files a user put there meanwhile, before the old one
/// goes. The second look reads again only the folders whose change time moved
/// since the first, or that changed too close to it to tell.
@Suite struct FolderTreeTests {
    let root: URL
    /// A folder beside the tree whose times are set to read the file system's clock.
    let clock: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-tree-\(UUID().uuidString)")
        clock = root.path + "-clock"
        try FileManager.default.createDirectory(atPath: clock, withIntermediateDirectories: true)
        for path in ["index.html", "incidents/a.html", "incidents/b.html", "pdfs/2024/review.pdf", "causes/x.html"] {
            try write(path)
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
    }

    func write(_ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(path.utf8).write(to: url)
    }

    /// Files and empty folders, as sets: a look lists them in no particular order.
    func contents(_ tree: FileIO.Tree) -> (files: Set<String>, empty: Set<String>) {
        (Set(tree.files()), Set(tree.emptyFolders()))
    }

    /// The file system's time, once its clock has moved on from every change so far.
    func nextTick() -> Int64 {
        let start = FileIO.fileSystemTime(touching: clock)
        var now = start
        while now == start {
            usleep(1_000)
            now = FileIO.fileSystemTime(touching: clock)
        }
        return now
    }

    func removeAll() {
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.removeItem(atPath: clock)
    }

    @Test func aSecondLookFindsEveryChangeAndReadsOnlyTheFoldersThatChanged() throws {
        defer { removeAll() }
        let reference = nextTick()
        let first = FileIO.tree(root.path)
        #expect(contents(first).files == ["index.html", "incidents/a.html", "incidents/b.html", "pdfs/2024/review.pdf", "causes/x.html"])
        #expect(contents(first).empty == ["empty"])

        // Nothing changed: every folder is taken as it was.
        let same = FileIO.tree(root.path, earlier: first, readBefore: reference)
        #expect(contents(same) == contents(first))
        #expect(same.folders.count == 6 && same.folders.values.allSatisfy { !$0.isRead })

        // A file added to a folder, one removed, a new folder with a file, a file in the empty folder.
        try write("incidents/notes.txt")
        try FileManager.default.removeItem(at: root.appendingPathComponent("pdfs/2024/review.pdf"))
        try write("mine/deep/list.txt")
        try write("empty/now.txt")
        let second = FileIO.tree(root.path, earlier: first, readBefore: reference)
        let fresh = FileIO.tree(root.path)
        #expect(contents(second) == contents(fresh))
        #expect(contents(second).files.contains("incidents/notes.txt") && contents(second).files.contains("mine/deep/list.txt"))
        #expect(!contents(second).files.contains("pdfs/2024/review.pdf") && contents(second).empty == ["pdfs/2024"])
        #expect(second.folders.filter(\.value.isRead).keys.sorted() == ["", "empty", "incidents", "mine", "mine/deep", "pdfs/2024"])

        // Without a reference, or with one before the folders last changed, everything is read.
        #expect(FileIO.tree(root.path, earlier: first).folders.values.allSatisfy { $0.isRead })
        #expect(FileIO.tree(root.path, earlier: first, readBefore: .min).folders.values.allSatisfy { $0.isRead })
    }

    /// A folder that changed at or after the time the first look began may
    /// change again within the same tick of the file system's clock, which
    /// its change time would not show: the second look reads it again.
    @Test func aFolderThatChangedAfterTheReferenceIsReadAgain() throws {
        defer { removeAll() }
        let reference = nextTick()
        try write("incidents/c.html")  // after the reference, before the first look
        let first = FileIO.tree(root.path)
        let second = FileIO.tree(root.path, earlier: first, readBefore: reference)
        #expect(second.folders["incidents"]?.isRead == true)
        #expect(second.folders["pdfs/2024"]?.isRead == false)
        // A clock read on another file system is none to compare with.
        #expect(FileIO.fileSystemTime(touching: clock, for: root.path) > .min)
        #expect(FileIO.fileSystemTime(touching: clock, for: "/proc") == .min)
    }

    /// The swap's second look carries only what is in the folders it read:
    /// the user's files of the others went with the first.
    @Test func theLastLookCarriesOnlyWhatIsInTheFoldersItRead() throws {
        defer { removeAll() }
        try write("pdfs/own-notes.txt")
        let reference = nextTick()
        let own: Set<String> = ["index.html", "incidents/a.html", "incidents/b.html", "causes/x.html"]
        let first = FileIO.tree(root.path)
        #expect(SiteManifest.userEntries(in: first, own: own)
            == SiteManifest.UserEntries(files: ["pdfs/2024/review.pdf", "pdfs/own-notes.txt"], emptyFolders: ["empty"]))
        try write("incidents/late.txt")
        let second = FileIO.tree(root.path, earlier: first, readBefore: reference)
        #expect(SiteManifest.userEntries(in: second, own: own, readOnly: true)
            == SiteManifest.UserEntries(files: ["incidents/late.txt"], emptyFolders: []))
        #expect(SiteManifest.userEntries(in: second, own: own)
            == SiteManifest.UserEntries(files: ["incidents/late.txt", "pdfs/2024/review.pdf", "pdfs/own-notes.txt"], emptyFolders: ["empty"]))
    }
}
