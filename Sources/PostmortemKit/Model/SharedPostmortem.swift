/// A postmortem held by reference. What many lists point to (the related
/// and similar entries of other pages, the entries of its action items)
/// shares one copy: a `Postmortem` copied retains each of its texts and
/// lists, and such copies were a few per cent of an edit rebuild's CPU at
/// 10,000 postmortems.
final class SharedPostmortem: Sendable {
    let postmortem: Postmortem

    init(_ postmortem: Postmortem) { self.postmortem = postmortem }
}
