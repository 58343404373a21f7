import Foundation

/// Finds text that looks like an end user's personal data: e-mail addresses
/// and phone numbers (Japanese `090-1234-5678`, `03-1234-5678`,
/// `09012345678`, full-width `０９０－１２３４－５６７８`, `+81 90-1234-5678`; international `+1 415 555 0100`;
/// North American `(415) 555-0100`, `415-555-0100`).
struct PersonalDataScanner {
    /// Domains whose addresses are not personal data: documentation domains
    /// (RFC 2606, RFC 6761) and those configured.
    let allowedDomains: [String]
    private let patterns: [(kind: String, regex: NSRegularExpression)]

    static let documentationDomains = ["example.com", "example.org", "example.net", "example.jp", "example.co.jp",
                                       "example", "test", "invalid", "localhost", "users.noreply.github.com"]

    init(allowedDomains: [String]) {
        self.allowedDomains = Self.documentationDomains + allowedDomains
        let sources: [(String, String)] = [
            ("e-mail address", #"(?<![\w.+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w-])"#),
            ("phone number", #"(?<![\w+.\-/:－])[0０]\d{1,4}[-－‐−]\d{1,4}[-－‐−]\d{3,4}(?![\w\-/.:－]*\d)"#),
            ("phone number", #"(?<![\w+.\-/:])[0０][789７８９][0０]\d{8}(?![\w])"#),
            ("phone number", #"(?<![\w+])\+\d{1,3}[ -]\(?\d{1,4}\)?[ -]\d{2,4}[ -]\d{3,4}(?![\w-])"#),
            ("phone number", #"(?<![\w(])\(\d{3}\) ?\d{3}-\d{4}(?![\w-])"#),
            ("phone number", #"(?<![\w+.\-/:])[2-9]\d{2}-\d{3}-\d{4}(?![\w\-/.:]*\d)"#),
        ]
        patterns = sources.compactMap { kind, pattern in
            (try? NSRegularExpression(pattern: pattern)).map { (kind, $0) }
        }
    }

    /// One finding per match, at its line and column (in Unicode scalars, like every diagnostic).
    func scan(_ text: String, file: String, severity: Diagnostic.Severity) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            guard line.contains(where: { $0 == "@" || $0.isNumber }) else { continue }
            let whole = NSRange(line.startIndex..., in: line)
            var taken: [Range<String.Index>] = []
            for (kind, regex) in patterns {
                for match in regex.matches(in: line, range: whole) {
                    guard let range = Range(match.range, in: line), !taken.contains(where: { $0.overlaps(range) }) else { continue }
                    let value = String(line[range])
                    if kind == "e-mail address" {
                        // `git@github.com:org/repo` is an SSH address, not a mailbox.
                        if line[range.upperBound...].first == ":" { continue }
                        if match.numberOfRanges > 1, let domainRange = Range(match.range(at: 1), in: line),
                           isAllowed(String(line[domainRange])) {
                            continue
                        }
                    }
                    if kind == "phone number", !plausiblePhone(value) { continue }
                    taken.append(range)
                    let column = line.unicodeScalars.distance(from: line.startIndex, to: range.lowerBound) + 1
                    findings.append(Diagnostic(
                        severity, .policyPersonalData, at: SourceLocation(file: file, line: lineNumber, column: column),
                        "this looks like an end user's \(kind) ('\(Self.masked(value))'); postmortems must not carry personal data",
                        notes: ["remove it or write a placeholder such as user@example.com or 090-XXXX-XXXX (policy.personal_data)"],
                        sourceLine: line))
                }
            }
        }
        return findings
    }

    func isAllowed(_ domain: String) -> Bool {
        let domain = domain.lowercased()
        return allowedDomains.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }

    /// 10 to 15 digits (E.164 allows 15), not a run of one digit.
    func plausiblePhone(_ value: String) -> Bool {
        let digits = value.compactMap(\.wholeNumberValue)  // full-width digits count too
        return (10...15).contains(digits.count) && Set(digits.dropFirst()).count > 1
    }

    /// The value with its middle hidden, so the diagnostic does not repeat it whole.
    static func masked(_ value: String) -> String {
        let characters = Array(value)
        guard characters.count > 6 else { return value }
        let keep = max(2, characters.count / 4)
        return String(characters.prefix(keep)) + String(repeating: "•", count: characters.count - 2 * keep)
            + String(characters.suffix(keep))
    }
}
