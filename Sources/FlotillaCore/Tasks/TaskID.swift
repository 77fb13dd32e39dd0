/// The rules for a task id a client chooses. An id becomes a directory name (the agent's
/// worktree `<workdir>/worktrees/<id>-a<n>`), a git branch (`flotilla/<id>`) and a word in
/// MQTT topics and URLs, so it is kept to an alphabet none of those can misread: no `/`, no
/// `..`, no `:`, nothing that starts like an option (`-`) or a hidden file (`.`), nothing git
/// refuses in a ref (a trailing `.` or `.lock`).
public enum TaskID {
    public static let maxLength = 64

    /// Why `id` is not a safe task id, or nil when it is.
    public static func problem(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= maxLength else { return "must be 1 to \(maxLength) characters" }
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard allowed else { return "may hold only letters, digits and . _ - (no '/', ':' or spaces)" }
        guard let first = id.utf8.first, first != 0x2D, first != 0x2E else { return "must start with a letter, a digit or '_'" }
        guard !id.contains("..") else { return "must not contain '..'" }
        guard !id.hasSuffix("."), !id.hasSuffix(".lock") else { return "must not end with '.' or '.lock'" }
        return nil
    }

    public static func isSafe(_ id: String) -> Bool { problem(id) == nil }

    /// Throws `invalid_field` naming `field` when `id` is not safe.
    public static func check(_ id: String, field: String) throws(FlotillaError) {
        if let problem = problem(id) {
            throw FlotillaError(.invalidField, "'id' \(problem), got '\(id.prefix(80))'. Choose an id like 'build-42' or 'review_7.1'.", field: field)
        }
    }
}
