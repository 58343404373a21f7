import Foundation
import Testing
@testable import PostmortemKit

/// A build depends on the clock only through `--now` (what is overdue,
/// what "today" is, the trend windows): two builds of the same input at
/// different wall-clock times with the same `--now` are byte-identical.
@Suite struct DeterminismTests {
    func site(now: Date) throws -> [String: Data] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-determinism-\(UUID().uuidString)")
        defer { FileManager.default.removeSite(at: out) }
        let result = try Build.run(Build.Options(
            sourceFolder: packageRoot.appendingPathComponent("postmortems").path, outputFolder: out.path,
            configurationPath: packageRoot.appendingPathComponent("postmortem.yml").path, templatesFolder: nil, now: now))
        #expect(result.check.errorCount == 0)
        var files: [String: Data] = [:]
        let root = out.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                files[relative] = FileManager.default.contents(atPath: root + "/" + relative)
            }
        }
        return files
    }

    @Test func buildsAtDifferentWallTimesWithTheSameNowAreByteIdentical() async throws {
        let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z
        let first = try site(now: now)
        // Past a second boundary, so any second-resolution clock read would differ.
        try await Task.sleep(for: .milliseconds(1_500))
        let second = try site(now: now)
        #expect(first.count > 100)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (path, bytes) in first.sorted(by: { $0.key < $1.key }) {
            #expect(second[path] == bytes, "\(path) differs between two builds with the same --now")
        }
        // The check can tell: a later --now changes what is overdue and the trend windows.
        let later = try site(now: now.addingTimeInterval(400 * 86_400))
        let changed = first.keys.filter { later[$0] != first[$0] }
        #expect(changed.contains("action-items.html") && changed.contains("trends.html"), "\(changed.sorted())")
    }
}
