/// What rules match and what a person reads, made from a tool's name and its Claude-style input.
public enum ApprovalSubject {
    /// The most characters of a summary inside `Tool(…)`.
    static let summaryLimit = 1000

    /// The subject in Claude Code's permission-rule form: `Bash(rm -rf build)`,
    /// `Edit(src/a.swift)`, `Write(path)`, `Read(path)`, `WebFetch(url)`; other tools
    /// `Tool(summary)`, the summary being the input's command, path, URL, pattern or query, or
    /// its JSON text.
    public static func make(tool: String, input: JSONValue) -> String {
        "\(tool)(\(summary(tool: tool, input: input)))"
    }

    /// What `Tool(…)` holds for `input`.
    static func summary(tool: String, input: JSONValue) -> String {
        if let text = input.stringValue { return cut(text) }
        let keys: [String] = switch tool {
        case "Bash": ["command"]
        case "Edit", "MultiEdit", "Write", "Read", "NotebookEdit", "NotebookRead": ["file_path", "notebook_path", "path"]
        case "WebFetch": ["url"]
        case "WebSearch": ["query"]
        case "Glob", "Grep": ["pattern"]
        default: ["command", "cmd", "file_path", "path", "url", "pattern", "query"]
        }
        for key in keys {
            if let text = input[key]?.stringValue { return cut(text) }
            // Codex sends its command as an argv array.
            if let words = input[key]?.arrayValue?.compactMap(\.stringValue), !words.isEmpty {
                return cut(words.joined(separator: " "))
            }
        }
        if input.objectValue?.isEmpty ?? true { return "" }
        return cut(input.jsonString)
    }

    /// What a person reads: the command, the new content or the replaced span of an edit, or
    /// the input's JSON text.
    public static func detail(tool: String, input: JSONValue) -> String {
        if let text = input.stringValue { return text }
        if let command = input["command"]?.stringValue { return command }
        if let words = input["command"]?.arrayValue?.compactMap(\.stringValue), !words.isEmpty { return words.joined(separator: " ") }
        if let path = input["file_path"]?.stringValue {
            if let content = input["content"]?.stringValue { return "\(path)\n\(content)" }
            if let old = input["old_string"]?.stringValue, let new = input["new_string"]?.stringValue {
                return "\(path)\n--- old\n\(old)\n+++ new\n\(new)"
            }
            return path
        }
        if input.objectValue?.isEmpty ?? true { return "" }
        return input.jsonString
    }

    /// Tools that only read: Read, Glob, Grep, LS, NotebookRead, WebSearch, TodoRead, and a
    /// Bash command that is `git status|git diff|git log|ls|cat|pwd` with no `; | & > <` or
    /// command substitution (so nothing can be chained onto it).
    public static func isReadOnly(tool: String, input: JSONValue = .object([:])) -> Bool {
        switch tool {
        case "Read", "Glob", "Grep", "LS", "NotebookRead", "WebSearch", "TodoRead":
            return true
        case "Bash":
            guard let command = input["command"]?.stringValue else { return false }
            return isReadOnlyCommand(command)
        default:
            return false
        }
    }

    static let readOnlyCommands = ["git status", "git diff", "git log", "ls", "cat", "pwd"]

    static func isReadOnlyCommand(_ raw: String) -> Bool {
        let command = raw.trimmingSpaces
        guard !command.isEmpty, !command.contains(where: { ";|&><`\n\r".contains($0) }), !command.contains("$(") else { return false }
        return readOnlyCommands.contains { command == $0 || command.hasPrefix($0 + " ") || command.hasPrefix($0 + "\t") }
    }

    private static func cut(_ text: String) -> String {
        text.count <= summaryLimit ? text : String(text.prefix(summaryLimit)) + "…"
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines (no Foundation in the core).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
