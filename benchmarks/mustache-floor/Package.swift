// swift-tools-version:6.0
// What one variable lookup costs in swift-mustache, the template engine the
// site is rendered with: the floor under the render stage's time
// (docs/benchmarks.md). Not part of the product; run with
// `swift run -c release --package-path benchmarks/mustache-floor`.
import PackageDescription

let package = Package(
    name: "mustache-floor",
    dependencies: [.package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1")],
    targets: [
        .executableTarget(name: "mustache-floor", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),
    ]
)
