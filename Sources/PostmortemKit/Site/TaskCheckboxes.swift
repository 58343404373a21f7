extension PageContext {
    /// The body's task-list checkboxes with an accessible name ("Done" or
    /// "Not done"). The Markdown layer writes them exactly as cmark-gfm does,
    /// without one; a form control needs a name for a screen reader.
    func labelledTaskCheckboxes(_ html: String) -> String {
        let marker = #"<input type="checkbox" "#
        let parts = html.split(separator: marker, omittingEmptySubsequences: false)
        guard parts.count > 1 else { return html }
        let done = Feeds.escape(labels["taskDone"] ?? "Done"), notDone = Feeds.escape(labels["taskNotDone"] ?? "Not done")
        let checked = #"checked="" disabled="" />"#, unchecked = #"disabled="" />"#
        var result = String(parts[0])
        for part in parts.dropFirst() {
            result += marker
            if part.hasPrefix(checked) {
                result += #"checked="" disabled="" aria-label="\#(done)" />"# + part.dropFirst(checked.count)
            } else if part.hasPrefix(unchecked) {
                result += #"disabled="" aria-label="\#(notDone)" />"# + part.dropFirst(unchecked.count)
            } else {
                result += part
            }
        }
        return result
    }
}
