import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the model's file tools inside the attempt's worktree. A path is refused when it
/// leaves the worktree by `..`, is absolute and elsewhere, or resolves through a symbolic link
/// to somewhere outside (the deepest part that exists is resolved, so a link to a directory
/// outside is caught for files not made yet too). The refusal is text for the model, which may
/// correct itself; it is never a crash nor an attempt failure.
public struct PathConfinement: Sendable {
    /// The worktree, with its own links resolved (so `/tmp` → `/private/tmp` does not look like a way out).
    public let root: String
    /// The real path of a path that exists, nil when it does not (realpath(3) in production).
    let realPath: @Sendable (String) -> String?

    public init(root: String, realPath: @escaping @Sendable (String) -> String? = PathConfinement.systemRealPath) {
        self.realPath = realPath
        let lexical = Self.normalize(root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root)
        self.root = realPath(lexical) ?? lexical
    }

    /// The absolute path `path` names inside the worktree, or why it may not be used.
    public func resolve(_ path: String) -> Result<String, ToolRefusal> {
        guard !path.isEmpty else { return .failure(ToolRefusal("the path is empty")) }
        guard !path.contains("\0") else { return .failure(ToolRefusal("the path contains a NUL character")) }
        let lexical = Self.normalize(path.hasPrefix("/") ? path : root + "/" + path)
        guard Self.isInside(lexical, root) else {
            return .failure(ToolRefusal("'\(path)' is outside the worktree (\(root)); use a path inside it, relative to it"))
        }
        // Resolve the deepest existing ancestor: a link anywhere on the way counts.
        var existing = lexical
        var rest: [Substring] = []
        while realPath(existing) == nil, existing != "/" {
            let cut = existing.lastIndex(of: "/") ?? existing.startIndex
            rest.insert(existing[existing.index(after: cut)...], at: 0)
            existing = cut == existing.startIndex ? "/" : String(existing[..<cut])
        }
        let real = realPath(existing).map { base in rest.isEmpty ? base : base + (base == "/" ? "" : "/") + rest.joined(separator: "/") } ?? lexical
        guard Self.isInside(real, root) else {
            return .failure(ToolRefusal("'\(path)' resolves through a symbolic link to \(real), outside the worktree (\(root)); it is refused"))
        }
        return .success(real)
    }

    /// The path relative to the worktree, for messages and listings.
    public func relative(_ absolute: String) -> String {
        absolute == root ? "." : (absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute)
    }

    /// `path` with `.`, `..` and repeated slashes folded (never above `/`), no trailing slash.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    public static let systemRealPath: @Sendable (String) -> String? = { path in
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Why a tool call was not carried out, told to the model as the call's result.
public struct ToolRefusal: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
