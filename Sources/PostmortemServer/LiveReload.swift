import FlyingFox
import FlyingSocks
import Foundation

/// The live-reload channel: every open page listens to a server-sent event
/// stream and reloads itself when a build finishes (a good one, or one with
/// errors, whose overlay the reloaded page then shows).
actor LiveReload {
    /// Where pages listen; outside any path the site uses.
    static let eventsPath = "/__postmortem/events"

    /// Added to every HTML page the server sends (never to the written files).
    static let script = """
        <script>/* postmortem serve: reloads this page after each build */
        (function () { var events = new EventSource("\(eventsPath)");
        events.addEventListener("reload", function () { events.close(); location.reload(); }); })();</script>
        """

    private var clients: [UUID: AsyncStream<Data>.Continuation] = [:]
    private var closed = false

    /// How many pages listen now.
    var clientCount: Int { clients.count }

    /// A new listener's stream: the event stream's bytes, open until the
    /// page goes away or the server stops.
    func subscribe() -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingNewest(64))
        guard !closed else {
            continuation.finish()
            return stream
        }
        let id = UUID()
        clients[id] = continuation
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        // The browser retries after a second when the server restarts; the comment opens the stream at once.
        continuation.yield(Data("retry: 1000\n: connected\n\n".utf8))
        return stream
    }

    /// Sends `event` with `data` (one line) to every listener.
    func send(_ event: String, data: String) {
        let message = Data("event: \(event)\ndata: \(data.replacingOccurrences(of: "\n", with: " "))\n\n".utf8)
        for continuation in clients.values { continuation.yield(message) }
    }

    /// A comment line: keeps the connection alive and finds pages that went away.
    func ping() {
        for continuation in clients.values { continuation.yield(Data(": ping\n\n".utf8)) }
    }

    /// Ends every stream (their responses complete) and refuses new ones: for a clean stop.
    func close() {
        closed = true
        for continuation in clients.values { continuation.finish() }
        clients = [:]
    }

    private func remove(_ id: UUID) {
        clients[id] = nil
    }

    /// The `text/event-stream` response of a new listener.
    func response() -> HTTPResponse {
        HTTPResponse(statusCode: .ok,
                     headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
                     body: HTTPBodySequence(from: EventBytes(stream: subscribe())))
    }
}

/// An async stream of byte chunks as the buffered byte sequence a streamed
/// (chunked) FlyingFox body reads: each event goes out as soon as it is sent.
struct EventBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<Data>

    func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator())
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<Data>.Iterator
        var pending: [UInt8] = []

        mutating func next() async -> UInt8? {
            await nextBuffer(suggested: 1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            while pending.isEmpty {
                guard let chunk = await base.next() else { return nil }
                pending = Array(chunk)
            }
            let taken = Array(pending.prefix(Swift.max(1, count)))
            pending.removeFirst(taken.count)
            return taken
        }
    }
}
