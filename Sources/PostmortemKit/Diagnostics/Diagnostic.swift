/// One problem found in a postmortem or the configuration, located like a
/// compiler error: `file:line:col: error|warning: message`.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Comparable, Codable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// A stable identifier for the kind of problem (`yaml-syntax`, `unknown-key`…),
    /// for tools and for documentation; never shown in place of the message.
    public var code: DiagnosticCode
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// Further sentences: what to do, where the other half of a conflict is.
    public var notes: [String]
    /// The text of the offending source line, shown with a caret under `column`.
    public var sourceLine: String?

    public init(
        _ severity: Severity, _ code: DiagnosticCode, at location: SourceLocation,
        _ message: String, notes: [String] = [], sourceLine: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.notes = notes
        self.sourceLine = sourceLine
    }

    public static func error(
        _ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, at: location, message, notes: notes)
    }

    public static func warning(
        _ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code, at: location, message, notes: notes)
    }
}

/// A position in a file: 1-based line counted from the top of the file (front
/// matter included) and 1-based column counted in Unicode scalars.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// Files in byte order of their paths, then by line and column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.file != rhs.file { return lhs.file.utf8Precedes(rhs.file) }
        return (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// The stable identifiers of diagnostics, documented in `docs/diagnostics.md`.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

extension DiagnosticCode {
    // The file itself.
    public static let fileEmpty = DiagnosticCode(rawValue: "file-empty")
    public static let symlinkOutsideSource = DiagnosticCode(rawValue: "symlink-outside-source")
    public static let fileTooLarge = DiagnosticCode(rawValue: "file-too-large")
    public static let fileBinary = DiagnosticCode(rawValue: "file-binary")
    public static let fileInvalidUTF8 = DiagnosticCode(rawValue: "file-invalid-utf8")
    public static let fileUnreadable = DiagnosticCode(rawValue: "file-unreadable")
    public static let fileNameNotUTF8 = DiagnosticCode(rawValue: "file-name-not-utf8")
    // Front matter and YAML.
    public static let frontMatterUnterminated = DiagnosticCode(rawValue: "front-matter-unterminated")
    public static let frontMatterNotMapping = DiagnosticCode(rawValue: "front-matter-not-mapping")
    public static let frontMatterTooDeep = DiagnosticCode(rawValue: "front-matter-too-deep")
    public static let frontMatterTooLarge = DiagnosticCode(rawValue: "front-matter-too-large")
    public static let noFrontMatter = DiagnosticCode(rawValue: "no-front-matter")
    public static let yamlSyntax = DiagnosticCode(rawValue: "yaml-syntax")
    public static let yamlTab = DiagnosticCode(rawValue: "yaml-tab")
    public static let yamlDuplicateKey = DiagnosticCode(rawValue: "yaml-duplicate-key")
    // Fields.
    public static let unknownKey = DiagnosticCode(rawValue: "unknown-key")
    public static let wrongType = DiagnosticCode(rawValue: "wrong-type")
    public static let invalidValue = DiagnosticCode(rawValue: "invalid-value")
    public static let unknownSeverity = DiagnosticCode(rawValue: "unknown-severity")
    public static let unknownCategory = DiagnosticCode(rawValue: "unknown-category")
    public static let unknownService = DiagnosticCode(rawValue: "unknown-service")
    public static let milestoneOrder = DiagnosticCode(rawValue: "milestone-order")
    public static let durationMismatch = DiagnosticCode(rawValue: "duration-mismatch")
    public static let missingFields = DiagnosticCode(rawValue: "missing-fields")
    // The body.
    public static let brokenLink = DiagnosticCode(rawValue: "broken-link")
    public static let linkOutsideSource = DiagnosticCode(rawValue: "link-outside-source")
    public static let inferredValue = DiagnosticCode(rawValue: "inferred-value")
    // Across files.
    public static let duplicateID = DiagnosticCode(rawValue: "duplicate-id")
    public static let relatedNotFound = DiagnosticCode(rawValue: "related-not-found")
    public static let pageCollision = DiagnosticCode(rawValue: "page-collision")
    public static let similarCauseKey = DiagnosticCode(rawValue: "similar-cause-key")
    // Configuration.
    public static let configInvalid = DiagnosticCode(rawValue: "config-invalid")
}
