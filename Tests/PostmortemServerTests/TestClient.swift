import FlyingSocks
import Foundation
import Testing

/// A response as a test reads it off the wire.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

enum TestTimeout: Error {
    case expired(String)
}

/// `operation`, failing with `TestTimeout` after `seconds` instead of hanging the suite. The bounds are
/// generous (the whole suite runs at once on two cores); they end a broken test, they never pace a good one.
func within<T: Sendable>(_ seconds: Double, _ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TestTimeout.expired(what)
        }
        guard let first = try await group.next() else { throw TestTimeout.expired(what) }
        group.cancelAll()
        return first
    }
}

/// HTTP/1.1 spoken by hand over a socket, so a test can send any request
/// target as it is (`/../x`, `/%2e%2e/x`), which URL-based clients clean up first.
enum RawHTTP {
    static func connect(_ port: UInt16) async throws -> AsyncSocket {
        try await AsyncSocket.connected(to: sockaddr_in.inet(ip4: "127.0.0.1", port: port))
    }

    static func send(_ socket: AsyncSocket, _ method: String, _ target: String) async throws {
        try await socket.write(Data("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    }

    /// One request on its own connection, read to the end.
    static func request(_ port: UInt16, _ target: String, method: String = "GET") async throws -> RawResponse {
        try await within(60, "\(method) \(target)") {
            let socket = try await connect(port)
            defer { try? socket.close() }
            try await send(socket, method, target)
            var bytes: [UInt8] = []
            while true {
                do {
                    let chunk = try await socket.read(atMost: 65_536)
                    if chunk.isEmpty { break }
                    bytes += chunk
                } catch SocketError.disconnected {
                    break
                }
            }
            return try parse(bytes)
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> RawResponse {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = try #require(statusLine.count >= 2 ? Int(statusLine[1]) : nil, "status line of \(head)")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawResponse(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// A page's event stream, read as it comes.
struct EventStream: Sendable {
    private let socket: AsyncSocket
    /// Everything received so far (chunk framing included; events are short and arrive whole).
    private(set) var received = ""

    private init(socket: AsyncSocket) {
        self.socket = socket
    }

    /// Opens the stream and waits until the server has registered it.
    static func open(_ port: UInt16, path: String) async throws -> EventStream {
        var stream = EventStream(socket: try await RawHTTP.connect(port))
        try await RawHTTP.send(stream.socket, "GET", path)
        try await stream.waitFor(": connected")
        return stream
    }

    /// Reads until `text` has arrived after what was consumed before, and consumes it.
    mutating func waitFor(_ text: String, seconds: Double = 90) async throws {
        let socket = socket
        let before = received
        let received = try await within(seconds, "'\(text)' on the event stream") {
            var buffer = before
            while !buffer.contains(text) {
                let chunk = try await socket.read(atMost: 4096)
                buffer += String(decoding: chunk, as: UTF8.self)
            }
            return buffer
        }
        guard let range = received.range(of: text) else { return }
        self.received = String(received[range.upperBound...])
    }

    /// Reads until the server ends the stream.
    func waitForEnd(seconds: Double = 60) async throws {
        let socket = socket
        try await within(seconds, "the end of the event stream") {
            while true {
                do {
                    let chunk = try await socket.read(atMost: 4096)
                    if chunk.isEmpty { return }
                } catch SocketError.disconnected {
                    return
                }
            }
        }
    }

    func close() {
        try? socket.close()
    }
}
