import Foundation
import Glibc

extension LoadCache {
    /// The entries of `build` on disk: one file per postmortem in the site's
    /// cache folder (`._site.postmortem-cache/load/`), named by the digest
    /// of the postmortem's path, so a build reads the entries of the files
    /// that did not change, writes those of the files it loaded, and leaves
    /// the others alone.
    ///
    ///     "PMKB-LOAD\n"  format: UInt32  generation: UInt64  index: UInt64
    ///     path: String   the entry (`LoadCache+Bytes`)
    ///
    /// The generation is a digest of the format, the tool (its executable's
    /// stamp) and the configuration: an entry of another one is not read.
    /// The index is the folder's index the entry's body was finished in. An
    /// entry that is cut short, of another path or not one at all reads as
    /// none, and its file is loaded again: the cache never changes what a
    /// build makes, only how fast.
    struct Folder: Sendable {
        static let magic = Array("PMKB-LOAD\n".utf8)
        /// Bumped whenever the bytes of an entry change (`LoadCache+Bytes`).
        static let format: UInt32 = 1

        let url: URL
        /// `url`'s path, made once: each entry's file is named from it.
        private let folderPath: String
        let generation: UInt64

        init(url: URL, configurationKey: String) {
            self.url = url
            folderPath = url.path
            generation = StableHasher.digest { hasher in
                hasher.combine(Int(Self.format))
                hasher.combine(BuildRecord.toolStamp)
                hasher.combine(configurationKey)
            }
        }

        /// The file of the entry of the postmortem at `path`.
        func file(of path: String) -> String {
            folderPath + "/" + name(of: path)
        }

        /// The name of the file of the entry of the postmortem at `path`.
        func name(of path: String) -> String {
            StableHasher.hex(StableHasher.digest { $0.combine(path) })
        }

        /// The entry of `path` when it is of this generation and its file's bytes had `digest`.
        func entry(_ path: String, digest: UInt64) -> (entry: Entry, index: UInt64)? {
            guard let bytes = FileIO.read(file(of: path)),
                  let read = Self.decoded(bytes, path: path, generation: generation), read.entry.digest == digest else { return nil }
            return read
        }

        /// The entry these bytes hold for `path`, with the index it was finished in; nil for any other bytes.
        static func decoded(_ bytes: [UInt8], path: String, generation: UInt64) -> (entry: Entry, index: UInt64)? {
            bytes.withUnsafeBytes { buffer -> (Entry, UInt64)? in
                var reader = ByteReader(buffer)
                guard reader.take(magic.count).map(Array.init) == magic, reader.uint32() == format,
                      reader.uint64() == generation, let index = reader.uint64(), reader.string() == path,
                      let entry = try? reader.read(Entry.self), reader.isAtEnd else { return nil }
                return (entry, index)
            }
        }

        static func encoded(_ entry: Entry, path: String, generation: UInt64, index: UInt64) -> [UInt8] {
            var writer = ByteWriter()
            writer.bytes.reserveCapacity(4096 + (entry.finished.postmortem.map(\.body.html.utf8.count) ?? 0) * 3)
            writer.bytes += magic
            writer.append(format)
            writer.append(generation)
            writer.append(index)
            writer.append(path)
            writer.write(entry)
            return writer.bytes
        }

        /// Writes the entries that were not read from here, and removes the
        /// files of postmortems that are gone. A cache that cannot be
        /// written is no failure: the next build loads those files again.
        func store(_ entries: [(path: String, entry: Entry, reused: Bool)], index: UInt64) {
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            let fresh = entries.filter { !$0.reused }
            Parallel.forEach(fresh, minimumChunk: 16) { item in
                try? FileIO.replace(Self.encoded(item.entry, path: item.path, generation: generation, index: index),
                                    at: file(of: item.path))
            }
            let kept = Set(entries.map { name(of: $0.path) })
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folderPath)) ?? [] where !kept.contains(name) {
                unlink(folderPath + "/" + name)
            }
        }
    }
}
