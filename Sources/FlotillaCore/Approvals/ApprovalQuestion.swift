/// What an agent asks a person: built by the executor (or the hooks route, or the pane monitor),
/// sent to the hub as an `approval` message, stored in an ``ApprovalRecord``.
public struct ApprovalQuestion: Sendable, Hashable {
    public var source: ApprovalSource
    /// nil for interactive tmux sessions without a task.
    public var taskID: String?
    public var attempt: Int?
    /// "Bash", "Edit", "Write", "exec", "patch", "prompt"…
    public var tool: String
    /// The string rules match, in Claude Code's permission-rule form: `Bash(rm -rf build)`,
    /// `Edit(src/a.swift)`; other tools `Tool(summary)` (``ApprovalSubject/make(tool:input:)``).
    public var subject: String
    /// The exact command, or the diff / file content asked about, for a person to read
    /// (capped at ``detailLimit`` bytes).
    public var detail: String
    /// The tool's raw input as the executor got it.
    public var input: JSONValue
    /// Whether the tool only reads (``ApprovalSubject/isReadOnly(tool:input:)`` unless the
    /// source knows better): the timeout policy `allow_read_only` allows only these.
    public var readOnly: Bool
    /// Empty: a plain allow/deny.
    public var choices: [ApprovalChoice]

    /// The most of `detail` kept, in bytes.
    public static let detailLimit = 64 * 1024

    /// A question; `subject`, `detail` and `readOnly` default to what ``ApprovalSubject`` makes
    /// of `tool` and `input`.
    public init(source: ApprovalSource, taskID: String? = nil, attempt: Int? = nil, tool: String, subject: String? = nil, detail: String? = nil, input: JSONValue = .object([:]), readOnly: Bool? = nil, choices: [ApprovalChoice] = []) {
        self.source = source
        self.taskID = taskID
        self.attempt = attempt
        self.tool = tool
        self.subject = subject ?? ApprovalSubject.make(tool: tool, input: input)
        self.detail = Self.capped(detail ?? ApprovalSubject.detail(tool: tool, input: input))
        self.input = input
        self.readOnly = readOnly ?? ApprovalSubject.isReadOnly(tool: tool, input: input)
        self.choices = choices
    }

    /// `text` cut to ``detailLimit`` bytes on a character boundary.
    static func capped(_ text: String) -> String {
        guard text.utf8.count > detailLimit else { return text }
        var bytes = Array(text.utf8.prefix(detailLimit))
        bytes.removeLast(UTF8Cut.incompleteSuffix(bytes[...]))
        return String(decoding: bytes, as: UTF8.self)
    }
}
