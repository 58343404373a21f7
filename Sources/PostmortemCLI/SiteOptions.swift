import ArgumentParser
import Foundation
import PostmortemKit

/// What `build` and `serve` both take: where the postmortems, the site, the
/// configuration and the templates are, and the time to count from.
public struct SiteOptions: ParsableArguments {
    public init() {}

    @Option(help: "The folder of postmortems.", completion: .directory)
    public var source: String = "postmortems"

    @Option(help: "The folder to write the site to (it must be one this tool wrote, or empty; the files it wrote are replaced, any other file is kept; default: 'output' of postmortem.yml, else _site).",
            completion: .directory)
    public var out: String?

    @Option(help: "The configuration file (default: postmortem.yml in the working folder, if any).",
            completion: .file(extensions: ["yml", "yaml"]))
    public var config: String?

    @Option(help: "A folder of templates and assets that replace the built-in theme's file by file (default: site-templates/ when present).",
            completion: .directory)
    public var templates: String?

    @Option(help: "The date and time to count overdue items from (ISO 8601), for reproducible builds (default: the clock at each build).")
    public var now: String?

    /// `--templates`, else `site-templates/` when the working folder has one.
    public var templatesFolder: String? {
        templates ?? (FileManager.default.fileExists(atPath: "site-templates") ? "site-templates" : nil)
    }

    /// `--out`, else `output` of the configuration, else `_site`.
    public var outputFolder: String { out ?? ConfigurationLoader.outputFolder(configurationPath: config) }

    /// The build's options, at `now` (the fixed time, or the clock).
    public func build(now reference: Date) -> Build.Options {
        Build.Options(sourceFolder: source, outputFolder: outputFolder, configurationPath: config,
                      templatesFolder: templatesFolder, now: reference)
    }
}
