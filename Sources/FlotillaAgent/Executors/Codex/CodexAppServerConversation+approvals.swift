import FlotillaCore

/// Codex's approval requests (server → client JSON-RPC requests, app-server README "Approvals"):
/// `item/commandExecution/requestApproval` carries the command; `item/fileChange/requestApproval`
/// names only the item, whose changes (`{path, kind, diff}`) came with its `item/started`. Each is
/// asked as a Claude-style question (`Bash(cmd)`, `Edit(path)`) so that one set of rules serves
/// every executor, and answered `{"decision": "accept" | "decline"}`.
extension CodexAppServerConversation {
    static let commandApproval = "item/commandExecution/requestApproval"
    static let fileChangeApproval = "item/fileChange/requestApproval"

    mutating func asked(_ id: JSONValue, _ method: String, _ params: JSONValue) -> [RPCEffect] {
        let question: ApprovalQuestion
        switch method {
        case Self.commandApproval: question = commandQuestion(params)
        case Self.fileChangeApproval: question = fileChangeQuestion(params)
        default:
            // Requests this client does not serve (user input, MCP elicitations, dynamic tools)
            // are refused, so the turn goes on (or ends) instead of waiting for an answer forever.
            return [.send(.failure(id: id, code: JSONRPCMessage.methodNotFound, message: "flotilla does not serve \(method)"))]
        }
        return [.progress("approval asked: \(question.subject.prefix(200))"), .ask(RPCApprovalRequest(id: id, method: method, question: question))]
    }

    public func reply(to request: RPCApprovalRequest, with answer: ApprovalAnswer) -> JSONRPCMessage {
        // `decline` lets the agent carry on without it (the model sees the refusal); `cancel`
        // would end the whole turn, which a single denied command should not.
        .response(id: request.id, result: ["decision": answer.allowed ? "accept" : "decline"])
    }

    private func commandQuestion(_ params: JSONValue) -> ApprovalQuestion {
        let item = params["itemId"]?.stringValue.flatMap { items[$0] }
        let command = params["command"]?.stringValue ?? item?["command"]?.stringValue
        var input: [String: JSONValue] = ["command": .string(command ?? "")]
        if let reason = params["reason"]?.stringValue { input["description"] = .string(reason) }
        guard let command, !command.isEmpty else {
            // A network-only approval: no command, a host to reach.
            let host = params["networkApprovalContext"]?["host"]?.stringValue ?? params["reason"]?.stringValue ?? "network access"
            return question(tool: "Network", subject: "Network(\(host))", detail: params.jsonString, input: params, readOnly: false)
        }
        let subject = ApprovalSubject.make(tool: "Bash", input: .object(input))
        var detail = command
        if let cwd = params["cwd"]?.stringValue { detail += "\n(in \(cwd))" }
        if let reason = params["reason"]?.stringValue { detail += "\nreason: \(reason)" }
        return question(tool: "Bash", subject: subject, detail: detail, input: params, readOnly: ApprovalSubject.isReadOnly(tool: "Bash", input: .object(input)))
    }

    private func fileChangeQuestion(_ params: JSONValue) -> ApprovalQuestion {
        let item = params["itemId"]?.stringValue.flatMap { items[$0] }
        let changes = item?["changes"]?.arrayValue ?? []
        let paths = changes.compactMap { $0["path"]?.stringValue }.map(relative)
        var detail = changes.map { change in
            let path = change["path"]?.stringValue.map(relative) ?? "?"
            let kind = change["kind"]?["type"]?.stringValue ?? change["kind"]?.stringValue ?? "update"
            return "--- \(path) (\(kind))\n" + (change["diff"]?.stringValue ?? "")
        }.joined(separator: "\n")
        if let reason = params["reason"]?.stringValue { detail = "reason: \(reason)\n" + detail }
        if let root = params["grantRoot"]?.stringValue { detail = "asks to write under \(root) for the session\n" + detail }
        let target = paths.isEmpty ? (params["grantRoot"]?.stringValue ?? "?") : paths.joined(separator: ", ")
        var input = params.objectValue ?? [:]
        input["changes"] = .array(changes)
        return question(tool: "Edit", subject: "Edit(\(target))", detail: detail, input: .object(input), readOnly: false)
    }

    private func question(tool: String, subject: String, detail: String, input: JSONValue, readOnly: Bool) -> ApprovalQuestion {
        ApprovalQuestion(
            source: .codexAppServer, taskID: setup.taskID, attempt: setup.attempt, tool: tool, subject: subject,
            detail: detail.capped(bytes: 64 * 1024), input: input, readOnly: readOnly, choices: []
        )
    }

    /// A path inside the worktree as the worktree sees it (`src/a.swift`), so rules name files as
    /// a person does; others stay absolute.
    private func relative(_ path: String) -> String {
        let root = setup.workingDirectory.hasSuffix("/") ? setup.workingDirectory : setup.workingDirectory + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }
}
