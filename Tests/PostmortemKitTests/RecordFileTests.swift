import Foundation
import Testing
@testable import PostmortemKit

/// `RecordFile`: a data file whose records are copied from the last build's
/// file by key, and made only when their key is new.
@Suite struct RecordFileTests {
    /// The last build's site in memory (its files and their stamps), and the new one.
    final class Site: KeepingSink, @unchecked Sendable {
        var previous: [String: [UInt8]] = [:]
        var made: [String: [UInt8]] = [:]

        static func stamp(_ bytes: [UInt8]) -> FileIO.Stamp {
            FileIO.Stamp(size: Int64(bytes.count), modified: 1, inode: 7, isRegularFile: true)
        }

        func put(_ path: String, _ bytes: [UInt8]) throws { made[path] = bytes }
        func copy(_ path: String, from source: String) throws {}
        func keep(_ path: String, stamp: FileIO.Stamp) throws -> Bool {
            guard let bytes = previousBytes(path, stamp: stamp) else { return false }
            made[path] = bytes
            return true
        }
        func hasPrevious(_ path: String, stamp: FileIO.Stamp) -> Bool { previousBytes(path, stamp: stamp) != nil }
        func previousBytes(_ path: String, stamp: FileIO.Stamp) -> [UInt8]? {
            previous[path].flatMap { Self.stamp($0) == stamp ? $0 : nil }
        }

        /// The next build's site: this one's files as the previous ones, and a memo that knows
        /// their keys (the digest of their bytes, as `RecordFile` keys a file) and stamps.
        func next() -> (Site, RenderMemo) {
            let site = Site()
            site.previous = made
            let entries = made.mapValues { RenderMemo.Entry(key: $0.withUnsafeBytes(BodyText.digest), stamp: Self.stamp($0)) }
            return (site, RenderMemo(global: 0, previous: entries))
        }
    }

    static let path = "data/records.txt"

    func put(_ keys: [UInt64], into site: Site, memo: RenderMemo, digests file: URL, _ record: @escaping (Int) -> String) throws
        -> RecordFile.Counts {
        let kept = DigestMemo(file: file, name: "records")
        defer { kept.finish() }
        return try RecordFile.put(Self.path, keys: keys, head: Array("[".utf8), separator: Array(",".utf8), tail: Array("]".utf8),
                                  memo: kept, into: MemoizedSink(sink: site, memo: memo)) { Array(record($0).utf8) }
    }

    @Test func onlyTheRecordsOfNewKeysAreMade() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-records-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let memoFile = folder.appendingPathComponent("records.memo")
        let first = Site()
        let made = try put([10, 20, 30], into: first, memo: RenderMemo(global: 0), digests: memoFile) { "old\($0)" }
        #expect(made == RecordFile.Counts(made: 3, copied: 0))
        #expect(first.made[Self.path] == Array("[old0,old1,old2]".utf8))

        // Key 20 is gone, 40 is new, 30 moved to the front: two records copied, one made.
        let (second, memo) = first.next()
        let next = try put([30, 40, 10], into: second, memo: memo, digests: memoFile) { "new\($0)" }
        #expect(next == RecordFile.Counts(made: 1, copied: 2))
        #expect(second.made[Self.path] == Array("[old2,new1,old0]".utf8))

        // The same keys again: every record copied, and the file kept as it was.
        let (third, same) = second.next()
        #expect(try put([30, 40, 10], into: third, memo: same, digests: memoFile) { _ in "unused" } == RecordFile.Counts(made: 0, copied: 3))
        #expect(third.made[Self.path] == second.made[Self.path])
        #expect(same.madePaths.isEmpty, "the file was kept, not made")
    }

    @Test func aFileChangedSinceItWasWrittenIsNotCopiedFrom() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-records-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let memoFile = folder.appendingPathComponent("records.memo")
        let first = Site()
        _ = try put([1, 2], into: first, memo: RenderMemo(global: 0), digests: memoFile) { "old\($0)" }
        // The same size and stamp, other bytes: the digest the memo kept tells them apart.
        first.made[Self.path] = Array("[odd0,old1]".utf8)
        let (second, memo) = first.next()
        let counts = try put([1, 2], into: second, memo: memo, digests: memoFile) { "new\($0)" }
        #expect(counts == RecordFile.Counts(made: 2, copied: 0))
        #expect(second.made[Self.path] == Array("[new0,new1]".utf8))

        // No memo of the last build (its cache gone): every record made.
        try FileManager.default.removeItem(at: memoFile)
        let (third, fresh) = second.next()
        #expect(try put([1, 2], into: third, memo: fresh, digests: memoFile) { "again\($0)" } == RecordFile.Counts(made: 2, copied: 0))
    }
}
