import Foundation

/// One shard of the search index's terms, `data/search/terms-K.js`:
///
///     POSTMORTEM_SEARCH_TERMS(K,{"term":[gap,score,gap,score…],…});
///
/// Terms in `SearchShard.precedes` order; a term's documents ascending,
/// each as its gap from the previous one (the first from 0), with its
/// score. Written by hand into bytes (JSONEncoder was a third of the
/// index's time): a term is letters and digits only, nothing to escape.
/// The full build writes shards from the inverted index; a rebuild after a
/// few edits reads the last build's shards back (`parse`) and writes only
/// those whose terms changed (`SearchIndexPatch`).
enum SearchShard {
    static func path(_ number: Int) -> String { "data/search/terms-\(number).js" }

    static func begin(_ number: Int) -> [UInt8] { Array("POSTMORTEM_SEARCH_TERMS(\(number),{".utf8) }
    static let end = Array("});\n".utf8)

    /// The order of terms in a shard: as strings, then (for strings that
    /// compare equal, canonically equivalent) as bytes, so the order never
    /// depends on the order the terms came in.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a != b ? a < b : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Appends a term and its `count` postings (`document(i)`, `score(i)`,
    /// documents ascending), after a comma unless it is the shard's first.
    @inline(__always)
    static func appendTerm(_ term: UnsafeBufferPointer<UInt8>, first: Bool, count: Int, to out: inout [UInt8],
                           document: (Int) -> Int32, score: (Int) -> UInt16) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: term)
        out += #"":["#.utf8
        var previous: Int32 = 0
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let current = document(index)
            SearchIndex.appendDecimal(Int(current - previous), to: &out)
            out.append(UInt8(ascii: ","))
            SearchIndex.appendDecimal(Int(score(index)), to: &out)
            previous = current
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A shard read back: term `t` is `bytes[terms[t]]`, with the postings
    /// `documents[starts[t] ..< starts[t + 1]]`, scored alike.
    struct Parsed {
        var terms: [Range<Int>] = []
        var starts: [Int] = [0]
        var documents: [Int32] = []
        var scores: [UInt16] = []
    }

    /// The shard `number` in `bytes`, as `appendTerm` writes it, with every
    /// document below `documentCount`; nil for any other bytes (a file
    /// changed by hand, another tool's), never a trap.
    static func parse(_ bytes: [UInt8], number: Int, documentCount: Int) -> Parsed? {
        let head = begin(number)
        guard bytes.count >= head.count + end.count, bytes.starts(with: head), bytes.suffix(end.count).elementsEqual(end)
        else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Parsed? in
            var parsed = Parsed()
            var position = head.count
            let stop = buffer.count - end.count + 1  // the `}` of `});`
            /// The decimal number at `position`, at most 10 digits.
            func number() -> Int? {
                var value = 0, digits = 0
                while position < stop, buffer[position] &- UInt8(ascii: "0") < 10, digits < 10 {
                    value = value * 10 + Int(buffer[position] &- UInt8(ascii: "0"))
                    position += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            func expect(_ byte: UInt8) -> Bool {
                guard position < stop, buffer[position] == byte else { return false }
                position += 1
                return true
            }
            if position == stop - 1, buffer[position] == UInt8(ascii: "}") { return parsed }
            while true {
                guard expect(UInt8(ascii: "\"")) else { return nil }
                let termStart = position
                while position < stop, buffer[position] != UInt8(ascii: "\"") {
                    guard buffer[position] >= 0x30 else { return nil }  // no quote, comma, bracket or space
                    position += 1
                }
                guard position > termStart, expect(UInt8(ascii: "\"")), expect(UInt8(ascii: ":")), expect(UInt8(ascii: "["))
                else { return nil }
                parsed.terms.append(termStart..<position - 3)
                var document = -1
                repeat {
                    // Documents ascending: a gap of 0 only before the first.
                    guard let gap = number(), gap > 0 || document < 0, expect(UInt8(ascii: ",")),
                          let score = number(), score <= Int(UInt16.max) else { return nil }
                    document = max(document, 0) + gap
                    guard document < documentCount else { return nil }
                    parsed.documents.append(Int32(document))
                    parsed.scores.append(UInt16(score))
                } while expect(UInt8(ascii: ","))
                guard expect(UInt8(ascii: "]")) else { return nil }
                parsed.starts.append(parsed.documents.count)
                if expect(UInt8(ascii: ",")) { continue }
                guard position == stop - 1, buffer[position] == UInt8(ascii: "}") else { return nil }
                return parsed
            }
        }
    }
}
