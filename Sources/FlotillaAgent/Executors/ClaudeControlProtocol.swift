public import FlotillaCore

/// Claude Code's SDK control protocol on stdio, the part a headless run driven with
/// `--input-format stream-json --permission-prompt-tool stdio` needs: the prompt as a `user`
/// line, `control_request` lines from Claude (a `can_use_tool` permission request), and the
/// `control_response` lines written back.
///
/// Shapes followed exactly (checked with the search tool): hrntknr/claude-code-protocol,
/// docs/15_permission_tool.md (the permission request `{"type":"control_request","request_id",
/// "request":{"subtype":"can_use_tool","tool_name","input","tool_use_id","permission_suggestions",
/// "blocked_path"}}`, the answers `{"behavior":"allow","updatedInput":…}` and
/// `{"behavior":"deny","message":…}` inside `{"type":"control_response","response":{"subtype":
/// "success","request_id",…}}`); BloopAI/vibe-kanban crates/executors/src/executors/claude
/// (protocol.rs, types.rs: the user message line, and the error answer `{"subtype":"error",
/// "request_id","error"}` for a request it cannot handle, as the Agent SDKs write it).
public enum ClaudeControlProtocol {
    /// A control request Claude wrote on stdout.
    public struct Request: Sendable, Hashable {
        public var requestID: String
        public var subtype: String
        /// The whole `request` object.
        public var body: JSONValue

        public var toolName: String? { body["tool_name"]?.stringValue }
        public var input: JSONValue { body["input"] ?? .object([:]) }
    }

    /// The control request on a stdout line, if the line is one (a line is one JSON object).
    public static func request(in line: String) -> Request? {
        guard line.first == "{", line.contains("control_request"),
              let json = try? JSONValue.parse(line), json["type"]?.stringValue == "control_request",
              let id = json["request_id"]?.stringValue, let body = json["request"] else { return nil }
        return Request(requestID: id, subtype: body["subtype"]?.stringValue ?? "", body: body)
    }

    /// The approval question for a `can_use_tool` request; the subject (`Bash(rm -rf build)`),
    /// the detail a person reads and whether it only reads are the core's (ApprovalSubject).
    public static func question(for request: Request, taskID: String?, attempt: Int?) -> ApprovalQuestion {
        ApprovalQuestion(source: .claudeStdio, taskID: taskID, attempt: attempt, tool: request.toolName ?? "tool", input: request.input)
    }

    /// Whether a stdout line is the run's `result` line (the conversation is over: stdin closes).
    public static func isResult(_ line: String) -> Bool {
        guard line.first == "{", line.contains("\"result\"") else { return false }
        return (try? JSONValue.parse(line))?["type"]?.stringValue == "result"
    }

    /// The prompt as the first message of the conversation.
    public static func userMessage(_ prompt: String) -> String {
        JSONValue.object(["type": "user", "message": ["role": "user", "content": .string(prompt)]]).jsonString
    }

    /// Allows the tool call, with its input unchanged.
    public static func allow(_ request: Request) -> String {
        success(request, ["behavior": "allow", "updatedInput": request.input])
    }

    /// Denies the tool call; Claude hands `message` to the model as the tool's error result.
    public static func deny(_ request: Request, message: String) -> String {
        success(request, ["behavior": "deny", "message": .string(message)])
    }

    /// The answer to a request this client does not handle.
    public static func error(_ request: Request, message: String) -> String {
        JSONValue.object([
            "type": "control_response",
            "response": ["subtype": "error", "request_id": .string(request.requestID), "error": .string(message)],
        ]).jsonString
    }

    private static func success(_ request: Request, _ response: JSONValue) -> String {
        JSONValue.object([
            "type": "control_response",
            "response": ["subtype": "success", "request_id": .string(request.requestID), "response": response],
        ]).jsonString
    }
}
