import FlotillaCore

/// ACP's `session/request_permission` (agent → client request, ACP "Tool Calls → Requesting
/// Permission"): `{sessionId, toolCall: ToolCallUpdate, options: [{optionId, name, kind}]}` with
/// kinds `allow_once`, `allow_always`, `reject_once`, `reject_always`, answered
/// `{"outcome": {"outcome": "selected", "optionId": …}}` or `{"outcome": {"outcome": "cancelled"}}`.
/// The options become the question's choices; the tool call (merged with what `session/update`
/// said of it) becomes a Claude-style subject so the same rules apply as for Claude Code.
extension ACPConversation {
    static let permissionRequest = "session/request_permission"

    mutating func asked(_ id: JSONValue, _ method: String, _ params: JSONValue) -> [RPCEffect] {
        guard method == Self.permissionRequest else {
            // We offered no file system or terminal: the agent has no other request to make of us.
            return [.send(.failure(id: id, code: JSONRPCMessage.methodNotFound, message: "flotilla does not serve \(method)"))]
        }
        var call = params["toolCall"]?.objectValue ?? [:]
        if let id = call["toolCallId"]?.stringValue, let known = toolCalls[id] {
            call = known.merging(call) { _, new in new }
            toolCalls[id] = call
        }
        let choices = (params["options"]?.arrayValue ?? []).compactMap { option -> ApprovalChoice? in
            guard let key = option["optionId"]?.stringValue else { return nil }
            let kind = option["kind"]?.stringValue ?? ""
            return ApprovalChoice(key: key, label: option["name"]?.stringValue ?? key, allows: kind.hasPrefix("allow"))
        }
        let question = Self.question(call: call, choices: choices, workingDirectory: setup.workingDirectory, taskID: setup.taskID, attempt: setup.attempt)
        let options = params["options"] ?? []
        return [
            .progress("approval asked: \(question.subject.prefix(200))"),
            .ask(RPCApprovalRequest(id: id, method: method, question: question, context: options)),
        ]
    }

    /// The chosen option when the answer names one of them; else the first `allow_once` (or other
    /// allow) for an allow and the first `reject_once` (or other reject) for a deny; `cancelled`
    /// when the agent offered nothing that fits.
    public func reply(to request: RPCApprovalRequest, with answer: ApprovalAnswer) -> JSONRPCMessage {
        let kinds = (request.context.arrayValue ?? []).map { ($0["optionId"]?.stringValue ?? "", $0["kind"]?.stringValue ?? "") }
        var chosen: String?
        if let choice = answer.choice, let match = kinds.first(where: { $0.0 == choice }), match.1.hasPrefix("allow") == answer.allowed {
            chosen = match.0
        } else {
            let prefix = answer.allowed ? "allow" : "reject"
            chosen = (kinds.first { $0.1 == prefix + "_once" } ?? kinds.first { $0.1.hasPrefix(prefix) })?.0
        }
        guard let chosen else {
            return .response(id: request.id, result: ["outcome": ["outcome": "cancelled"]])
        }
        return .response(id: request.id, result: ["outcome": ["outcome": "selected", "optionId": .string(chosen)]])
    }

    /// The question for a tool call, by its ACP `kind`: `execute` → `Bash(command)`, `edit`,
    /// `delete`, `move` → `Edit(paths)` with the diffs as detail, `read` → `Read(path)`, `fetch` →
    /// `WebFetch(url)`, others `Tool(title)`.
    static func question(call: [String: JSONValue], choices: [ApprovalChoice], workingDirectory: String, taskID: String?, attempt: Int?) -> ApprovalQuestion {
        let raw = call["rawInput"] ?? .null
        let title = call["title"]?.stringValue ?? "tool call"
        let root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        func relative(_ path: String) -> String { path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path }
        let content = call["content"]?.arrayValue ?? []
        let diffs = content.filter { $0["type"] == "diff" }
        var paths = (call["locations"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        paths += diffs.compactMap { $0["path"]?.stringValue }
        for key in ["file_path", "path", "absolute_path"] { if let path = raw[key]?.stringValue { paths.append(path) } }
        var seen = Set<String>()
        paths = paths.map(relative).filter { seen.insert($0).inserted }
        let tool: String, subject: String
        var detail: String
        var readOnly = false
        switch call["kind"]?.stringValue {
        case "execute":
            let command = raw["command"]?.stringValue ?? title
            tool = "Bash"
            subject = ApprovalSubject.make(tool: "Bash", input: ["command": .string(command)])
            readOnly = ApprovalSubject.isReadOnly(tool: "Bash", input: ["command": .string(command)])
            detail = command
            if let directory = raw["dir_path"]?.stringValue ?? raw["directory"]?.stringValue { detail += "\n(in \(directory))" }
        case "edit", "delete", "move":
            tool = "Edit"
            subject = "Edit(\(paths.isEmpty ? title : paths.joined(separator: ", ")))"
            detail = diffs.map { diff in
                let path = diff["path"]?.stringValue.map(relative) ?? "?"
                return "--- \(path)\n" + Self.diffText(old: diff["oldText"]?.stringValue, new: diff["newText"]?.stringValue ?? "")
            }.joined(separator: "\n")
            if detail.isEmpty { detail = title + (raw.isNull ? "" : "\n" + raw.jsonString) }
        case "read":
            tool = "Read"
            subject = "Read(\(paths.first ?? title))"
            detail = title
            readOnly = true
        case "fetch":
            let url = raw["url"]?.stringValue ?? raw["prompt"]?.stringValue ?? title
            tool = "WebFetch"
            subject = "WebFetch(\(url))"
            detail = url
        default:
            tool = call["kind"]?.stringValue ?? "other"
            subject = "\(tool)(\(title))"
            detail = title + (raw.isNull ? "" : "\n" + raw.jsonString)
        }
        return ApprovalQuestion(
            source: .geminiACP, taskID: taskID, attempt: attempt, tool: tool, subject: subject,
            detail: detail.capped(bytes: 64 * 1024), input: .object(call), readOnly: readOnly, choices: choices
        )
    }

    /// The old and new text of an ACP diff as a person reads it: removed lines `-`, added `+`.
    static func diffText(old: String?, new: String) -> String {
        let removed = (old ?? "").split(separator: "\n", omittingEmptySubsequences: false).map { "-" + $0 }
        let added = new.split(separator: "\n", omittingEmptySubsequences: false).map { "+" + $0 }
        return ((old == nil ? [] : removed) + added).joined(separator: "\n")
    }
}
