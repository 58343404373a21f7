/// The tool's own binary files (`build.record`, the load cache): numbers
/// little-endian, strings as a `UInt32` length and their UTF-8 bytes.
/// Written and read field by field, in place, with no intermediate objects:
/// the load cache holds every postmortem of the folder, and reading it must
/// cost a fraction of loading them again (docs/benchmarks.md).

/// Appends little-endian numbers and length-prefixed strings to bytes.
struct ByteWriter {
    var bytes: [UInt8] = []
    /// When set, long texts (`BodyText`) are appended here, to follow
    /// `bytes`, and `bytes` say where each one is: a reader then reads
    /// the rest without reading them.
    var texts: [UInt8]?

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func append(_ string: String) {
        append(UInt32(string.utf8.count))
        var string = string
        string.withUTF8 { bytes += $0 }
    }

    /// Any value that writes itself (`ByteCodable`).
    mutating func write<Value: ByteCodable>(_ value: Value) {
        value.write(to: &self)
    }
}

/// Reads what `ByteWriter` wrote; every read is nil past the end.
struct ByteReader {
    /// Where the long texts that `ByteWriter.texts` set apart are.
    enum Texts {
        /// In memory: each text is copied out.
        case bytes(UnsafeRawBufferPointer)
        /// `count` bytes from `base` on in `file`: each text is left there (`BodyText`).
        case file(TextFile, base: Int, count: Int)

        var count: Int {
            switch self {
            case let .bytes(buffer): buffer.count
            case let .file(_, _, count): count
            }
        }
    }

    private let buffer: UnsafeRawBufferPointer
    private var offset = 0
    /// Nil when the bytes hold every text themselves.
    let texts: Texts?

    init(_ buffer: UnsafeRawBufferPointer, texts: Texts? = nil) {
        self.buffer = buffer
        self.texts = texts
    }

    var isAtEnd: Bool { offset == buffer.count }
    /// Bytes not read yet: no count read from the bytes can be larger (each element takes one byte at least).
    var remaining: Int { buffer.count - offset }

    mutating func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= buffer.count - offset else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func byte() -> UInt8? { take(1).map { $0[0] } }

    mutating func uint32() -> UInt32? {
        take(4).map { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    mutating func uint64() -> UInt64? {
        take(8).map { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    mutating func string() -> String? {
        guard let count = uint32(), let bytes = take(Int(count)) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Any value that reads itself; throws when the bytes end early or hold no such value.
    mutating func read<Value: ByteCodable>(_: Value.Type = Value.self) throws(ByteReader.Malformed) -> Value {
        try Value(from: &self)
    }

    /// Bytes that are cut short or are not what the reader expects.
    struct Malformed: Error {}

    /// The value `read` reads from all of `bytes`; nil when it throws or leaves bytes unread.
    static func whole<Value>(_ bytes: [UInt8], _ read: (inout ByteReader) throws(Malformed) -> Value) -> Value? {
        bytes.withUnsafeBytes { buffer -> Value? in
            var reader = ByteReader(buffer)
            guard let value = try? read(&reader), reader.isAtEnd else { return nil }
            return value
        }
    }

    static func need<Value>(_ value: Value?) throws(Malformed) -> Value {
        guard let value else { throw Malformed() }
        return value
    }
}

/// A value the tool's binary files hold, written and read back field by
/// field in one order. Reading throws on bytes that are not such a value;
/// it never traps, whatever the bytes.
protocol ByteCodable {
    func write(to writer: inout ByteWriter)
    init(from reader: inout ByteReader) throws(ByteReader.Malformed)
}

extension String: ByteCodable {
    func write(to writer: inout ByteWriter) { writer.append(self) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) { self = try ByteReader.need(reader.string()) }
}

extension UInt64: ByteCodable {
    func write(to writer: inout ByteWriter) { writer.append(self) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) { self = try ByteReader.need(reader.uint64()) }
}

extension Int: ByteCodable {
    func write(to writer: inout ByteWriter) { writer.append(UInt64(bitPattern: Int64(self))) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self = Int(Int64(bitPattern: try ByteReader.need(reader.uint64())))
    }
}

extension Double: ByteCodable {
    func write(to writer: inout ByteWriter) { writer.append(bitPattern) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self = Double(bitPattern: try ByteReader.need(reader.uint64()))
    }
}

extension Bool: ByteCodable {
    func write(to writer: inout ByteWriter) { writer.bytes.append(self ? 1 : 0) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        switch try ByteReader.need(reader.byte()) {
        case 0: self = false
        case 1: self = true
        default: throw ByteReader.Malformed()
        }
    }
}

extension Optional: ByteCodable where Wrapped: ByteCodable {
    func write(to writer: inout ByteWriter) {
        switch self {
        case .none: writer.bytes.append(0)
        case let .some(value):
            writer.bytes.append(1)
            value.write(to: &writer)
        }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self = try Bool(from: &reader) ? .some(try Wrapped(from: &reader)) : .none
    }
}

extension Array: ByteCodable where Element: ByteCodable {
    func write(to writer: inout ByteWriter) {
        writer.append(UInt32(count))
        for element in self { element.write(to: &writer) }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let count = Int(try ByteReader.need(reader.uint32()))
        guard count <= reader.remaining else { throw ByteReader.Malformed() }
        self = []
        reserveCapacity(count)
        for _ in 0..<count { append(try Element(from: &reader)) }
    }
}

/// An enumeration written as its raw value.
protocol ByteCodableByName: ByteCodable, RawRepresentable where RawValue == String {}

extension ByteCodableByName {
    func write(to writer: inout ByteWriter) { writer.append(rawValue) }
    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        self = try ByteReader.need(Self(rawValue: try ByteReader.need(reader.string())))
    }
}

extension Dictionary: ByteCodable where Key: ByteCodable, Value: ByteCodable {
    /// In the dictionary's own order: reading gives an equal dictionary, not the same bytes again.
    func write(to writer: inout ByteWriter) {
        writer.append(UInt32(count))
        for (key, value) in self {
            key.write(to: &writer)
            value.write(to: &writer)
        }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        let count = Int(try ByteReader.need(reader.uint32()))
        guard count <= reader.remaining else { throw ByteReader.Malformed() }
        self.init(minimumCapacity: count)
        for _ in 0..<count {
            let key = try Key(from: &reader)
            self[key] = try Value(from: &reader)
        }
    }
}
