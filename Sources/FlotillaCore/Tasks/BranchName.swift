/// The rules for a branch a task names (payload `base`: the branch its worktree starts from).
/// Stricter than `git check-ref-format`: a name that could be read as an option, a revision
/// expression (`a..b`, `x@{1}`, `HEAD~2`) or a path outside `refs/heads` is refused.
public enum BranchName {
    public static let maxLength = 200

    /// Why `name` is not a safe branch name, or nil when it is.
    public static func problem(_ name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= maxLength else { return "must be 1 to \(maxLength) characters" }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x2F
        }
        guard allowed else { return "may hold only letters, digits and . _ - / (no spaces, '~', '^', ':', '@')" }
        guard !name.hasPrefix("-") else { return "must not start with '-'" }
        guard !name.contains(".."), !name.contains("//") else { return "must not contain '..' or '//'" }
        guard !name.hasPrefix("/"), !name.hasSuffix("/"), !name.hasSuffix("."), !name.hasSuffix(".lock") else {
            return "must not start or end with '/', nor end with '.' or '.lock'"
        }
        for component in name.split(separator: "/") where component.hasPrefix(".") || component.hasSuffix(".lock") {
            return "has a part '\(component.prefix(40))' starting with '.' or ending with '.lock'"
        }
        guard name != "HEAD" else { return "must name a branch, not HEAD" }
        return nil
    }
}
