/// Where each front-matter field was written (`FieldSite`: its place and its
/// line of source text), for the diagnostics of the checks after the load
/// stage: in memory, or left in the postmortem's load cache entry beside its
/// texts (`BodyText`) and read when a diagnostic needs one. Nearly every
/// build needs none, and a line of text per field was a tenth of a 10,000
/// build's memory (38 MB).
struct FieldSites: Sendable, Hashable {
    enum Storage: Sendable {
        case memory([String: FieldSite])
        /// Encoded (`encode`), for a postmortem whose file is `sourcePath`.
        case file(TextFile, offset: Int, length: Int, digest: UInt64, sourcePath: String)
    }

    let storage: Storage

    init(_ sites: [String: FieldSite]) { storage = .memory(sites) }

    init(file: TextFile, offset: Int, length: Int, digest: UInt64, sourcePath: String) {
        storage = .file(file, offset: offset, length: length, digest: digest, sourcePath: sourcePath)
    }

    var isInMemory: Bool {
        if case .memory = storage { return true }
        return false
    }

    /// The sites; read from the file each time. Sites that cannot be read
    /// are none, and the file's `TextFile.Failures` records it, so the build fails.
    var sites: [String: FieldSite] {
        switch storage {
        case let .memory(sites):
            return sites
        case let .file(file, offset, length, digest, sourcePath):
            guard let bytes = file.readBytes(offset: offset, length: length, digest: digest) else { return [:] }
            let sites = bytes.withUnsafeBytes { buffer -> [String: FieldSite]? in
                var reader = ByteReader(buffer)
                guard let sites = try? Self.decode(&reader, sourcePath: sourcePath), reader.isAtEnd else { return nil }
                return sites
            }
            if sites == nil { file.failures.record(file.path) }
            return sites ?? [:]
        }
    }

    static func == (lhs: FieldSites, rhs: FieldSites) -> Bool { lhs.sites == rhs.sites }

    func hash(into hasher: inout Hasher) { hasher.combine(sites) }

    /// A count, then each site in the UTF-8 order of its field's name: the
    /// name, the file (nil for the postmortem's own, nearly every one), the
    /// line, the column and the line's text.
    static func encode(_ sites: [String: FieldSite], sourcePath: String, into writer: inout ByteWriter) {
        writer.append(UInt32(sites.count))
        for (name, site) in sites.sorted(by: { $0.key.utf8Precedes($1.key) }) {
            writer.write(name)
            writer.write(site.location.file == sourcePath ? nil : site.location.file)
            writer.write(site.location.line)
            writer.write(site.location.column)
            writer.write(site.lineText)
        }
    }

    static func decode(_ reader: inout ByteReader, sourcePath: String) throws(ByteReader.Malformed) -> [String: FieldSite] {
        let count = Int(try ByteReader.need(reader.uint32()))
        guard count <= reader.remaining else { throw ByteReader.Malformed() }
        var sites: [String: FieldSite] = [:]
        sites.reserveCapacity(count)
        for _ in 0..<count {
            let name: String = try reader.read(), file: String? = try reader.read()
            let line: Int = try reader.read(), column: Int = try reader.read()
            sites[name] = FieldSite(location: SourceLocation(file: file ?? sourcePath, line: line, column: column),
                                    lineText: try reader.read())
        }
        return sites
    }
}
