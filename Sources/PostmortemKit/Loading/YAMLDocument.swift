import Yams

/// YAML text parsed into a Yams node tree, with every problem turned into a
/// located diagnostic. Scalars stay strings (the basic resolver): the typed
/// readers parse dates, numbers and booleans themselves, so `no` or `1.10`
/// never change type behind the author's back.
struct YAMLDocument {
    var root: Node?
    var diagnostics: [Diagnostic]

    /// Deeper flow nesting than this is refused before parsing: no front
    /// matter needs it, and the YAML composer recurses once per level.
    static let maxNesting = 64

    /// Parses `yaml`, whose first line is line `firstLine` of `source`.
    init(yaml: String, firstLine: Int, in source: SourceText) {
        root = nil
        diagnostics = []
        let lineOffset = firstLine - 1
        if let tab = Self.firstIndentationTab(in: yaml) {
            diagnostics.append(source.diagnostic(
                .error, .yamlTab, line: tab.line + lineOffset, column: tab.column,
                "tab character in YAML indentation",
                notes: ["YAML allows only spaces for indentation: replace the tab with spaces"]))
            return
        }
        if let deep = Self.firstTooDeepBracket(in: yaml) {
            diagnostics.append(source.diagnostic(
                .error, .frontMatterTooDeep, line: deep.line + lineOffset, column: deep.column,
                "YAML nested more than \(Self.maxNesting) levels deep",
                notes: ["front matter holds flat fields and short lists; flatten this value"]))
            return
        }
        switch YAMLLimits.check(yaml) {
        case let .tooDeep(line, column)?:
            diagnostics.append(source.diagnostic(
                .error, .frontMatterTooDeep, line: line + lineOffset, column: column,
                "YAML nested more than \(Self.maxNesting) levels deep",
                notes: ["front matter holds flat fields and short lists; flatten this value"]))
            return
        case let .tooManyValues(line, column)?:
            diagnostics.append(source.diagnostic(
                .error, .frontMatterTooLarge, line: line + lineOffset, column: column,
                "YAML holds more than \(YAMLLimits.maxValues) values, counting what each alias stands for",
                notes: ["front matter needs no anchors (&name) or aliases (*name): write the values out"]))
            return
        case nil:
            break
        }
        do {
            let parser = try Parser(yaml: yaml, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            diagnostics.append(Self.diagnostic(for: error, lineOffset: lineOffset, in: source))
        } catch {
            diagnostics.append(source.diagnostic(
                .error, .yamlSyntax, line: firstLine, column: 1, "cannot parse YAML: \(error)"))
        }
    }

    static func diagnostic(for error: YamlError, lineOffset: Int, in source: SourceText) -> Diagnostic {
        func located(_ mark: Mark, _ message: String, notes: [String] = []) -> Diagnostic {
            source.diagnostic(.error, .yamlSyntax, line: mark.line + lineOffset,
                              column: mark.column, message, notes: notes)
        }
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var notes: [String] = []
            if let context {
                notes.append("\(context.text) at line \(context.mark.line + lineOffset)")
            }
            notes.append(hint(for: problem))
            return located(mark, "YAML syntax error: \(problem)", notes: notes.filter { !$0.isEmpty })
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            var diagnostic = located(
                context.mark, "key \(names) appears more than once in the same mapping",
                notes: ["keep one of them: YAML would silently use only the last"])
            diagnostic.code = .yamlDuplicateKey
            return diagnostic
        default:
            return source.diagnostic(.error, .yamlSyntax, line: lineOffset + 1, column: 1,
                                     "cannot parse YAML: \(error)")
        }
    }

    /// A sentence that tells a hurried author what usually causes `problem`.
    static func hint(for problem: String) -> String {
        if problem.contains("mapping values are not allowed") {
            return "a value holding ': ' must be quoted, e.g. title: \"Outage: DB down\""
        }
        if problem.contains("could not find expected ':'") {
            return "each field is 'key: value' on its own line"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "check the indentation of this line against the lines above it"
        }
        if problem.contains("found character that cannot start any token") {
            return "quote a value that starts with a special character such as @, ` or %"
        }
        return ""
    }

    /// The first tab in the leading white space of a line, 1-based.
    static func firstIndentationTab(in yaml: String) -> (line: Int, column: Int)? {
        var line = 1
        var column = 1
        var inIndentation = true
        for byte in yaml.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                column = 1
                inIndentation = true
                continue
            case UInt8(ascii: "\t") where inIndentation:
                return (line, column)
            case UInt8(ascii: " ") where inIndentation, UInt8(ascii: "-") where inIndentation:
                break
            default:
                inIndentation = false
            }
            if byte & 0xC0 != 0x80 { column += 1 }
        }
        return nil
    }

    /// Where flow brackets (`[`, `{`) first nest past `maxNesting`. Quotes
    /// are not tracked: no honest string holds 64 unclosed brackets.
    static func firstTooDeepBracket(in yaml: String) -> (line: Int, column: Int)? {
        var depth = 0
        var line = 1
        var column = 1
        for byte in yaml.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                column = 1
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxNesting { return (line, column) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
            if byte & 0xC0 != 0x80 { column += 1 }
        }
        return nil
    }
}
