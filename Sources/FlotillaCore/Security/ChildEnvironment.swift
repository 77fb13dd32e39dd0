/// The environment a task's child process starts with.
///
/// A task is untrusted code: it gets what a program needs to run (the search path, home,
/// locale, terminal), the task's own declared `env`, and what its executor needs (an LLM
/// executor's own API key), never the agent's credentials (`FLOTILLA_*`) nor other keys the
/// agent happens to hold.
public enum ChildEnvironment {
    /// Names every child keeps from the agent's environment.
    public static let basics: Set<String> = ["PATH", "HOME", "LANG", "LANGUAGE", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ"]

    /// What each executor's program needs on top of the basics: its provider's key and settings.
    public static func needs(ofExecutor name: String) -> Set<String> {
        switch name {
        case "claude": ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL", "CLAUDE_CONFIG_DIR"]
        case "codex": ["OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME"]
        case "gemini": ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT", "GOOGLE_APPLICATION_CREDENTIALS"]
        case "aider": ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENAI_API_BASE"]
        default: []
        }
    }

    /// The child's environment: the basics and `passing` taken from `parent`, then `declared`
    /// (the task's `env`, the executor's settings) on top. `FLOTILLA_*` never passes, even when
    /// named or declared: a task cannot ask for the agent's credential.
    public static func scrubbed(_ parent: [String: String], passing: Set<String> = [], declared: [String: String] = [:]) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in parent where basics.contains(name) || passing.contains(name) || name.hasPrefix("LC_") {
            out[name] = value
        }
        for (name, value) in declared { out[name] = value }
        return out.filter { !isCredential($0.key) }
    }

    /// The agent's own tools (git, gh) keep the agent's environment, minus its Flotilla credential.
    public static func withoutCredentials(_ parent: [String: String], declared: [String: String] = [:]) -> [String: String] {
        parent.merging(declared) { _, new in new }.filter { !isCredential($0.key) }
    }

    static func isCredential(_ name: String) -> Bool { name.hasPrefix("FLOTILLA_") }
}
