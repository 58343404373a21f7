import Foundation

/// `postmortem build`: the whole pipeline, in the order it runs.
public enum Build {
    public struct Options: Sendable {
        public var sourceFolder: String
        public var outputFolder: String
        public var configurationPath: String?
        public var templatesFolder: String?
        public var now: Date

        public init(sourceFolder: String = "postmortems", outputFolder: String = "_site", configurationPath: String? = nil,
                    templatesFolder: String? = nil, now: Date = Date()) {
            self.sourceFolder = sourceFolder
            self.outputFolder = outputFolder
            self.configurationPath = configurationPath
            self.templatesFolder = templatesFolder
            self.now = now
        }
    }

    public struct Result: Sendable {
        public var check: CheckReport
        /// Nil when there were errors: nothing was written.
        public var written: SiteWriter.Report?
        public var pages: Int
    }

    /// discover → load (check) → render → write. Writes nothing when any
    /// postmortem or the configuration has an error.
    public static func run(_ options: Options) throws -> Result {
        try SiteWriter.checkOutput(options.outputFolder, sourceFolder: options.sourceFolder)
        let check = try Check.run(folder: options.sourceFolder,
                                  configurationFile: Check.configurationFile(path: options.configurationPath))
        guard check.errorCount == 0 else { return Result(check: check, written: nil, pages: 0) }
        let theme = try Theme.load(overrides: options.templatesFolder)
        let plan = try SiteRenderer.render(check.load.postmortems, configuration: check.configuration, theme: theme,
                                           sourceFolder: options.sourceFolder, now: options.now)
        let written = try SiteWriter.write(plan, to: options.outputFolder, sourceFolder: options.sourceFolder)
        return Result(check: check, written: written, pages: plan.pageCount)
    }
}
