/// The numbering of a team's postmortem ids, read from the ids it has, to
/// give the next one: `PM-2024-007` (a prefix, the year, a number counted
/// from 1 each year) or `OPS-042` (a prefix and a running number).
enum IDPattern {
    /// An id cut into its parts: `PM-` `2024` `-` `007`, or `OPS-` nil nil `042`.
    struct Parts: Hashable {
        var prefix: String
        var year: Int?
        var separator: String
        var number: Int
        var width: Int

        /// The shape two ids of one pattern share.
        var shape: [String] { [prefix, year == nil ? "" : "year", separator] }
    }

    /// The next free id after `existing` for a postmortem of `year`: the
    /// most used pattern's next number (in `year` when the ids carry years,
    /// from 1 in a new year), as wide as the widest number seen;
    /// `INC-<year>-001` when no id has a number.
    static func next(after existing: [String], year: Int) -> String {
        let used = Set(existing)
        let parsed = existing.compactMap(parse)
        let groups = Dictionary(grouping: parsed, by: \.shape)
        // The most used shape; a tie goes to the one with the latest year, then the highest number.
        guard let chosen = groups.values.max(by: { a, b in
            (a.count, a.compactMap(\.year).max() ?? 0, a.map(\.number).max() ?? 0, b.first?.prefix ?? "")
                < (b.count, b.compactMap(\.year).max() ?? 0, b.map(\.number).max() ?? 0, a.first?.prefix ?? "")
        }), let sample = chosen.first else {
            return firstFree(prefix: "INC-\(year)-", from: 1, width: 3, used: used)
        }
        let width = chosen.map(\.width).max() ?? 3
        if sample.year != nil {
            let number = (chosen.filter { $0.year == year }.map(\.number).max() ?? 0) + 1
            return firstFree(prefix: "\(sample.prefix)\(year)\(sample.separator)", from: number, width: width, used: used)
        }
        return firstFree(prefix: sample.prefix, from: (chosen.map(\.number).max() ?? 0) + 1, width: width, used: used)
    }

    static func firstFree(prefix: String, from number: Int, width: Int, used: Set<String>) -> String {
        var number = number
        while true {
            let digits = String(number)
            let id = prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
            if !used.contains(id) { return id }
            number += 1
        }
    }

    /// The parts of an id ending in a number; a 4-digit year (1970–2199)
    /// followed by a non-digit separator and a number counts as a year.
    static func parse(_ id: String) -> Parts? {
        let scalars = Array(id.unicodeScalars)
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        var end = scalars.count
        while end > 0, isDigit(scalars[end - 1]) { end -= 1 }
        let numberText = String(String.UnicodeScalarView(scalars[end...]))
        guard !numberText.isEmpty, numberText.count <= 9, let number = Int(numberText) else { return nil }
        var separatorStart = end
        while separatorStart > 0, !isDigit(scalars[separatorStart - 1]), "-_./".unicodeScalars.contains(scalars[separatorStart - 1]) {
            separatorStart -= 1
        }
        var yearStart = separatorStart
        while yearStart > 0, isDigit(scalars[yearStart - 1]) { yearStart -= 1 }
        if separatorStart < end, separatorStart - yearStart == 4,
           let year = Int(String(String.UnicodeScalarView(scalars[yearStart..<separatorStart]))), (1970...2199).contains(year) {
            return Parts(prefix: String(String.UnicodeScalarView(scalars[..<yearStart])), year: year,
                         separator: String(String.UnicodeScalarView(scalars[separatorStart..<end])),
                         number: number, width: numberText.count)
        }
        return Parts(prefix: String(String.UnicodeScalarView(scalars[..<end])), year: nil, separator: "",
                     number: number, width: numberText.count)
    }
}
