import FlyingFox
import Foundation

/// Answers every request: the live-reload stream, else a file of the site
/// from the output folder as it is on disk (the last good build), HTML with
/// the reload script (and the error overlay after a failed build) added.
struct SiteHandler: HTTPHandler {
    let root: URL
    let reload: LiveReload
    let state: BuildState

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            let headers: HTTPHeaders = [HTTPHeader("Allow"): "GET, HEAD"]
            return HTTPResponse(statusCode: .methodNotAllowed, headers: headers)
        }
        // The path as sent, decoded: FlyingFox's `request.path` is cleaned up, which drops a folder's final `/`.
        let path = request.target.path(percentEncoded: false)
        if path == LiveReload.eventsPath { return await reload.response() }
        let failure = await state.failure
        switch SiteFiles.resolve(path, in: root) {
        case let .redirect(location):
            let headers: HTTPHeaders = [.location: location, .cacheControl: "no-store"]
            return HTTPResponse(statusCode: .movedPermanently, headers: headers)
        case .notFound:
            return respond(request, status: .notFound, type: "text/html; charset=utf-8",
                           body: Data(DevPages.notFound(path: path, failure: failure).utf8))
        case let .file(url):
            let type = SiteFiles.contentType(url)
            guard type.hasPrefix("text/html") else {
                guard let body = try? HTTPBodySequence(file: url) else {
                    return respond(request, status: .notFound, type: "text/html; charset=utf-8",
                                   body: Data(DevPages.notFound(path: path, failure: failure).utf8))
                }
                var headers: HTTPHeaders = [.contentType: type, .cacheControl: "no-store"]
                guard request.method != .HEAD else {
                    headers[.contentLength] = String(body.count ?? 0)
                    return HTTPResponse(statusCode: .ok, headers: headers)
                }
                return HTTPResponse(statusCode: .ok, headers: headers, body: body)
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return respond(request, status: .notFound, type: "text/html; charset=utf-8",
                               body: Data(DevPages.notFound(path: path, failure: failure).utf8))
            }
            let html = DevPages.inject(into: String(decoding: data, as: UTF8.self), failure: failure)
            return respond(request, status: .ok, type: type, body: Data(html.utf8))
        }
    }

    private func respond(_ request: HTTPRequest, status: HTTPStatusCode, type: String, body: Data) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: type, .cacheControl: "no-store"]
        guard request.method != .HEAD else {
            headers[.contentLength] = String(body.count)
            return HTTPResponse(statusCode: status, headers: headers)
        }
        return HTTPResponse(statusCode: status, headers: headers, body: body)
    }
}

/// The outcome of the last build, which pages show: nil when it built, else
/// its report (the diagnostics as `check` prints them).
actor BuildState {
    private(set) var failure: String?
    private(set) var builds = 0

    func record(failure: String?) {
        self.failure = failure
        builds += 1
    }
}
