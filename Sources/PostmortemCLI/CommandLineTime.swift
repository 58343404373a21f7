import ArgumentParser
import Foundation
import PostmortemKit

/// `--now` as the commands take it.
public enum CommandLineTime {
    public static func parse(_ text: String?) throws -> Date {
        guard let text else { return Date() }
        guard case let .dateTime(instant, _) = DateTimeParsing.parse(text, timeZone: TimeZone(secondsFromGMT: 0) ?? .current) else {
            throw ValidationError("--now must be a date-time such as 2026-01-31T09:00Z, not '\(text)'")
        }
        return instant
    }
}
