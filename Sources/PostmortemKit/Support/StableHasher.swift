/// A 64-bit digest that is the same in every process and on every machine,
/// unlike Swift's `Hasher`, whose seed changes per process: what a build
/// writes into its cache to recognise, in a later build, the postmortems and
/// pages that did not change.
///
/// Eight bytes at a time through a multiply-rotate round (as xxHash64 does),
/// each value prefixed by its length so that `("ab", "c")` and `("a", "bc")`
/// differ, and a final avalanche. It tells versions apart; it is no security
/// measure (nothing here is secret, and a collision costs a stale page).
struct StableHasher {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var length: UInt64 = 0

    init() {}

    /// The digest of what `body` feeds in.
    static func digest(_ body: (inout StableHasher) -> Void) -> UInt64 {
        var hasher = StableHasher()
        body(&hasher)
        return hasher.finalize()
    }

    private mutating func round(_ word: UInt64) {
        let mixed = state ^ (word &* 0xC2B2_AE3D_27D4_EB4F)
        state = ((mixed &<< 31) | (mixed &>> 33)) &* 0x9E37_79B1_85EB_CA87 &+ 0x27D4_EB2F_1656_67C5
        length &+= 1
    }

    mutating func combine(_ value: UInt64) { round(value) }
    mutating func combine(_ value: Int) { round(UInt64(bitPattern: Int64(value))) }
    mutating func combine(_ value: Bool) { round(value ? 1 : 2) }
    mutating func combine(_ value: Double) { round(value.bitPattern) }

    /// The bytes, then their count.
    mutating func combine(bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            round(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian)
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        round(tail)
        round(UInt64(count))
    }

    mutating func combine(_ bytes: [UInt8]) { bytes.withUnsafeBytes { combine(bytes: $0) } }

    mutating func combine(_ string: String) {
        var string = string
        string.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Nil and a value differ, and so do `nil` and `""`.
    mutating func combine(_ string: String?) {
        guard let string else { return round(0) }
        round(1)
        combine(string)
    }

    mutating func combine(_ strings: [String]) {
        round(UInt64(strings.count))
        for string in strings { combine(string) }
    }

    /// The digest of everything combined so far (the hasher can go on).
    func finalize() -> UInt64 {
        var hash = state ^ (length &* 0x1656_67B1_9E37_79F9)
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }

    /// Sixteen hexadecimal digits, for files and records.
    static func hex(_ digest: UInt64) -> String {
        let digits = String(digest, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
