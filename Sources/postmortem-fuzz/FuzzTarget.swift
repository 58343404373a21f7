import Foundation
import PostmortemKit

/// One fuzzing input: arbitrary bytes loaded as a postmortem (decoding,
/// front matter, YAML, every field reader, the Markdown body) and, when
/// that gives a postmortem, its whole site rendered into memory and thrown
/// away. Any crash, trap or hang here is a bug (docs/fuzzing.md).
enum FuzzTarget {
    static let now = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00Z

    /// A sink that keeps nothing: the fuzzer looks for crashes, not output.
    struct Discard: SiteSink {
        func put(_ path: String, _ bytes: [UInt8]) throws {}
        func copy(_ path: String, from source: String) throws {}
    }

    static func run(_ bytes: [UInt8]) {
        let file = SourceFile(path: "fuzz.md", relativePath: "fuzz.md", contents: .bytes(bytes))
        let loaded = LoadStage.load([file], configuration: .default)
        guard !loaded.postmortems.isEmpty else { return }
        _ = try? SiteRenderer.render(loaded.postmortems, configuration: .default, theme: .builtIn,
                                     sourceFolder: "/nonexistent", now: now, into: Discard())
    }
}

#if FUZZING
/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links). SwiftPM
/// names an executable's entry point itself, so libFuzzer's own `main` is
/// not used: this one hands the arguments and the target to the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@main struct Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
/// Without the fuzzer: replays inputs (a crash file, a corpus) given as paths,
/// so a crash can be reproduced and debugged in an ordinary build.
@main struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                continue
            }
            FuzzTarget.run(Array(data))
            print("ok \(path)")
        }
    }
}
#endif
