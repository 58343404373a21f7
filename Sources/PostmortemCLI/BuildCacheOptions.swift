import ArgumentParser
import PostmortemKit

/// What `check` and `stats` take to find the load cache `build` keeps
/// beside the site, so a file unchanged since the last build is not loaded
/// again. They read it and never write it.
public struct BuildCacheOptions: ParsableArguments {
    public init() {}

    @Option(help: "The folder `build` writes the site to (default: 'output' of postmortem.yml, else _site): files unchanged since that build are read from its cache, which is never written.",
            completion: .directory)
    public var out: String?

    @Flag(help: "Load every file anew, reading nothing from the build's cache.")
    public var noCache = false

    /// The build's load cache, to read; nil with `--no-cache` or when no build left one.
    public func cache(configurationPath: String?) -> LoadCache? {
        guard !noCache else { return nil }
        return LoadCache.reading(siteFolder: out ?? ConfigurationLoader.outputFolder(configurationPath: configurationPath))
    }

    /// `body`'s result with the build's load cache; when a build rewrote what
    /// `body` read of it meanwhile (`LoadCache.unreadText`), `body`'s result
    /// without it. With the cache that result came from (nil without one).
    public func withCache<Result>(configurationPath: String?,
                                  _ body: (LoadCache?) throws -> Result) rethrows -> (result: Result, cache: LoadCache?) {
        let cache = cache(configurationPath: configurationPath)
        let result = try body(cache)
        guard cache?.unreadText != nil else { return (result, cache) }
        return (try body(nil), nil)
    }
}

extension BuildCacheOptions {
    /// The `--verbose` line on what came from the build's cache.
    public static func summary(_ cache: LoadCache?) -> String {
        guard let cache else { return "build cache: not read (none beside the site, --no-cache, or it changed while read)" }
        return "files loaded: \(cache.lastCounts.loaded), read from the build's load cache: \(cache.lastCounts.reused)"
            + " (\(cache.lastUnread) of them unread: their stamps vouched for their bytes)"
    }
}
