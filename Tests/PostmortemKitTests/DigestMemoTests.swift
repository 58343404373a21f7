import Foundation
import Testing
@testable import PostmortemKit

/// The per-postmortem work a build keeps for the next one (`DigestMemo`):
/// what is read back gives exactly what computing it again gives.
@Suite struct DigestMemoTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmkb-memo-\(UUID().uuidString)")

    func memo(_ name: String) -> DigestMemo { DigestMemo(file: folder.appendingPathComponent(name), name: name) }

    /// The sample and a generated knowledge base (English and Japanese), newest first as the site orders them.
    static let postmortems: [Postmortem] = {
        let sample = (try? Check.run(folder: packageRoot.appendingPathComponent("postmortems").path, configurationFile: nil))?
            .load.postmortems ?? []
        return sample + AnalysisReferenceTests.postmortems
    }()

    /// The same postmortems with some edited: a body's text, a title, a cause summary.
    static func edited(_ postmortems: [Postmortem]) -> [Postmortem] {
        var edited = postmortems
        edited[3].title += " 接続プールが再び枯渇した"
        edited[40].causes = edited[40].causes.map { var cause = $0; cause.summary = "certificate expired again"; return cause }
        edited[41].body.plainText += " a brand-new unheardofterm and 新語です"
        return edited
    }

    @Test func theSearchIndexIsTheSameWithTermsReadFromTheLastBuild() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let context = PageContext(configuration: .default, now: Date(timeIntervalSince1970: 0))
        let all = Self.postmortems
        func files(_ postmortems: [Postmortem], memo: DigestMemo?) throws -> [String: [UInt8]] {
            let plan = OutputPlan()
            try SearchIndex.write(postmortems, context: context, memo: memo, into: MemoizedSink(sink: plan, memo: nil))
            return plan.files
        }
        let first = memo("search")
        #expect(try files(all, memo: first) == SearchIndex.files(all, context: context))
        #expect(first.counts == (all.count, 0))
        first.finish()
        // Edited postmortems among kept ones: their terms are scored again, the others' read.
        let edited = Self.edited(all)
        let second = memo("search")
        #expect(try files(edited, memo: second) == SearchIndex.files(edited, context: context))
        #expect(second.counts == (3, all.count - 3))
        second.finish()
        // Nothing new: every document's terms read, and the file is left as it was.
        let path = folder.appendingPathComponent("search").path
        let stamp = FileIO.stamp(path)
        let third = memo("search")
        #expect(try files(edited, memo: third) == SearchIndex.files(edited, context: context))
        #expect(third.counts == (0, all.count))
        third.finish()
        #expect(FileIO.stamp(path) == stamp)
        // Fewer postmortems: the file keeps only the values this build used.
        let fourth = memo("search")
        _ = try files(Array(edited.prefix(10)), memo: fourth)
        fourth.finish()
        let fifth = memo("search")
        _ = try files(edited, memo: fifth)
        #expect(fifth.counts == (all.count - 10, 10))
    }

    /// The index keeps a score in two bytes (at most 31 weights × (1 + ln 20) × 10, about 1,240):
    /// a kept score that does not fit is no memo's, and the document is scored again.
    @Test func aKeptTermsScoreReadsOnlyWhenTheIndexCanHoldIt() throws {
        func kept(score: UInt32) -> [UInt8] {
            var writer = ByteWriter()
            writer.append(UInt32(1))
            writer.bytes.append(3)
            writer.bytes += Array("abc".utf8)
            writer.append(score)
            return writer.bytes
        }
        func read(_ bytes: [UInt8]) throws -> SearchPostings.KeptTerms {
            var bytes = bytes
            return try bytes.withUnsafeMutableBytes { buffer in
                var reader = ByteReader(UnsafeRawBufferPointer(buffer))
                return try SearchPostings.KeptTerms(from: &reader)
            }
        }
        let fits = try read(kept(score: 1_240))
        #expect(fits.scores == [1_240])
        #expect(fits.ends == [3])
        #expect(throws: ByteReader.Malformed.self) { try read(kept(score: 70_000)) }
        // The highest score a document can have fits: every field the same word, twenty times or more.
        let word = Array(repeating: "pool", count: 20).joined(separator: " ")
        let run = SearchPostings.make([SearchIndex.Document(url: "u", id: word, title: word, date: nil, severity: nil, status: "",
                                                            summary: word, causes: word, facets: word, source: Body(plainText: word))][...])
        #expect(run.scores == [UInt16((31 * (1 + log(20.0)) * 10).rounded())])
    }

    @Test func similarStoriesAreTheSameWithTermsReadFromTheLastBuild() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let all = Self.postmortems
        func same(_ a: [[(index: Int, cosine: Double)]], _ b: [[(index: Int, cosine: Double)]]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { x, y in
                x.count == y.count && zip(x, y).allSatisfy { $0.index == $1.index && $0.cosine == $1.cosine }
            }
        }
        let first = memo("stories")
        #expect(same(TextSimilarity.neighbours(all, memo: first), TextSimilarity.neighbours(all)))
        first.finish()
        let edited = Self.edited(all)
        let second = memo("stories")
        #expect(same(TextSimilarity.neighbours(edited, memo: second), TextSimilarity.neighbours(edited)))
        // The title and the cause summary are in the stories; the body's plain text is not.
        #expect(second.counts == (2, all.count - 2))
    }

    /// The neighbours of every story are one value: read whole when no story changed
    /// (the terms' memo is then left as it was), computed again when one did.
    @Test func theNeighboursAreReadWholeWhileEveryStoryIsTheSame() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let all = Self.postmortems
        func same(_ a: [[(index: Int, cosine: Double)]], _ b: [[(index: Int, cosine: Double)]]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { x, y in
                x.count == y.count && zip(x, y).allSatisfy { $0.index == $1.index && $0.cosine.bitPattern == $1.cosine.bitPattern }
            }
        }
        let plain = TextSimilarity.neighbours(all)
        let (terms, kept) = (memo("terms"), memo("neighbours"))
        #expect(same(TextSimilarity.neighbours(all, memo: terms, kept: kept), plain))
        #expect(terms.counts == (all.count, 0) && kept.counts == (1, 0))
        terms.finish()
        // A body edited outside its root cause: every story is the same.
        var bodyEdited = all
        bodyEdited[41].body.plainText += " a brand-new unheardofterm"
        let termsFile = folder.appendingPathComponent("terms").path
        let stamp = FileIO.stamp(termsFile)
        let (terms2, kept2) = (memo("terms"), memo("neighbours"))
        #expect(same(TextSimilarity.neighbours(bodyEdited, memo: terms2, kept: kept2), plain))
        #expect(terms2.counts == (0, 0) && kept2.counts == (0, 1))
        #expect(FileIO.stamp(termsFile) == stamp, "the terms' memo is left as it was")
        // A title edited: the neighbours are computed again, from the terms kept for the other stories.
        let edited = Self.edited(all)
        let (terms3, kept3) = (memo("terms"), memo("neighbours"))
        #expect(same(TextSimilarity.neighbours(edited, memo: terms3, kept: kept3), TextSimilarity.neighbours(edited)))
        #expect(terms3.counts == (2, all.count - 2) && kept3.counts == (1, 0))
        terms3.finish()
        // Lists that do not fit the stories (a position past them) are no memo's.
        var writer = ByteWriter()
        writer.append(UInt32(1))
        writer.append(UInt32(1))
        writer.append(0.5.bitPattern)
        var bytes = writer.bytes
        #expect(throws: ByteReader.Malformed.self) {
            try bytes.withUnsafeMutableBytes { buffer in
                var reader = ByteReader(UnsafeRawBufferPointer(buffer))
                return try TextSimilarity.read(&reader, count: 1)
            }
        }
    }

    @Test func aMemoFileThatIsDamagedOrOfAnotherToolIsEmpty() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = memo("m")
        for digest in [UInt64(5), 1, .max] {
            #expect(first.value(for: digest, make: { "value \(digest)" }) == "value \(digest)")
        }
        first.finish()
        let file = folder.appendingPathComponent("m")
        let bytes = try #require(FileIO.read(file.path))
        let read = memo("m")
        #expect(read.value(for: 1, make: { "made" }) == "value 1" && read.value(for: .max, make: { "made" }) == "value 18446744073709551615")
        #expect(DigestMemo.table(bytes, generation: read.generation)?.count == 3)
        #expect(DigestMemo.table(bytes, generation: read.generation &+ 1) == nil, "another tool")
        #expect(DigestMemo.table(bytes + [0], generation: read.generation) == nil)
        for cut in 0..<bytes.count {
            #expect(DigestMemo.table(Array(bytes.prefix(cut)), generation: read.generation) == nil, "cut at \(cut)")
        }
        // A value whose bytes changed fails its check and is made again; the others read.
        var flipped = bytes
        let place = try #require(DigestMemo.table(bytes, generation: read.generation)?[1])
        flipped[place.range.upperBound - 1] ^= 0x01
        try Data(flipped).write(to: file)
        #expect(memo("m").value(for: 1, make: { "made" }) == "made")
        #expect(memo("m").value(for: 5, make: { "made" }) == "value 5")
        try Data("PMKB-MEMO\nnot a memo".utf8).write(to: file)
        let damaged = memo("m")
        #expect(damaged.value(for: 1, make: { "made" }) == "made")
        // A value the reader cannot read (bytes of another kind) is made again.
        let other = DigestMemo(file: folder.appendingPathComponent("n"), name: "m")
        other.keep(9) { $0.bytes += [1, 2, 3] }
        other.finish()
        #expect(DigestMemo(file: folder.appendingPathComponent("n"), name: "m").value(for: 9, make: { "made" }) == "made")
    }
}
