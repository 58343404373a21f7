import Foundation
import Markdown

// Renders every Markdown file of a folder with libcmark alone and with the
// GFM layer, and prints throughput for each: the measure of what the layer
// costs. Used by scripts/bench-markdown; not part of the product.

let arguments = CommandLine.arguments.dropFirst()

// `--render FILE [--plain] [--strings] [--malloc]` does what the `cmark` command does,
// once, in a process of its own: reads FILE, renders it (with the layer, or
// with libcmark alone when `--plain`), writes the HTML to standard output and
// frees the tree (not held by top-level code: a `let` there is a global,
// never freed). Timed beside `cmark FILE`, process against process, it
// compares the layer with the cmark command on the same footing.
if arguments.first == "--render", arguments.count >= 2 {
    let path = arguments[arguments.startIndex + 1]
    // As the cmark command does: the file's bytes read once, the HTML
    // written from libcmark's own buffer; no copy and no `String` between
    // (`--strings` makes both, as the site does for its templates).
    guard let bytes = readBytes(path) else {
        FileHandle.standardError.write(Data("markdown-bench: cannot read \(path)\n".utf8))
        exit(1)
    }
    // `--malloc`: each node allocated and freed on its own, as the cmark
    // command does, instead of from the document's region.
    let options = MarkdownOptions(extensions: !arguments.contains("--plain"), pooledMemory: !arguments.contains("--malloc"))
    if arguments.contains("--strings") {
        var html = MarkdownDocument(String(decoding: bytes, as: UTF8.self), options: options).html()
        html.withUTF8 { writeAll($0) }
    } else {
        MarkdownDocument(utf8: bytes, options: options).withHTML { writeAll($0) }
    }
    exit(0)
}

/// Writes `bytes` to standard output, or exits.
func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
    var offset = 0
    while offset < bytes.count {
        let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
        if written <= 0 { exit(1) }
        offset += written
    }
}

/// The bytes of the file at `path`, read straight into the array's storage.
func readBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return nil }
    let size = Int(info.st_size)
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        while count < size {
            let read = read(fd, buffer.baseAddress! + count, size - count)
            if read <= 0 { failed = read < 0; break }
            count += read
        }
    }
    return failed ? nil : bytes
}

guard let folder = arguments.first else {
    FileHandle.standardError.write(Data("usage: markdown-bench FOLDER [RUNS [MODE]] | markdown-bench --render FILE [--plain] [--strings] [--malloc]\n".utf8))
    exit(2)
}
let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 5
/// `plain`, `layer`, `render`, `plainwhole` or `whole` to measure one of
/// them alone (for profiling), `dump` to print their output instead; any
/// other word (`none`) measures nothing,
/// which gives callgrind the cost of loading the corpus to subtract.
let only = arguments.dropFirst(2).first
let names = (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { $0.hasSuffix(".md") }.sorted()
let texts = try names.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
let bytes = texts.reduce(0) { $0 + $1.utf8.count }

// `dump` prints what the layer renders instead of timing it (every file's
// `html()`, `render().html` and the text, tables, sections and links that
// `render()` reads, then the corpus as one document), so that
// two builds can be shown to give the same bytes: `cmp` of their dumps.
if only == "dump" {
    let output = FileHandle.standardOutput
    for text in texts {
        output.write(Data(MarkdownDocument(text).html().utf8))
        let body = MarkdownDocument(text).render()
        output.write(Data(body.html.utf8))
        // What rendering reads besides the HTML: the text, the tables' rows, the links.
        output.write(Data(body.plainText.utf8))
        output.write(Data("\(body.tables)\n\(body.textBlocks)\n\(body.sections)\n\(body.links)\n".utf8))
    }
    output.write(Data(MarkdownDocument(texts.joined(separator: "\n")).html().utf8))
    exit(0)
}

func measure(_ label: String, _ body: () -> Int) -> Double {
    if let only, label != ["plain": "libcmark alone, per file", "layer": "libcmark + GFM layer, per file",
                           "render": "layer + outline/links/text (render)", "plainwhole": "libcmark alone, one document",
                           "whole": "libcmark + GFM layer, one document"][only] {
        return 1
    }
    var times: [Double] = []
    var cpuTimes: [Double] = []
    var sink = 0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds()
        sink &+= body()
        cpuTimes.append(cpuSeconds() - cpuStart)
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    let median = times.sorted()[times.count / 2]
    // The process's CPU time as well: on a shared machine the wall time
    // also counts the time other processes held the core.
    print(String(format: "%-34@ %8.3f s  %7.1f MB/s  (median of %d, checksum %d; CPU %.3f s)",
                 label as NSString, median, Double(bytes) / median / 1e6, runs, sink % 997, cpuTimes.sorted()[runs / 2]))
    return median
}

/// CPU time this process has used, in seconds.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

print("\(names.count) files, \(String(format: "%.1f", Double(bytes) / 1e6)) MB")
let plain = measure("libcmark alone, per file") {
    texts.reduce(0) { $0 + MarkdownDocument($1, options: MarkdownOptions(extensions: false)).html().utf8.count }
}
let layered = measure("libcmark + GFM layer, per file") {
    texts.reduce(0) { $0 + MarkdownDocument($1).html().utf8.count }
}
let full = measure("layer + outline/links/text (render)") {
    texts.reduce(0) { $0 + MarkdownDocument($1).render().html.utf8.count }
}
// The same text as one document, as the cmark command reads it.
let whole = texts.joined(separator: "\n")
let plainWhole = measure("libcmark alone, one document") {
    MarkdownDocument(whole, options: MarkdownOptions(extensions: false)).html().utf8.count
}
let layeredWhole = measure("libcmark + GFM layer, one document") {
    MarkdownDocument(whole).html().utf8.count
}
print(String(format: "GFM layer overhead over libcmark alone: %+.1f %% per file, %+.1f %% one document",
             (layered / plain - 1) * 100, (layeredWhole / plainWhole - 1) * 100))
print(String(format: "full render overhead over libcmark alone: %+.1f %%", (full / plain - 1) * 100))
if let cmarkSeconds = ProcessInfo.processInfo.environment["CMARK_SECONDS"].flatMap(Double.init) {
    print(String(format: "GFM layer, one document, against the cmark command: %+.1f %%", (layeredWhole / cmarkSeconds - 1) * 100))
}
