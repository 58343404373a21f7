import PostmortemKit

/// What the server adds to the HTML it sends, and the pages it makes itself.
enum DevPages {
    /// `html` with the live-reload script and, after a failed build, the error overlay, before `</body>`.
    static func inject(into html: String, failure: String?) -> String {
        let addition = (failure.map(overlay) ?? "") + LiveReload.script
        guard let end = html.range(of: "</body>", options: [.caseInsensitive, .backwards]) else { return html + addition }
        return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: addition)
    }

    /// The failed build's report over the page; the page under it is the last good site.
    static func overlay(_ report: String) -> String {
        """
        <div id="postmortem-serve-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;\
        background:rgba(24,4,4,.94);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace">
        <h1 style="margin:0 0 1rem;font-size:1.25rem;color:#ff8a80">The build failed: this is the last good site</h1>
        <pre style="white-space:pre-wrap;margin:0 0 1rem">\(escape(report))</pre>
        <p style="margin:0;color:#ccc">Fix the file and save it: this page reloads after the next build.</p>
        </div>
        """
    }

    /// The page for a path the site does not have.
    static func notFound(path: String, failure: String?) -> String {
        inject(into: """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
            <body style="font:16px/1.5 system-ui,sans-serif;margin:3rem">
            <h1>Not found</h1><p>The site has no <code>\(escape(path))</code>.</p><p><a href="/">Back to the index</a></p>
            </body></html>

            """, failure: failure)
    }

    /// Text made safe inside HTML elements and attribute values: the theme's own escaping.
    static func escape(_ text: String) -> String { text.htmlEscaped }
}
