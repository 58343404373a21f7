import Markdown

/// Where things live in the generated site: part of the product's contract
/// (other tools link to these paths).
public enum SitePaths {
    /// The page of a postmortem, relative to the site root: `incidents/<name>.html`.
    public static func incidentPage(id: String) -> String {
        "incidents/" + incidentFile(id: id)
    }

    /// The page of a postmortem as linked from another one: `<name>.html`
    /// (incident pages share their folder).
    public static func incidentFile(id: String) -> String {
        "\(fileName(id)).html"
    }

    /// Files next to the postmortems (images, logs) are copied below this folder.
    public static let filesFolder = "files"

    /// A file name made from an id, cause key, service or tag: letters and
    /// digits of any script, `-`, `_` and `.` are kept, anything else becomes
    /// `-`; never empty, never `.` or `..`, at most 100 characters.
    public static func fileName(_ name: String) -> String {
        if isPlainFileName(name) { return name }
        var result = ""
        for scalar in name.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.isLetterOrDigit
                || scalar == "-" || scalar == "_" || scalar == "." {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result.unicodeScalars.append("-")
            }
        }
        while result.hasPrefix(".") || result.hasPrefix("-") { result.removeFirst() }
        while result.hasSuffix("-") || result.hasSuffix(".") { result.removeLast() }
        if result.isEmpty { result = "untitled" }
        return String(result.prefix(100))
    }

    /// Already a file name (ASCII letters, digits, `-`, `_`, `.`; not
    /// starting with `.` or `-`, not ending with `-` or `.`, at most 100
    /// bytes): what nearly every id is, checked without Unicode tables.
    static func isPlainFileName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 100,
              first != UInt8(ascii: "."), first != UInt8(ascii: "-"),
              last != UInt8(ascii: "."), last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
            default: false
            }
        }
    }

    /// `path` with each segment percent-encoded for a URL (`a b/c.png` → `a%20b/c.png`).
    public static func urlPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            var encoded = ""
            for byte in segment.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                     UInt8(ascii: "."), UInt8(ascii: "~"):
                    encoded.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    let digits = Array("0123456789ABCDEF")
                    encoded += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
                }
            }
            return encoded
        }.joined(separator: "/")
    }
}
