import Foundation

extension PageContext {
    /// The body's task-list checkboxes with an accessible name ("Done" or
    /// "Not done"). The Markdown layer writes them exactly as cmark-gfm does,
    /// without one; a form control needs a name for a screen reader.
    func labelledTaskCheckboxes(_ html: String) -> String {
        guard html.contains(#"<input type="checkbox""#) else { return html }
        let done = Feeds.escape(labels["taskDone"] ?? "Done"), notDone = Feeds.escape(labels["taskNotDone"] ?? "Not done")
        return html
            .replacingOccurrences(of: #"<input type="checkbox" checked="" disabled="" />"#,
                                  with: #"<input type="checkbox" checked="" disabled="" aria-label="\#(done)" />"#)
            .replacingOccurrences(of: #"<input type="checkbox" disabled="" />"#,
                                  with: #"<input type="checkbox" disabled="" aria-label="\#(notDone)" />"#)
    }
}
