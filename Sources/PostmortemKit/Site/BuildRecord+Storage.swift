import Foundation

/// The record's bytes. A build with nothing to do reads the record and
/// stats the site, nothing else, so the record is read fast: a short header,
/// what the build reported as JSON (a few lines unless it warned a lot),
/// then the site's files as fixed-width fields, one stat's worth each
/// (tens of thousands of them at 10,000 postmortems, which Foundation's
/// JSON decoder took 0.15 s to read).
///
///     "PMKB-RECORD\n"  format: UInt32
///     summary: UInt32 length, JSON
///     files: UInt32 count, then for each: UInt32 length, the path in UTF-8,
///            size: Int64, modified: Int64, inode: UInt64,
///            flags: UInt8 (1 a regular file, 2 a page key follows), key: UInt64
///
/// Numbers are little-endian. A record that is cut short, of another
/// format, or not one at all reads as none: the next build is a full one.
extension BuildRecord {
    static let magic = Array("PMKB-RECORD\n".utf8)

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let summaryBytes = Array(try encoder.encode(summary))
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(Self.magic.count + 8 + summaryBytes.count + files.count * 80)
        writer.bytes += Self.magic
        writer.append(UInt32(Self.format))
        writer.append(UInt32(summaryBytes.count))
        writer.bytes += summaryBytes
        writer.append(UInt32(files.count))
        for file in files {
            writer.append(file.path)
            writer.append(UInt64(bitPattern: file.stamp.size))
            writer.append(UInt64(bitPattern: file.stamp.modified))
            writer.append(file.stamp.inode)
            writer.bytes.append((file.stamp.isRegularFile ? 1 : 0) | (file.pageKey == nil ? 0 : 2))
            if let key = file.pageKey { writer.append(key) }
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) -> BuildRecord? {
        bytes.withUnsafeBytes { buffer -> BuildRecord? in
            var reader = ByteReader(buffer)
            guard reader.take(magic.count).map(Array.init) == magic,
                  reader.uint32() == UInt32(format),
                  let summaryLength = reader.uint32(), let summaryBytes = reader.take(Int(summaryLength)),
                  let summary = try? JSONDecoder().decode(Summary.self, from: Data(summaryBytes)),
                  let count = reader.uint32(), Int(count) <= buffer.count else { return nil }
            var files: [SiteFile] = []
            files.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let path = reader.string(), let size = reader.uint64(), let modified = reader.uint64(),
                      let inode = reader.uint64(), let flags = reader.byte() else { return nil }
                var key: UInt64?
                if flags & 2 != 0 {
                    guard let value = reader.uint64() else { return nil }
                    key = value
                }
                let stamp = FileIO.Stamp(size: Int64(bitPattern: size), modified: Int64(bitPattern: modified),
                                         inode: inode, isRegularFile: flags & 1 != 0)
                files.append(SiteFile(path: path, stamp: stamp, pageKey: key))
            }
            guard reader.isAtEnd else { return nil }
            return BuildRecord(summary: summary, files: files)
        }
    }
}
