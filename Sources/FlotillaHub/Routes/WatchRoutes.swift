import FlotillaCore
import FlotillaTmux
import Hummingbird

/// The watched-agent endpoints, for the fleet's interactive agents in tmux:
/// `GET /api/watch`, `GET /api/agents/{id}/output`, `POST /api/agents/{id}/command`,
/// `GET /api/agents/{id}/commands`, `POST /api/agents/{id}/commands/{cid}/cancel` (or `DELETE
/// /api/agents/{id}/commands/{cid}`) and `POST /api/agents/{id}/kill`. `{id}` is the fleet
/// agent's name. Without `--watch-panes` they answer 409 `watch_not_enabled`.
struct WatchRoutes {
    let watched: WatchedAgents?

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("watch") { _, _ in overview() }
        group.get("agents/:id/output") { request, context in
            try await output(request, name: context.parameters.decoded("id"))
        }
        group.post("agents/:id/command") { request, context in
            try await command(request, name: context.parameters.decoded("id"))
        }
        group.get("agents/:id/commands") { _, context in
            let name = try context.parameters.decoded("id")
            let commands = try require().commands(of: name)
            return JSONResponse.make(["agent": .string(name), "commands": .array(commands.map(Self.json))])
        }
        group.post("agents/:id/commands/:command/cancel") { _, context in
            try await cancel(name: context.parameters.decoded("id"), command: context.parameters.decoded("command"))
        }
        group.delete("agents/:id/commands/:command") { _, context in
            try await cancel(name: context.parameters.decoded("id"), command: context.parameters.decoded("command"))
        }
        group.post("agents/:id/kill") { request, context in
            try await kill(request, name: context.parameters.decoded("id"))
        }
    }

    private func require() throws(FlotillaError) -> WatchedAgents {
        guard let watched else {
            throw FlotillaError(
                .watchNotEnabled,
                "This hub does not watch tmux panes; start it with `flotilla hub --watch-panes` (the hub `flotilla up` starts does)."
            )
        }
        return watched
    }

    private func overview() -> Response {
        guard let watched else { return JSONResponse.make(["enabled": false, "socket": .null, "agents": .array([])]) }
        return JSONResponse.make([
            "enabled": true,
            "socket": .string(watched.tmux.configuration.socketName),
            "agents": .array(watched.agents().map(Self.json)),
        ])
    }

    /// `?lines=N` adds up to N lines of scrollback above the visible screen.
    private func output(_ request: Request, name: String) async throws -> Response {
        let watched = try require()
        var lines: Int?
        if let raw = request.uri.queryParameters["lines"] {
            guard let value = Int(raw), (1...100_000).contains(value) else {
                throw FlotillaError(.invalidField, "'lines' must be a whole number from 1 to 100000, got '\(raw)'.", field: "lines")
            }
            lines = value
        }
        let (agent, text) = try await watched.output(of: name, lines: lines)
        guard case .object(var body) = Self.json(agent) else { return JSONResponse.make(.null) }
        body["lines"] = lines.map { .int(Int64($0)) } ?? .null
        body["output"] = .string(text)
        return JSONResponse.make(.object(body))
    }

    /// Body `{"text": "…", "force": false}` (`command` is accepted for `text`, the monitor
    /// socket's name for it). Answers 202 with the queued command, or with `?wait=SECONDS` 200 once it was
    /// typed or failed (202 if it is still queued then).
    private func command(_ request: Request, name: String) async throws -> Response {
        let watched = try require()
        _ = try watched.view(of: name)
        var wait: Double?
        if let raw = request.uri.queryParameters["wait"] {
            guard let value = Double(raw), (0...600).contains(value) else {
                throw FlotillaError(.invalidField, "'wait' must be a number of seconds from 0 to 600, got '\(raw)'.", field: "wait")
            }
            wait = value
        }
        let body = try await JSONResponse.body(of: request, limit: watched.configuration.maxCommandBytes)
        let (text, force) = try Self.parseCommand(body)
        var view = try watched.submit(text, force: force, to: name)
        if let wait {
            await watched.waitForCommand(view.record.id, timeout: .milliseconds(Int64(wait * 1000)))
            view = watched.command(id: view.record.id) ?? view
        }
        return JSONResponse.make(Self.json(view), status: view.queued ? .accepted : .ok)
    }

    static func parseCommand(_ body: JSONValue) throws(FlotillaError) -> (text: String, force: Bool) {
        guard let object = body.objectValue else {
            throw FlotillaError(.invalidField, "The body must be an object like {\"text\": \"…\", \"force\": false}, got \(body.typeName).")
        }
        if let unknown = object.keys.sorted().first(where: { !["text", "command", "force"].contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown field '\(unknown)'; a command has 'text' and 'force'.", field: unknown)
        }
        if object["text"] != nil && object["command"] != nil {
            throw FlotillaError(.invalidField, "Send 'text' or 'command' (another name for it), not both.", field: "command")
        }
        let field = object["text"] != nil ? "text" : "command"
        guard let raw = object[field], !raw.isNull else {
            throw FlotillaError(.missingField, "'text' (string) is required: what to type into the agent.", field: "text")
        }
        guard let text = raw.stringValue else {
            throw FlotillaError(.invalidField, "'\(field)' must be a string, got \(raw.typeName).", field: field)
        }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw FlotillaError(.invalidField, "'\(field)' must not be empty or only whitespace.", field: field)
        }
        // A typed escape sequence could end bracketed paste early or drive the terminal; a
        // prompt has no business holding one.
        if let control = text.unicodeScalars.first(where: { ($0.value < 0x20 && !"\t\n\r".unicodeScalars.contains($0)) || $0.value == 0x7F }) {
            throw FlotillaError(.invalidField, "'\(field)' must not contain control characters (found U+\(String(control.value, radix: 16, uppercase: true))).", field: field)
        }
        var force = false
        if let raw = object["force"], !raw.isNull {
            guard let value = raw.boolValue else {
                throw FlotillaError(.invalidField, "'force' must be true or false, got \(raw.typeName).", field: "force")
            }
            force = value
        }
        return (text, force)
    }

    /// Cancels a queued command: 200 with the command as it ended (`failed`, error
    /// `cancelled`); 409 `invalid_state` once its typing started or it finished.
    private func cancel(name: String, command raw: String) async throws -> Response {
        let watched = try require()
        guard let id = Int(raw), id > 0 else {
            throw FlotillaError(.invalidField, "A command id is a positive whole number, got '\(raw)'.", field: "command")
        }
        let view = try await watched.cancel(command: id, of: name)
        return JSONResponse.make(Self.json(view))
    }

    /// Optional body `{"grace": SECONDS}`: time between SIGTERM and SIGKILL (default 3, at most 60).
    private func kill(_ request: Request, name: String) async throws -> Response {
        let watched = try require()
        _ = try watched.view(of: name)
        var grace = 3.0
        if let body = try await JSONResponse.optionalBody(of: request, limit: 4096) {
            guard let object = body.objectValue else { throw FlotillaError(.invalidField, "The body must be an object like {\"grace\": 3}.") }
            if let unknown = object.keys.sorted().first(where: { $0 != "grace" }) {
                throw FlotillaError(.unknownField, "Unknown field '\(unknown)'; kill takes only 'grace'.", field: unknown)
            }
            if let raw = object["grace"], !raw.isNull {
                guard let value = raw.doubleValue, (0...60).contains(value) else {
                    throw FlotillaError(.invalidField, "'grace' must be a number of seconds from 0 to 60.", field: "grace")
                }
                grace = value
            }
        }
        let (pane, killed) = try await watched.kill(name, grace: .milliseconds(Int64(grace * 1000)))
        return JSONResponse.make([
            "agent": .string(name), "pane": .string(pane), "killed": true,
            "sigkill": .array(killed.sorted().map { .int(Int64($0)) }),
        ])
    }

    static func json(_ agent: WatchedAgents.AgentView) -> JSONValue {
        paneView(agent).json
    }

    /// The watched agent as the API shows it (``PaneView``).
    static func paneView(_ agent: WatchedAgents.AgentView) -> PaneView {
        PaneView(
            agent: agent.name, session: agent.session, pane: agent.pane, kind: agent.kind, state: agent.state.rawValue,
            since: agent.since, progress: agent.progress.map { PaneView.Progress(done: $0.done, total: $0.total, percent: $0.percent) }
        )
    }

    static func json(_ view: WatchedAgents.CommandView) -> JSONValue {
        let record = view.record
        var error: JSONValue = .null
        if !view.queued, let code = record.errorCode {
            error = ["code": .string(code), "message": .string(record.errorMessage ?? "")]
        }
        return [
            "id": .int(Int64(record.id)), "agent": .string(record.agent), "pane": .string(record.pane),
            "text": .string(record.text), "force": .bool(record.forced),
            "status": .string(view.queued ? "queued" : record.outcome.rawValue),
            "method": record.method.map { .string($0.rawValue) } ?? .null,
            "attempts": .int(Int64(record.attempts)), "enter_presses": .int(Int64(record.enterPresses)),
            "error": error,
            "queued_at": .string(Timestamp.iso8601(record.queuedAt)),
            "finished_at": view.queued ? .null : .string(Timestamp.iso8601(record.finishedAt)),
        ]
    }
}
