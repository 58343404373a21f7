import ArgumentParser
import Foundation
import PostmortemCLI
import PostmortemKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Propose front matter for existing postmortems, as a diff; --write puts it on top of each file.",
        discussion: """
            Reads each .md file below FOLDER that has no front matter and proposes one from what the text \
            states: the title, the date, severity and services from labelled lines, milestones and durations, \
            the first sentence of the root-cause section, the action items. Guessed values carry '# inferred'. \
            Files that already have front matter are skipped. --write changes nothing below the new block. \
            Exit status: 0 done; 1 a file could not be written; 2 the folder or configuration cannot be read.
            """
    )

    @Argument(help: "The folder of postmortems to import.", completion: .directory)
    var folder: String

    @Flag(help: "Write the proposed front matter on top of each file (otherwise only print the diff).")
    var write = false

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any): its severity levels and time zone.",
            completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let proposals: [Importer.Proposal]
        do {
            let configuration = try Check.configurationFile(path: config).map { ConfigurationLoader.load($0).configuration } ?? .default
            proposals = try Importer.run(folder: folder, configuration: configuration)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        var written = 0, failed = 0
        for proposal in proposals {
            guard proposal.frontMatter != nil else {
                output.note("skipped \(proposal.path): \(proposal.skipReason ?? "")")
                continue
            }
            if !output.quiet { print(proposal.diff, terminator: "") }
            guard write else { continue }
            do {
                try Importer.write(proposal)
                written += 1
            } catch {
                Terminal.error("error: \(error)")
                failed += 1
            }
        }
        let proposed = proposals.count { $0.frontMatter != nil }
        let skipped = proposals.filter { $0.frontMatter == nil }
        let reasons = Dictionary(grouping: skipped, by: { $0.skipReason ?? "" }).map { "\($0.key): \($0.value.count)" }.sorted()
        var summary = write
            ? "Wrote front matter to \(written) of \(proposals.count) files in \(folder)"
            : "Proposed front matter for \(proposed) of \(proposals.count) files in \(folder)"
        summary += skipped.isEmpty ? "." : "; skipped \(skipped.count) (\(reasons.joined(separator: "; ")))."
        if !write && proposed > 0 { summary += " Run again with --write to put it on top of them." }
        if !output.quiet { print(summary) }
        if failed > 0 { throw ExitCode(1) }
    }
}
