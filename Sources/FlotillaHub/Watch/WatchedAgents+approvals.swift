import FlotillaCore
import FlotillaEngine
import FlotillaTmux
import Foundation
import Logging
import Synchronization

extension WatchedAgents {
    /// A decision to type into a pane: the approval's id and what was decided.
    struct PromptAnswer: Sendable {
        var id: String
        var allow: Bool
        var choice: String?
        /// Withdrawn (the prompt went away, the agent left): nothing is typed.
        var cancelled: Bool
    }

    /// The monitors' way to the hub's approvals: a prompt on a watched screen becomes one
    /// request (`source: tmux_screen`), withdrawn when the prompt goes away unanswered.
    func promptRequests() -> PromptRequests {
        PromptRequests(
            open: { [weak self] agent, prompt, choices in await self?.openApproval(agent: agent, prompt: prompt, choices: choices) },
            cancel: { [weak self] id in await self?.withdrawApproval(id) }
        )
    }

    /// Opens the approval request of a prompt on `agent`'s screen; nil when the agent's hooks
    /// asked already (the same dialog, answered through the hook), or the hub refused it.
    func openApproval(agent: String, prompt: String, choices: [ApprovalChoice]) async -> PromptRequests.Opened? {
        let engine = hub.engine
        do {
            let pending = try await engine.approvals(ApprovalQuery(state: .pending, agentID: agent))
            if pending.contains(where: { $0.question.source == .claudeHook }) { return nil }
            let record = try await engine.requestApproval(Self.question(prompt: prompt, choices: choices), agentID: agent, role: nil, ref: nil)
            // Decided by a rule at once: its decision may reach the session before the monitor
            // holds the prompt, so the monitor is told here too (it types once either way).
            guard record.state != .pending else { return PromptRequests.Opened(id: record.id) }
            return PromptRequests.Opened(id: record.id, decision: (record.state == .allowed, record.choice))
        } catch {
            logger.warning("cannot open an approval for agent '\(agent)''s prompt: \(error)")
            return nil
        }
    }

    /// The question a screen prompt asks: tool `prompt`, the prompt's own lines as the detail,
    /// and as the subject (what rules match) `prompt(<its lines, borders removed, on one line>)`.
    static func question(prompt: String, choices: [ApprovalChoice]) -> ApprovalQuestion {
        let words = prompt.split(separator: "\n")
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│|┃╭╮╰╯─━ \t")) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        return ApprovalQuestion(
            source: .tmuxScreen, taskID: nil, attempt: nil, tool: "prompt", subject: "prompt(\(words.prefix(500)))",
            detail: prompt, input: ["prompt": .string(prompt)], readOnly: false, choices: choices
        )
    }

    /// Withdraws request `id`: its prompt left the screen before anyone answered.
    func withdrawApproval(_ id: String) async {
        _ = try? await hub.engine.withdrawApproval(id: id, reason: "the prompt left the screen before an answer")
    }

    /// An approval was decided: when it is a watched screen's prompt, its answer goes to the
    /// agent's session to be typed (only if the same prompt still shows).
    func decided(_ record: ApprovalRecord) {
        guard record.question.source == .tmuxScreen, let agent = state.withLock({ $0.agents[record.agentID] }) else { return }
        let answer = PromptAnswer(
            id: record.id, allow: record.state == .allowed, choice: record.choice, cancelled: record.decidedBy == .cancelled
        )
        agent.work.yield(.answer(answer))
    }

    /// Agent `name` reported `state` through its Claude Code hooks (`hook` names the event):
    /// published as its screen state would be, winning over the screen for a while. False when
    /// the agent is not watched here.
    public func observeHook(_ name: String, state observed: ObservedState, hook: String) -> Bool {
        guard let agent = state.withLock({ $0.agents[name] }) else { return false }
        agent.monitor.observeHook(agent.target, state: observed, event: hook)
        return true
    }
}
