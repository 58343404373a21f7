// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "PostmortemKB",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "postmortem", targets: ["postmortem"]),
        .executable(name: "postmortem-serve", targets: ["postmortem-serve"]),
        .library(name: "PostmortemKit", targets: ["PostmortemKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // The HTTP server of `postmortem serve`: small, on Swift concurrency, no SwiftNIO.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // libcmark from Debian's libcmark-dev: the product's Markdown engine.
        .systemLibrary(
            name: "Ccmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // glibc's calls that Swift's Glibc module leaves out: `mallopt`, `malloc_trim`, `renameat2`.
        .systemLibrary(name: "CGlibc"),
        // A region allocator for libcmark's trees (cmark's own allocator hooks).
        .target(name: "CmarkArena"),
        // A thin Swift layer over cmark's node and iterator API.
        .target(name: "Markdown", dependencies: ["Ccmark", "CmarkArena"]),
        // The domain: model, loading, diagnostics, analysis, rendering.
        .target(
            name: "PostmortemKit",
            dependencies: [
                "Markdown",
                "CGlibc",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // `postmortem serve`: the site over HTTP with live reload; kept out of PostmortemKit.
        .target(
            name: "PostmortemServer",
            dependencies: ["PostmortemKit", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        // What the two programs' command lines share: the site's options, serve's, terminal output.
        .target(
            name: "PostmortemCLI",
            dependencies: ["PostmortemKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The command-line tool: parses arguments and calls PostmortemKit. `serve` starts the server
        // program below in its place, from the same folder. Not a dependency: SwiftPM would link it in,
        // and its HTTP stack (libcurl and some thirty libraries) cost every command 10 ms to start.
        .executableTarget(
            name: "postmortem",
            dependencies: [
                "PostmortemKit",
                "PostmortemCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `postmortem serve`'s server: FlyingFox and the live reload.
        .executableTarget(
            name: "postmortem-serve",
            dependencies: [
                "PostmortemKit",
                "PostmortemCLI",
                "PostmortemServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The libFuzzer target over loading and rendering one postmortem (scripts/fuzz builds it with
        // -sanitize=fuzzer; an ordinary build makes a replayer of saved inputs).
        .executableTarget(name: "postmortem-fuzz", dependencies: ["PostmortemKit"]),
        // A benchmark of the Markdown layer against libcmark alone (scripts/bench-markdown).
        .executableTarget(name: "markdown-bench", dependencies: ["Markdown"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"], exclude: ["Golden"]),
        .testTarget(
            name: "PostmortemKitTests",
            dependencies: ["PostmortemKit", .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PostmortemServerTests",
            dependencies: ["PostmortemServer", "PostmortemKit", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
    ]
)
