/// RFC 4180 CSV written straight into bytes: a UTF-8 byte-order mark first
/// (so spreadsheets read Japanese), CRLF line ends, a field quoted when it
/// holds a comma, quote or line break (its quotes doubled), and text a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or CR
/// first) defused with a leading `'`, as OWASP advises.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []
    private var rowStarted = false

    /// A writer of a whole file starts with the byte order mark; one of rows to add to a file, without.
    init(capacity: Int = 0, byteOrderMark: Bool = true) {
        bytes.reserveCapacity(capacity + 3)
        if byteOrderMark { bytes += [0xEF, 0xBB, 0xBF] }
    }

    /// One field; `defuse: false` for values that are never text (dates, numbers, fixed words).
    mutating func field(_ value: String, defuse: Bool = true) {
        if rowStarted { bytes.append(UInt8(ascii: ",")) }
        rowStarted = true
        var value = value
        value.withUTF8 { utf8 in
            let formula: Bool
            switch utf8.first {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: formula = defuse
            default: formula = false
            }
            let quoted = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            if quoted { bytes.append(UInt8(ascii: "\"")) }
            if formula { bytes.append(UInt8(ascii: "'")) }
            if quoted {
                for byte in utf8 {
                    bytes.append(byte)
                    if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    mutating func endRow() {
        bytes.append(contentsOf: [0x0D, 0x0A])
        rowStarted = false
    }
}
