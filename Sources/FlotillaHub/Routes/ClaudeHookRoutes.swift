import FlotillaCore
import FlotillaEngine
import FlotillaTmux
import Foundation
import Hummingbird

/// `POST /hooks/claude/{agent}`: the Claude Code `http` hooks `flotilla up` installs for an
/// interactive Claude Code agent in tmux (docs/approvals.md, "Interactive Claude Code and
/// tmux"). The body is Claude Code's hook input, the answer its hook output
/// (code.claude.com/docs/en/hooks).
///
/// - PermissionRequest becomes an approval request (`source: claude_hook`); the call waits for
///   its decision, by a person, a rule or the timeout policy, and answers Claude Code's
///   PermissionRequest decision (`behavior: allow|deny`, a deny's reason as `message`).
/// - SessionStart and UserPromptSubmit say the agent is working, Notification
///   (`permission_prompt`, `idle_prompt`, `elicitation_dialog`) that it waits for a person,
///   Stop that it is idle: the watched agent's state changes as its screen would change it,
///   with the same `agent.screen_state` event, and wins over the screen for a while. Answered
///   `{}` (no output: Claude Code goes on as without the hook).
///
/// The token is the agent's own (an agent token bound to its name) or an admin's. Bad JSON, an
/// unknown event: 400 with a code, nothing changed. A refusal or a hub that is away is a
/// non-blocking error to Claude Code: it shows its own permission dialog, which the screen
/// fallback then reads.
struct ClaudeHookRoutes {
    let hub: Hub
    let watched: WatchedAgents?

    /// Largest hook body taken: a tool input with a file's content (Write) can be big.
    static let maxBody = 1 << 20

    func add(to group: RouterGroup<HubRequestContext>) {
        let routes = self
        group.post(":agent") { request, context in
            try await routes.receive(request, context: context)
        }
    }

    func receive(_ request: Request, context: HubRequestContext) async throws -> Response {
        let agent = try context.parameters.decoded("agent")
        // The body is read first: a bad one is 400 whoever sends it, and nothing happens before
        // the token is checked against the agent below.
        let body = try await JSONResponse.body(of: request, limit: min(Self.maxBody, hub.configuration.maxBodySize))
        let call = try ClaudeHookCall.parse(body)
        try Self.authorize(context.identity, agent: agent)
        switch call.event {
        case .permissionRequest(let tool, let input):
            return try await permission(agent: agent, tool: tool, input: input, identity: context.identity)
        case .notification(let type, _):
            // Claude Code says it needs the person: a permission dialog, an MCP question, or
            // its prompt has sat idle (docs: notification_type). Other kinds change nothing.
            if ["permission_prompt", "idle_prompt", "elicitation_dialog"].contains(type ?? "") {
                observe(agent, .waitingInput, call)
            }
        case .stop: observe(agent, .idle, call)
        case .userPromptSubmit, .sessionStart: observe(agent, .working, call)
        }
        return JSONResponse.make(.object([:]))
    }

    /// Only the agent's own token, or an admin's, speaks for it.
    static func authorize(_ identity: Identity?, agent: String) throws(FlotillaError) {
        switch identity {
        case .admin?: return
        case .agent(_, _, let bound?)? where bound == agent: return
        case .agent(_, _, let bound)?:
            let whose = bound.map { "agent '\($0)'" } ?? "no agent in particular"
            throw FlotillaError(.forbidden, "This token is bound to \(whose); only agent '\(agent)''s own token (or an admin token) may post its hooks.", field: "agent")
        default:
            throw FlotillaError(.forbidden, "Claude Code hooks need the agent's own token (scope 'agent') or an admin token.")
        }
    }

    /// The agent's state from a hook: through its watcher when the hub watches it, else as an
    /// event of its own.
    private func observe(_ agent: String, _ state: ObservedState, _ call: ClaudeHookCall) {
        if watched?.observeHook(agent, state: state, hook: call.eventName) == true { return }
        hub.engine.recordObservation(.agentScreenState, agentID: agent, data: [
            "from": .null, "to": .string(state.rawValue), "source": "hook", "hook": .string(call.eventName),
        ])
    }

    /// Asks, waits for the decision (the policy's timeout is applied by the hub's expiry
    /// service; a little longer is allowed for it), and answers Claude Code.
    private func permission(agent: String, tool: String, input: JSONValue, identity: Identity?) async throws -> Response {
        let engine = hub.engine
        // A dialog already read off the screen is the same question: the hook answers it.
        for screen in try await engine.approvals(ApprovalQuery(state: .pending, agentID: agent)) where screen.question.source == .tmuxScreen {
            _ = try? await engine.withdrawApproval(id: screen.id, reason: "asked again through the agent's PermissionRequest hook")
        }
        _ = watched?.observeHook(agent, state: .waitingInput, hook: "PermissionRequest")
        var role: String?
        if case .agent(_, let bound, _)? = identity { role = bound }
        // Subject (`Bash(rm -rf build)`), detail and read-only are ApprovalSubject's reading of
        // Claude Code's own tool input.
        let question = ApprovalQuestion(source: .claudeHook, tool: tool, input: input)
        var record = try await engine.requestApproval(question, agentID: agent, role: role, ref: nil)
        if record.state == .pending {
            let left = max(0, record.expiresAt - Date().timeIntervalSince1970) + 5
            let deadline = ContinuousClock.now + .milliseconds(Int(left * 1000))
            record = try await engine.waitForApproval(id: record.id, until: deadline) ?? record
        }
        let allowed = record.state == .allowed
        let reason = record.state == .pending ? "No decision reached the hub in time; denied." : record.reason
        // Allowed, the tool runs; denied, the model goes on with the reason: working either way.
        _ = watched?.observeHook(agent, state: .working, hook: "PermissionRequest")
        return JSONResponse.make(ClaudeHookCall.permissionDecision(allow: allowed, message: reason))
    }
}
