import Glibc

/// Turns a file's bytes into `SourceText`, refusing what is not a text file
/// with a diagnostic that says what to do.
enum TextDecoding {
    enum Decoded {
        case text(SourceText)
        case refused(Diagnostic)
    }

    static func decode(_ file: SourceFile) -> Decoded {
        let start = SourceLocation(file: file.path, line: 1, column: 1)
        let bytes: [UInt8]
        switch file.contents {
        case let .tooLarge(size):
            return .refused(.error(
                .fileTooLarge, at: start,
                "file is \(megabytes(size)) MiB, over the \(megabytes(SourceFile.sizeLimit)) MiB limit for a postmortem",
                notes: ["move logs and data dumps into attachments and link them from the postmortem"]))
        case let .unreadable(reason):
            return .refused(.error(.fileUnreadable, at: start, "cannot read the file: \(reason)"))
        case let .bytes(contents):
            bytes = contents
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .refused(.error(
                .fileEmpty, at: start, "file is empty",
                notes: ["write the postmortem (see docs/front-matter.md) or delete the file"]))
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let nul = firstNUL(in: body) {
            let (line, column) = position(ofByte: nul, in: body)
            return .refused(.error(
                .fileBinary, at: SourceLocation(file: file.path, line: line, column: column),
                "file holds a NUL byte: it looks like a binary file, not Markdown",
                notes: ["keep images and other binaries out of the postmortem's text; give them a non-.md name"]))
        }
        // Validated once: the text made by the validation is the text.
        let validated = String(validating: body, as: UTF8.self)
        if validated == nil, let bad = firstInvalidUTF8(in: body) {
            let (line, column) = position(ofByte: bad, in: body)
            return .refused(.error(
                .fileInvalidUTF8, at: SourceLocation(file: file.path, line: line, column: column),
                "file is not valid UTF-8 (byte 0x\(hex(body[bad])) at offset \(bad - body.startIndex))",
                notes: ["save the file as UTF-8 (e.g. `iconv -f SHIFT_JIS -t UTF-8`)"]))
        }
        return .text(SourceText(path: file.path, text: validated ?? String(decoding: body, as: UTF8.self)))
    }

    /// The index of the first NUL byte, found by `memchr`.
    static func firstNUL(in bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress, let found = memchr(base, 0, buffer.count) else { return nil }
            return bytes.startIndex + UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
    }

    /// The index of the first byte of the first ill-formed UTF-8 sequence,
    /// or nil when all of `bytes` is valid.
    static func firstInvalidUTF8(in bytes: ArraySlice<UInt8>) -> Int? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return index
            }
            guard index + length <= bytes.endIndex else { return index }
            let second = bytes[index + 1]
            guard second >= lower, second <= upper else { return index }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }

    /// 1-based line and column (in scalars) of the byte at `index`.
    static func position(ofByte index: Int, in bytes: ArraySlice<UInt8>) -> (Int, Int) {
        var line = 1
        var column = 1
        for byte in bytes[bytes.startIndex..<index] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }
}
