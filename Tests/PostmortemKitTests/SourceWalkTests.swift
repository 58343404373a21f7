import Foundation
import Glibc
import Testing
@testable import PostmortemKit

/// The walk of the source folder never drops a file without a word: a
/// name that is not UTF-8, a folder it cannot list and a file it cannot
/// `stat` each give a diagnostic that says what to do.
@Suite struct SourceWalkTests {
    func temporaryFolder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// Creates the file or folder whose name is these raw bytes (POSIX calls: Foundation cannot spell such names).
    func create(_ parent: URL, _ name: [UInt8], folder: Bool = false) throws {
        let path = Array(parent.path.utf8) + [0x2F] + name + [0]
        let made = path.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer -> Bool in
                if folder { return mkdir(pointer, 0o755) == 0 }
                let fd = open(pointer, O_CREAT | O_WRONLY | O_EXCL, 0o644)
                guard fd >= 0 else { return false }
                _ = write(fd, "# Lost?\n", 8)
                return close(fd) == 0
            }
        }
        try #require(made, "cannot create \(name)")
    }

    @Test func aNameThatIsNotUTF8IsAnErrorNotASilentSkip() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("# Fine\n".utf8).write(to: root.appendingPathComponent("fine.md"))
        try create(root, Array("2024-".utf8) + [0x83, 0x5E] + Array(".md".utf8))  // Shift_JIS, not UTF-8
        try create(root, Array("diagram-".utf8) + [0xFF] + Array(".png".utf8))
        try create(root, Array("caf".utf8) + [0xE9], folder: true)  // Latin-1 'café'
        try Data("# Inside\n".utf8).write(to: URL(fileURLWithPath: root.path + "/caf\u{FFFD}-is-not-it.md"))
        let listing = try SourceDiscovery.list(in: root.path)
        #expect(listing.markdown == ["caf\u{FFFD}-is-not-it.md", "fine.md"], "the readable names are listed")
        let note = "rename it with a UTF-8 name (\\xNN above stands for a byte that is not UTF-8): mv, or convmv -f SHIFT_JIS -t UTF-8 --notest"
        #expect(listing.diagnostics == [
            Diagnostic(.error, .fileNameNotUTF8, at: SourceLocation(file: root.path + "/2024-\\x83^.md", line: 1, column: 1),
                       "file name is not valid UTF-8; the file is left out", notes: [note]),
            Diagnostic(.error, .fileNameNotUTF8, at: SourceLocation(file: root.path + "/caf\\xE9", line: 1, column: 1),
                       "folder name is not valid UTF-8; the folder is left out", notes: [note]),
            Diagnostic(.warning, .fileNameNotUTF8, at: SourceLocation(file: root.path + "/diagram-\\xFF.png", line: 1, column: 1),
                       "file name is not valid UTF-8; the file is left out", notes: [note]),
        ])
        // A build stops on it: a postmortem never vanishes from the site without a word.
        let out = root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + "-site")
        defer { FileManager.default.removeSite(at: out) }
        let result = try Build.run(Build.Options(sourceFolder: root.path, outputFolder: out.path, configurationPath: nil,
                                                 templatesFolder: nil, now: Date(timeIntervalSince1970: 1_764_547_200)))
        #expect(result.written == nil && result.check.diagnostics.contains { $0.code == .fileNameNotUTF8 && $0.severity == .error })
    }

    /// Runs `body` with the file-system rights of `nobody` on this thread
    /// (setfsuid(2)) when the tests run as root, who may read anything.
    func withoutRootsRights<T>(_ body: () throws -> T) throws -> T {
        guard geteuid() == 0 else { return try body() }
        typealias SetFSUID = @convention(c) (UInt32) -> Int32
        let symbol = try #require(dlsym(dlopen(nil, RTLD_NOW), "setfsuid"))
        let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
        _ = setfsuid(65534)
        defer { _ = setfsuid(0) }
        return try body()
    }

    @Test func aFolderOrFileThatCannotBeReadIsAnError() throws {
        let root = try temporaryFolder()
        let locked = root.appendingPathComponent("locked"), listOnly = root.appendingPathComponent("list-only")
        defer {
            chmod(locked.path, 0o755)
            chmod(listOnly.path, 0o755)
            try? FileManager.default.removeItem(at: root)
        }
        for folder in [locked, listOnly] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("# Hidden away\n".utf8).write(to: folder.appendingPathComponent("a.md"))
            try Data([0x89]).write(to: folder.appendingPathComponent("b.png"))
        }
        try Data("# Fine\n".utf8).write(to: root.appendingPathComponent("fine.md"))
        chmod(locked.path, 0o000)  // cannot be listed
        chmod(listOnly.path, 0o444)  // listed, but its entries cannot be stat'ed
        let listing = try withoutRootsRights { try SourceDiscovery.list(in: root.path) }
        #expect(listing.markdown == ["fine.md"])
        let note = "let the user running postmortem read it (chmod), or move it out of the source folder"
        func at(_ path: String) -> PostmortemKit.SourceLocation { SourceLocation(file: root.path + "/" + path, line: 1, column: 1) }
        #expect(listing.diagnostics == [
            Diagnostic(.error, .fileUnreadable, at: at("list-only/a.md"),
                       "cannot read the file's state: Permission denied; the file is left out", notes: [note]),
            Diagnostic(.warning, .fileUnreadable, at: at("list-only/b.png"),
                       "cannot read the file's state: Permission denied; the file is left out", notes: [note]),
            Diagnostic(.error, .fileUnreadable, at: at("locked"),
                       "cannot read the folder: Permission denied; the folder and everything in it is left out", notes: [note]),
        ])
    }
}
