import Testing
@testable import PostmortemKit

/// Checks that need every postmortem: unique ids, `related` ids that exist.
@Suite struct CrossFileTests {
    func loadAll(_ files: [(String, String)]) -> LoadResult {
        LoadStage.load(files.map { SourceFile(path: $0.0, text: $0.1) }, configuration: .default)
    }

    @Test func duplicateIDIsAnErrorOnTheLaterFile() {
        let result = loadAll([
            ("a.md", frontMatter("id: INC-1\nstatus: draft")),
            ("b.md", frontMatter("status: draft\nid: INC-1")),
        ])
        #expect(result.diagnostics == [
            diagnostic(.error, .duplicateID, 3, 5, "id 'INC-1' is already used by a.md",
                       notes: ["ids name pages and links, so each must be unique: give this postmortem another 'id'"],
                       source: "id: INC-1", file: "b.md"),
        ])
    }

    @Test func idFromFileNameCollidingWithAWrittenID() {
        let result = loadAll([
            ("x/INC-1.md", "# Legacy\n"),
            ("y.md", frontMatter("id: INC-1\nstatus: draft")),
        ])
        #expect(result.diagnostics.filter { $0.code == .duplicateID } == [
            diagnostic(.error, .duplicateID, 2, 5, "id 'INC-1' is already used by x/INC-1.md",
                       notes: ["ids name pages and links, so each must be unique: give this postmortem another 'id'"],
                       source: "id: INC-1", file: "y.md"),
        ])
    }

    @Test func idsThatWouldShareAPageAreAnErrorOnTheLaterFile() {
        let result = loadAll([
            ("a.md", frontMatter("id: INC-7\nstatus: draft")),
            ("b.md", frontMatter("status: draft\nid: inc-7")),
            ("c.md", frontMatter("status: draft\nid: INC-8")),
        ])
        #expect(result.diagnostics == [
            diagnostic(.error, .pageCollision, 3, 5,
                       "id 'inc-7' would have the same page (incidents/inc-7.html) as id 'INC-7' of a.md",
                       notes: ["page names keep letters, digits, '-', '_' and '.', and ignore case: "
                           + "give this postmortem an id that differs from 'INC-7' in those"],
                       source: "id: inc-7", file: "b.md"),
        ])
    }

    @Test func relatedIDThatDoesNotExistIsAnErrorAtItsItem() {
        let result = loadAll([
            ("a.md", frontMatter("id: INC-2024-001\nstatus: draft")),
            ("b.md", frontMatter("status: draft\nrelated:\n  - INC-2024-001\n  - INC-2024-01")),
        ])
        #expect(result.diagnostics == [
            diagnostic(.error, .relatedNotFound, 5, 5, "'related' names 'INC-2024-01', but no postmortem has that id",
                       notes: ["did you mean 'INC-2024-001'?"], source: "  - INC-2024-01", file: "b.md"),
        ])
    }

    @Test func everyFileIsLoadedAndNothingStopsAtTheFirstError() {
        let result = loadAll([
            ("a.md", ""),
            ("b.md", frontMatter("title: [x]")),
            ("c.md", frontMatter("status: draft\ntitle: fine")),
        ])
        #expect(result.diagnostics.map(\.location.file) == ["a.md", "b.md"])
        #expect(result.postmortems.map(\.title) == ["Body heading", "fine"])
        #expect(result.errorCount == 2)
    }
}
