import Foundation

/// Where the symbolic links of a source folder lead: a link is followed
/// only when its final target lies inside the folder, so a link to
/// `/etc/passwd` or `~/.ssh` is never read, copied or published.
struct SymbolicLinks {
    /// The folder with every link in its own path resolved.
    let root: String

    init(root: String) {
        self.root = Self.resolved(root) ?? root
    }

    /// The resolved target of the link at `relative` when it lies outside
    /// the folder (or nowhere: a dangling link), nil when it stays inside.
    func outsideTarget(of relative: String) -> String? {
        guard let target = Self.resolved(root + "/" + relative) else {
            let written = (try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + relative)) ?? "?"
            return written
        }
        return target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/") ? nil : target
    }

    /// `path` with every symbolic link and `.`/`..` resolved (realpath(3)), nil when it does not exist.
    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
