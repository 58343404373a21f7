import ArgumentParser

/// What `postmortem serve` takes and what its help says, read by both
/// programs: `postmortem`, which checks the command line and starts the
/// server in its place, and `postmortem-serve`, the server.
public struct ServeOptions: ParsableArguments {
    public init() {}

    public static let abstract =
        "Build the site, serve it on 127.0.0.1 and rebuild and reload open pages when a postmortem, template or the configuration changes."

    public static let discussion = """
        A build with errors writes nothing: the last good site stays served, with the errors over each page \
        until they are fixed. Ctrl-C stops. Exit status: 0 stopped, 2 the site cannot be served (output folder \
        refused, source folder missing, port in use, the server program missing), 64 a wrong command line.
        """

    /// The server program's name; it lives beside `postmortem`.
    public static let serverProgram = "postmortem-serve"

    @Option(help: "The port to listen on, on 127.0.0.1 (0: any free port).")
    public var port: UInt16 = 4000

    @OptionGroup public var site: SiteOptions
}
