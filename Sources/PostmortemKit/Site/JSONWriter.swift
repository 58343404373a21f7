/// JSON written straight into bytes, the same bytes `JSONEncoder` gives for
/// the same values with `.withoutEscapingSlashes` (and `.prettyPrinted` when
/// `pretty`): every data file is made with it, a value at a time, with no
/// `Encodable` tree, `Data` or `String` in between.
///
/// What it reproduces (checked against `JSONEncoder` in JSONWriterTests):
/// - strings: `"` and `\` escaped, `\b \f \n \r \t`, other control
///   characters as `\u00xx` (lower-case hex); `/`, DEL and all non-ASCII as
///   they are;
/// - numbers: integers in decimal; a `Double` as its `description` without a
///   trailing `.0` (`58`, `96.2`, `1e+21`, `-0`);
/// - pretty: two spaces an indent level, `"key" : value`, `,` then a line
///   break between elements, and an empty array or object as the bracket, an
///   empty line, the closing bracket.
///
/// Keys are written in the order given: with `.sortedKeys`, the encoder
/// orders them by their UTF-8 bytes, so callers give fixed keys in that
/// order and sort a dictionary's with `sortedKeys(_:)`.
///
/// `scriptSafe` also escapes `<`, `>` and `&` as `\u003C`, `\u003E`, `\u0026`
/// and U+2028, U+2029 as `\u2028`, `\u2029` (the bytes of the whole-output pass it
/// replaced, kept as `Reference.scriptSafe` in the tests; applied to strings
/// only, which is the only place those characters can be).
struct JSONWriter {
    var bytes: [UInt8] = []
    let pretty: Bool
    let scriptSafe: Bool
    private var depth = 0
    /// Whether the innermost open array or object has no element yet.
    private var empty = true
    /// A key was just written: the next value is its, with no separator.
    private var afterKey = false

    /// `elementDepth`: the bytes of one element of arrays nested that deep, as
    /// they are between its separators (its indent first), for a file put
    /// together from elements written apart (`RecordFile`).
    init(pretty: Bool = false, scriptSafe: Bool = false, capacity: Int = 0, elementDepth: Int = 0) {
        self.pretty = pretty
        self.scriptSafe = scriptSafe
        depth = elementDepth
        bytes.reserveCapacity(capacity)
    }

    /// Raw bytes, such as `window.X = ` before the JSON.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    // MARK: Arrays and objects

    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }
    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }

    /// A key that needs no escaping (ASCII letters, digits, `_`), given in the order the encoder sorts.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        keyEnd()
    }

    /// Any key, escaped as a string is.
    mutating func key(_ name: String) {
        separate()
        appendString(name)
        keyEnd()
    }

    private mutating func keyEnd() {
        if pretty {
            bytes.append(contentsOf: [UInt8(ascii: "\""), 0x20, UInt8(ascii: ":"), 0x20])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        afterKey = true
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        if pretty { bytes.append(0x0A) }
        depth += 1
        empty = true
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        if pretty {
            bytes.append(0x0A)
            indent(depth)
        }
        bytes.append(bracket)
        empty = false
    }

    /// Before a value or key: nothing after a key; else `,` (and a line break) but before the first, then the indent.
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard depth > 0 else { return }
        if empty {
            empty = false
        } else {
            bytes.append(UInt8(ascii: ","))
            if pretty { bytes.append(0x0A) }
        }
        if pretty { indent(depth) }
    }

    private mutating func indent(_ level: Int) {
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * level))
    }

    // MARK: Values

    mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    mutating func bool(_ value: Bool) {
        separate()
        value ? raw("true") : raw("false")
    }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// An array of strings.
    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    mutating func number(_ value: Int) {
        separate()
        SearchIndex.appendDecimal(value, to: &bytes)
    }

    mutating func number(_ value: Int?) {
        if let value { number(value) } else { null() }
    }

    /// As the encoder writes a `Double`: its `description` without a trailing `.0`.
    /// (Not finite values have no JSON; the encoder throws, the data files never have them.)
    mutating func number(_ value: Double) {
        separate()
        if value == value.rounded(.towardZero), value.magnitude < 1e15 {
            // Integral and short: the description is the integer's digits and `.0` (`-0.0` → `-0`).
            if value.sign == .minus, value == 0 { bytes.append(UInt8(ascii: "-")) }
            SearchIndex.appendDecimal(Int(value), to: &bytes)
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func number(_ value: Double?) {
        if let value { number(value) } else { null() }
    }

    /// An opening quote and the escaped text; the caller closes the quote.
    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var mark = 0, index = 0
            let count = utf8.count
            func flush(_ upTo: Int) {
                if upTo > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<upTo])) }
            }
            while index < count {
                let byte = utf8[index]
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case 0x08: escape = UInt8(ascii: "b")
                case 0x0C: escape = UInt8(ascii: "f")
                case 0x0A: escape = UInt8(ascii: "n")
                case 0x0D: escape = UInt8(ascii: "r")
                case 0x09: escape = UInt8(ascii: "t")
                case 0x00..<0x20: escape = 0
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                    guard scriptSafe else { index += 1; continue }
                    escape = 0
                case 0xE2:
                    // U+2028, U+2029: E2 80 A8, E2 80 A9.
                    guard scriptSafe, index + 2 < count, utf8[index + 1] == 0x80,
                          utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9 else { index += 1; continue }
                    flush(index)
                    raw(utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                    index += 3
                    mark = index
                    continue
                default:
                    index += 1
                    continue
                }
                flush(index)
                if escape != 0 {
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), escape])
                } else {
                    // `\u00xx`: lower-case hex for control characters (the encoder's), upper-case for `<>&` (scriptSafe's).
                    let digits: StaticString = byte < 0x20 ? "0123456789abcdef" : "0123456789ABCDEF"
                    raw("\\u00")
                    digits.withUTF8Buffer { hex in
                        bytes.append(hex[Int(byte >> 4)])
                        bytes.append(hex[Int(byte & 0x0F)])
                    }
                }
                index += 1
                mark = index
            }
            flush(count)
        }
    }

    /// A dictionary's entries in the encoder's `.sortedKeys` order: by the keys' UTF-8 bytes.
    static func sortedKeys<Value>(_ dictionary: [String: Value]) -> [(key: String, value: Value)] {
        dictionary.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
