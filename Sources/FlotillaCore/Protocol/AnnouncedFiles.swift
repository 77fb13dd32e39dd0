/// The `files` of a `progress` report: paths the attempt changed in its worktree, relative to
/// it, that the scheduler adds to the task's file set (file-aware dispatch).
///
/// Each is checked here, on the way in, so a bad report is refused whole and changes nothing:
/// a path that could leave the worktree (`..`, a leading `/`), or that no git worktree prints
/// (empty, `.` or empty components, control characters), or too many or too long ones.
public enum AnnouncedFiles {
    /// Paths one report may carry.
    public static let maxCount = 1_000
    /// UTF-8 bytes of one path.
    public static let maxLength = 1_024

    /// Reads `payload.files`: nil or absent is none.
    public static func read(_ value: JSONValue?) throws(FlotillaError) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.arrayValue else {
            throw FlotillaError(.invalidField, "'payload.files' must be an array of paths relative to the worktree, got \(value.typeName).", field: "payload.files")
        }
        guard items.count <= maxCount else {
            throw FlotillaError(.invalidField, "'payload.files' has \(items.count) paths; one report may carry at most \(maxCount) (send the rest in the next).", field: "payload.files")
        }
        var paths: [String] = []
        paths.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let field = "payload.files[\(index)]"
            guard let path = item.stringValue else {
                throw FlotillaError(.invalidField, "'\(field)' must be a string, got \(item.typeName).", field: field)
            }
            if let problem = problem(path) {
                throw FlotillaError(.invalidField, "'\(field)' (\(String(path.prefix(80)).debugDescription)) \(problem)", field: field)
            }
            paths.append(path)
        }
        return paths
    }

    /// What is wrong with one path, or nil when it is a plain relative path.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "is empty." }
        if path.utf8.count > maxLength { return "is longer than \(maxLength) bytes." }
        if path.hasPrefix("/") { return "must be relative to the worktree, not start with '/'." }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "holds a control character." }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "..": return "must stay inside the worktree: '..' is not allowed."
            case ".", "": return "must be a plain relative path (no '.' or empty components)."
            default: continue
            }
        }
        return nil
    }
}
