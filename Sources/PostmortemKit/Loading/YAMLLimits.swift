import CYaml

/// A pass over libyaml's events before Yams composes a tree, refusing YAML
/// that would take unbounded time or stack later: aliases that expand to
/// more values than any front matter holds (the "billion laughs"), and
/// collections nested deeper than `YAMLDocument.maxNesting`. libyaml's
/// parser keeps its own stacks, so this pass itself never recurses; Yams's
/// composer recurses once per level and hashes whole keys, which is why it
/// runs only on YAML that passed.
enum YAMLLimits {
    /// More values than this, counting each alias as the values it stands for,
    /// is refused: honest front matter holds a few dozen.
    static let maxValues = 10_000

    enum Violation: Equatable {
        /// 1-based line and column in the YAML text.
        case tooManyValues(line: Int, column: Int)
        case tooDeep(line: Int, column: Int)
    }

    /// The first violation in `yaml`, or nil. YAML that libyaml cannot parse
    /// passes: Yams reports its syntax errors with their positions.
    static func check(_ yaml: String) -> Violation? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(yaml.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Violation? in
            guard let base = buffer.baseAddress else { return nil }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            /// Values of each open collection, itself included, and its anchor.
            var open: [(values: Int, anchor: String?)] = []
            var anchors: [String: Int] = [:]
            var total = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                var added = 0
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    added = 1
                    if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = 1 }
                case YAML_ALIAS_EVENT:
                    added = name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? name(event.data.sequence_start.anchor) : name(event.data.mapping_start.anchor)
                    open.append((1, anchor))
                    if open.count > YAMLDocument.maxNesting { return .tooDeep(line: line, column: column) }
                    total += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { return nil }
                    if let anchor = closed.anchor { anchors[anchor] = closed.values }
                    if !open.isEmpty { open[open.count - 1].values += closed.values }
                default:
                    break
                }
                if added > 0 {
                    // Saturating: an alias of an alias of … must not overflow before it is refused.
                    total = min(total + added, maxValues + 1)
                    if !open.isEmpty { open[open.count - 1].values = min(open[open.count - 1].values + added, maxValues + 1) }
                }
                if total > maxValues { return .tooManyValues(line: line, column: column) }
            }
        }
    }

    static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}
