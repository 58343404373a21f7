import Foundation

/// `postmortem check`: discover and load, with every problem collected.
public struct CheckReport: Sendable {
    public var configuration: SiteConfiguration
    public var load: LoadResult
    /// Configuration problems first, then the postmortems' in file order.
    public var diagnostics: [Diagnostic]
    public var skipped: [String]
    public var fileCount: Int

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// `Checked 20 postmortems in postmortems: 0 errors, 2 warnings.`
    public func summary(folder: String) -> String {
        var line = "Checked \(DiagnosticFormatter.plural(fileCount, "postmortem")) in \(folder): "
            + DiagnosticFormatter.counts(errors: errorCount, warnings: warningCount) + "."
        if !skipped.isEmpty {
            line += " Skipped as index pages: \(skipped.joined(separator: ", "))."
        }
        return line
    }
}

public enum Check {
    /// Runs discover and load over `folder`, then the configured policy
    /// rules (drafts' age measured at `now`). `configurationFile` is the
    /// configuration already read (nil for the defaults). Throws only when
    /// the folder cannot be listed.
    ///
    /// With `cache` (`LoadCache.reading(siteFolder:)`), a file the last build
    /// loaded and that has not changed since is taken from its entry instead
    /// of being loaded again, with the same postmortem and diagnostics. Its
    /// texts stay in the cache's files until read, during the check or after
    /// (`--suggest-causes`): the caller checks `cache.unreadText` once done
    /// with them, and when a build rewrote those entries meanwhile (non-nil),
    /// runs again without the cache (`BuildCacheOptions.withCache`).
    public static func run(folder: String, configurationFile: SourceFile?, now: Date = Date(),
                           cache: LoadCache? = nil) throws -> CheckReport {
        let loadedConfiguration = configurationFile.map(ConfigurationLoader.load)
            ?? ConfigurationLoader.Loaded(configuration: .default, diagnostics: [])
        let listing = try SourceDiscovery.list(in: folder)
        // The postmortems' revisions are the build's, whether read from its cache or not.
        let configurationKey = BuildRecord.configurationDigest(configurationFile)
        return run(listing, configuration: loadedConfiguration, now: now, cache: cache, configurationKey: configurationKey)
    }

    /// Reads and loads the files of `listing` with a configuration already
    /// loaded, then applies its policy rules.
    static func run(_ listing: SourceDiscovery.Listing, configuration loadedConfiguration: ConfigurationLoader.Loaded,
                    now: Date, cache: LoadCache? = nil, configurationKey: String = "",
                    racyWindow: Int64 = BuildRecord.racyWindow) -> CheckReport {
        // Each file is read when the load stage loads it.
        let sources = SourceDiscovery.sources(listing)
        let configuration = loadedConfiguration.configuration
        var load = LoadStage.load(inputs: sources, assets: listing.assets, configuration: configuration,
                                  cache: cache, configurationKey: configurationKey, racyWindow: racyWindow)
        if configuration.policy != Policy() {
            var texts: [String: String] = [:]
            if configuration.policy.personalData {
                for file in SourceDiscovery.read(listing).files {
                    if case let .text(source) = TextDecoding.decode(file) { texts[file.path] = source.text }
                }
            }
            let findings = PolicyCheck.run(load.postmortems, policy: configuration.policy, configuration: configuration,
                                           texts: texts, now: now)
            load.diagnostics = (load.diagnostics + findings).sorted { $0.location < $1.location }
        }
        return CheckReport(
            configuration: configuration, load: load,
            diagnostics: loadedConfiguration.diagnostics + listing.diagnostics + load.diagnostics,
            skipped: listing.skipped, fileCount: sources.count)
    }

    /// Reads a configuration file: `path` when given (it must exist), else
    /// `postmortem.yml` in the working folder when there is one.
    public static func configurationFile(path: String?) throws -> SourceFile? {
        let chosen = path ?? ConfigurationLoader.defaultFileName
        guard path != nil || FileManager.default.fileExists(atPath: chosen) else { return nil }
        guard FileManager.default.fileExists(atPath: chosen) else {
            throw SourceDiscovery.Failure.missingConfiguration(chosen)
        }
        return SourceFile(path: chosen, relativePath: chosen, contents: SourceDiscovery.read(chosen))
    }
}
