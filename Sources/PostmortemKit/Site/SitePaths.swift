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

    /// A file name made from an id, cause key, service or tag, safe to write
    /// and to check out on Linux, macOS and Windows: letters and digits of
    /// any script (composed, NFC), `-`, `_` and `.` are kept, anything else
    /// (`/`, `\\`, `:`, NUL, spaces, `%`…) becomes `-`; never empty, never
    /// starting with `.` or `-` nor ending with `.` or `-` (so never `..`),
    /// at most 100 characters and `maxBytes` UTF-8 bytes, and never a name
    /// Windows reserves (`CON`, `nul.txt` → `CON_`, `nul_.txt`).
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
        if isWindowsReserved(result) {
            result.insert("_", at: result.firstIndex(of: ".") ?? result.endIndex)
        }
        var cut = ""
        var bytes = 0
        for character in result.prefix(100) {
            bytes += character.utf8.count
            guard bytes <= maxBytes else { break }
            cut.append(character)
        }
        result = cut
        // Trimmed after cutting, so a cut never leaves a trailing `.` (Windows drops it).
        while result.hasSuffix("-") || result.hasSuffix(".") { result.removeLast() }
        if result.isEmpty { result = "untitled" }
        return result
    }

    /// The longest file name stem in UTF-8 bytes: with `-NN` and `.html`
    /// added it stays far below the 255 bytes every file system allows.
    public static let maxBytes = 150

    /// Names Windows gives to devices, with any extension (`CON`, `aux.html`,
    /// `COM1`, `LPT9`), compared without case.
    static let windowsReserved: Set<String> = {
        var names: Set<String> = ["con", "prn", "aux", "nul"]
        for digit in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"] {
            names.insert("com" + digit)
            names.insert("lpt" + digit)
        }
        return names
    }()

    static func isWindowsReserved(_ name: String) -> Bool {
        // The names are at most five bytes long (`com¹`): a longer stem (in
        // bytes, not characters: no grapheme breaking) is none of them.
        let stem = name.utf8.prefix { $0 != UInt8(ascii: ".") }
        return stem.count <= 5 && windowsReserved.contains(String(decoding: stem, as: UTF8.self).lowercased())
    }

    /// Already a file name (ASCII letters, digits, `-`, `_`, `.`; not
    /// starting with `.` or `-`, not ending with `-` or `.`, at most 100
    /// bytes, not reserved by Windows): what nearly every id is, checked
    /// without Unicode tables.
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
        } && !isWindowsReserved(name)
    }

    /// `path` with each segment percent-encoded for a URL (`a b/c.png` → `a%20b/c.png`).
    public static func urlPath(_ path: String) -> String {
        func isKept(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"): true
            default: false
            }
        }
        // Nearly every path (an incident page's) needs no escaping: itself, not a copy.
        guard !path.utf8.allSatisfy(isKept) else { return path }
        let digits = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(path.utf8.count * 3)
        for byte in path.utf8 {
            if isKept(byte) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(digits[Int(byte >> 4)])
                encoded.append(digits[Int(byte & 0xF)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
