import Foundation
import Synchronization

/// NFKC on UTF-8 bytes, normalising only the runs of text that may change.
///
/// Most text needs no normalisation: ASCII, kana, kanji, the em dash.
/// Foundation's `precomposedStringWithCompatibilityMapping` bridges the whole
/// string and normalises every character anyway, which made it the largest
/// cost of the search index. Here a scalar is *inert* when NFKC keeps it as
/// it is and it cannot join the characters before it: canonical combining
/// class 0, not changed by NFKC case folding (Unicode's
/// `Changes_When_NFKC_Casefolded`, so it has no compatibility or canonical
/// decomposition) and not the second part of any canonical composition.
/// Text splits before every inert scalar into pieces that normalise
/// independently (composition and reordering stop at a starter that nothing
/// composes with), so a piece that is one inert scalar is copied, and only the
/// rest (an inert scalar followed by the others, such as `e` + U+0301, or a
/// run of full-width letters) goes through Foundation. `SearchIndexTests`
/// checks the inert table against Foundation for every scalar of the planes
/// where it says yes, and the folding against the whole-string NFKC path.
public enum CompatibilityFolding {
    /// NFKC of `text`, then each scalar's lower-case mapping when `lowercase`
    /// (what `String.lowercased()` does), appended to `out` as UTF-8.
    public static func append(_ text: UnsafeBufferPointer<UInt8>, lowercase: Bool, to out: inout [UInt8]) {
        let count = text.count
        var index = 0
        // The last inert scalar: where it starts in `text` and in `out`; a piece to normalise starts there.
        var lastInert = -1, lastInertOut = 0
        var pending = -1  // start in `text` of the piece being collected for Foundation, or -1
        func flush(upTo end: Int) {
            guard pending >= 0 else { return }
            let piece = String(decoding: UnsafeBufferPointer(rebasing: text[pending..<end]), as: UTF8.self)
            let normalised = piece.precomposedStringWithCompatibilityMapping
            out.append(contentsOf: (lowercase ? normalised.lowercased() : normalised).utf8)
            pending = -1
        }
        while index < count {
            let lead = text[index]
            if lead < 0x80 {
                flush(upTo: index)
                lastInert = index
                lastInertOut = out.count
                out.append(lowercase && lead >= 0x41 && lead <= 0x5A ? lead | 0x20 : lead)
                index += 1
                continue
            }
            let (scalar, length) = decode(text, at: index)
            let flags = ScalarFlags.of(scalar)
            if flags.contains(.inert) {
                flush(upTo: index)
                lastInert = index
                lastInertOut = out.count
                if lowercase && flags.contains(.changesWhenLowercased) {
                    out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: text[index..<index + length]))
                }
            } else if pending < 0 {
                // The inert scalar just before may compose with this one: it joins the piece.
                // (Any scalar before this one is inert: one that is not would have opened a piece.)
                if lastInert >= 0 {
                    pending = lastInert
                    out.removeSubrange(lastInertOut...)
                } else {
                    pending = index
                }
            }
            index += length
        }
        flush(upTo: count)
    }

    /// NFKC of `text`, lower-cased when `lowercase`; text that is all inert comes back as it is.
    public static func folded(_ text: String, lowercase: Bool) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            append(bytes, lowercase: lowercase, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether NFKC leaves `scalar` as it is, whatever stands before it (see the type's comment).
    public static func isInert(_ scalar: Unicode.Scalar) -> Bool {
        ScalarFlags.of(scalar).contains(.inert)
    }

    /// The scalar starting at `index` of valid UTF-8 (as a `String`'s is) and its length in bytes.
    @inline(__always)
    public static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let lead = UInt32(text[index])
        let value: UInt32, length: Int
        if lead < 0x80 {
            value = lead; length = 1
        } else if lead < 0xE0 {
            value = (lead & 0x1F) << 6 | UInt32(text[index + 1] & 0x3F); length = 2
        } else if lead < 0xF0 {
            value = (lead & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F); length = 3
        } else {
            value = (lead & 0x07) << 18 | UInt32(text[index + 1] & 0x3F) << 12 | UInt32(text[index + 2] & 0x3F) << 6
                | UInt32(text[index + 3] & 0x3F)
            length = 4
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}

/// Per-scalar facts the folding and the search terms ask for, from one table
/// for the Basic Multilingual Plane (Unicode's property look-ups are slow).
public struct ScalarFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// See `CompatibilityFolding`.
    public static let inert = ScalarFlags(rawValue: 1)
    public static let changesWhenLowercased = ScalarFlags(rawValue: 2)
    /// Alphabetic, or a decimal, letter or other number: what a search term is made of.
    public static let wordCharacter = ScalarFlags(rawValue: 4)

    @inline(__always)
    public static func of(_ scalar: Unicode.Scalar) -> ScalarFlags {
        scalar.value < 0x10000 ? ScalarFlags(rawValue: table.flags(scalar.value)) : compute(scalar)
    }

    private static let table = Table()

    /// The flags of the Basic Multilingual Plane, a block of 256 scalars
    /// computed the first time one of them is asked for: a build meets a
    /// few blocks (Latin-1, punctuation, kana, kanji…), and computing all
    /// 65,536 scalars took 12 ms of every process that folded any text.
    private final class Table: Sendable {
        /// 65,536 flags; a block's are written once, under `lock`, before its `ready` bit is set.
        nonisolated(unsafe) private let values = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        /// One bit per block, 64 blocks to a word.
        private let ready0 = Atomic<UInt64>(0), ready1 = Atomic<UInt64>(0), ready2 = Atomic<UInt64>(0), ready3 = Atomic<UInt64>(0)
        private let lock = Mutex(())

        @inline(__always)
        func flags(_ value: UInt32) -> UInt8 {
            let block = Int(value >> 8)
            if !isReady(block) { fill(block) }
            return values[Int(value)]
        }

        /// Whether `block` is computed; a block read after `true` was written before it (acquire, release).
        @inline(__always)
        private func isReady(_ block: Int) -> Bool {
            let bit = UInt64(1) << UInt64(block & 63)
            let word = switch block >> 6 {
            case 0: ready0.load(ordering: .acquiring)
            case 1: ready1.load(ordering: .acquiring)
            case 2: ready2.load(ordering: .acquiring)
            default: ready3.load(ordering: .acquiring)
            }
            return word & bit != 0
        }

        private func fill(_ block: Int) {
            lock.withLock { _ in
                guard !isReady(block) else { return }
                for value in block << 8 ..< (block + 1) << 8 {
                    values[value] = Unicode.Scalar(UInt32(value)).map { ScalarFlags.compute($0).rawValue } ?? 0
                }
                let bit = UInt64(1) << UInt64(block & 63)
                switch block >> 6 {
                case 0: ready0.bitwiseOr(bit, ordering: .releasing)
                case 1: ready1.bitwiseOr(bit, ordering: .releasing)
                case 2: ready2.bitwiseOr(bit, ordering: .releasing)
                default: ready3.bitwiseOr(bit, ordering: .releasing)
                }
            }
        }
    }

    /// Second parts of canonical compositions whose combining class is 0
    /// (Indic vowel signs, Hangul vowels and final consonants…): all in these
    /// blocks, which are left to Foundation whole.
    private static func mayComposeBackward(_ value: UInt32) -> Bool {
        switch value {
        case 0x0900...0x0DFF, 0x0F00...0x0FFF, 0x1000...0x109F, 0x1100...0x11FF, 0x1B00...0x1B7F, 0xA960...0xA97F,
             0xD7B0...0xD7FF: true
        default: false
        }
    }

    static func compute(_ scalar: Unicode.Scalar) -> ScalarFlags {
        let properties = scalar.properties
        var flags: ScalarFlags = []
        let value = scalar.value
        // Beyond the BMP only the CJK ideograph planes are trusted (other planes hold composing scripts).
        let trusted = value < 0x10000 || (0x20000...0x3FFFF).contains(value)
        if value < 0x80
            || (trusted && !mayComposeBackward(value) && properties.canonicalCombiningClass == .notReordered
                && !properties.changesWhenNFKCCaseFolded) {
            flags.insert(.inert)
        }
        if properties.changesWhenLowercased { flags.insert(.changesWhenLowercased) }
        let category = properties.generalCategory
        if properties.isAlphabetic || category == .decimalNumber || category == .letterNumber || category == .otherNumber {
            flags.insert(.wordCharacter)
        }
        return flags
    }
}
