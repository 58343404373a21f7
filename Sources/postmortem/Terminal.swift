import Foundation

/// Output to the terminal: diagnostics and errors go to standard error.
enum Terminal {
    static func error(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((newline ? text + "\n" : text).utf8))
    }
}
