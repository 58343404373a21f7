extension PageContext {
    /// The body's task-list checkboxes with an accessible name ("Done" or
    /// "Not done"). The Markdown layer writes them exactly as cmark-gfm does,
    /// without one; a form control needs a name for a screen reader.
    func labelledTaskCheckboxes(_ html: String) -> String {
        // Only the checkboxes the layer writes: the marker, then exactly one of the two endings.
        let marker = #"<input type="checkbox" "#
        let done = Feeds.escape(labels["taskDone"] ?? "Done"), notDone = Feeds.escape(labels["taskNotDone"] ?? "Not done")
        return html
            .replacingEvery(marker + #"checked="" disabled="" />"#,
                            with: marker + #"checked="" disabled="" aria-label="\#(done)" />"#)
            .replacingEvery(marker + #"disabled="" />"#, with: marker + #"disabled="" aria-label="\#(notDone)" />"#)
    }
}
