/// The executors `flotilla agent --executor` can run. The fleet file accepts exactly these and
/// the agent's errors list them, so the two can never disagree (one list, not two copies).
public enum ExecutorNames {
    /// In the order errors and help list them.
    /// `codex` and `gemini` are driven over their protocols (app-server, ACP) and can ask for
    /// approvals; `codex-exec` and `gemini-prompt` are their one-shot modes.
    public static let all = ["shell", "openai", "ollama", "claude", "codex", "codex-exec", "aider", "gemini", "gemini-prompt", "cmd"]

    /// `shell, claude, …` for messages.
    public static var listed: String { all.joined(separator: ", ") }

    public static func contains(_ name: String) -> Bool { all.contains(name) }

    /// The names in an `--executor` value (`shell,claude`), trimmed, empty parts dropped.
    public static func split(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }.filter { !$0.isEmpty }
    }

    /// The first name in `value` that is not an executor, or nil when every one is.
    public static func firstUnknown(in value: String) -> String? {
        let names = split(value)
        if names.isEmpty { return value }
        return names.first { !contains($0) }
    }
}
