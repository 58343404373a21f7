import Foundation
import PostmortemKit

/// Which file of the site answers a request path: never one outside the
/// site folder (no `..`, no hidden files such as the site marker, no
/// symbolic link leading out), `index.html` for a folder, and a redirect to
/// `folder/` first so the pages' relative links resolve.
enum SiteFiles {
    enum Resolution: Equatable, Sendable {
        case file(URL)
        /// A folder asked for without its final `/`: where to send the browser (percent-encoded).
        case redirect(String)
        case notFound
    }

    /// `path` is the request's decoded path (`/causes/db.html`).
    static func resolve(_ path: String, in root: URL) -> Resolution {
        guard path.hasPrefix("/") else { return .notFound }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard segments.allSatisfy({ !$0.hasPrefix(".") && !$0.contains("\0") && !$0.contains("\\") }) else { return .notFound }
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        var url = URL(fileURLWithPath: rootPath, isDirectory: true)
        for segment in segments { url.appendPathComponent(segment) }
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved == rootPath || resolved.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/") else { return .notFound }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder) else { return .notFound }
        if isFolder.boolValue {
            guard path.hasSuffix("/") else { return .redirect(SitePaths.urlPath(path + "/")) }
            let index = URL(fileURLWithPath: resolved).appendingPathComponent("index.html")
            var indexIsFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: index.path, isDirectory: &indexIsFolder), !indexIsFolder.boolValue else {
                return .notFound
            }
            return .file(index)
        }
        return .file(URL(fileURLWithPath: resolved))
    }

    /// The `Content-Type` of a site file, by its extension.
    static func contentType(_ url: URL) -> String {
        switch url.pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "csv": "text/csv; charset=utf-8"
        case "txt", "md", "log": "text/plain; charset=utf-8"
        case "xml":
            url.lastPathComponent == "feed.xml" ? "application/atom+xml; charset=utf-8" : "application/xml; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "avif": "image/avif"
        case "ico": "image/vnd.microsoft.icon"
        case "pdf": "application/pdf"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "mp4": "video/mp4"
        default: "application/octet-stream"
        }
    }
}
