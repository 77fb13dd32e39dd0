import FlotillaCore
import FlotillaEngine
import Foundation
import FlotillaTmux
import Synchronization

extension WatchedAgents {
    /// A watched agent as the API shows it.
    public struct AgentView: Sendable {
        public var name: String
        public var session: String
        public var pane: String
        /// The screen-rules kind it is read with.
        public var kind: String
        public var state: ObservedState
        /// Seconds since 1970 of the last state change.
        public var since: Double?
        public var progress: TaskProgress?
    }

    /// Every watched agent, by name.
    public func agents() -> [AgentView] {
        let agents = state.withLock { Array($0.agents.values) }.sorted { $0.name < $1.name }
        return agents.map(view)
    }

    /// Watched agent `name`.
    public func view(of name: String) throws(FlotillaError) -> AgentView {
        view(try agent(name))
    }

    /// The watched agent named `name`, else the only watched agent of tmux session `name`, else
    /// the agent in tmux pane `name` (`%12`; routes decode `%2512` to it, Parameters+decoded).
    func agent(_ name: String) throws(FlotillaError) -> Agent {
        let (agent, known) = state.withLock { state -> (Agent?, [String]) in
            if let agent = state.agents[name] { return (agent, []) }
            let inSession = state.agents.values.filter { $0.session == name }
            if inSession.count == 1 { return (inSession.first, []) }
            let inPane = state.agents.values.first { $0.pane == name }
            return (inPane, state.agents.keys.sorted())
        }
        guard let agent else {
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            throw FlotillaError(
                .agentNotFound,
                "No watched agent is named '\(name)' on tmux socket '\(tmux.configuration.socketName)' (watched: \(list)).",
                field: "id"
            )
        }
        return agent
    }

    private func view(_ agent: Agent) -> AgentView {
        let snapshot = agent.monitor.snapshot().first { $0.agent == agent.name && $0.pane == agent.pane }
        return AgentView(
            name: agent.name, session: agent.session, pane: agent.pane, kind: agent.target.classifier.kind,
            state: snapshot?.state ?? .initializing, since: snapshot?.since, progress: snapshot?.progress
        )
    }

    /// Agent `name`'s visible screen, or with `lines` that much scrollback above it too.
    public func output(of name: String, lines: Int? = nil) async throws -> (agent: AgentView, text: String) {
        let agent = try agent(name)
        do {
            let text = if let lines {
                try await tmux.captureHistory(agent.pane, lines: lines)
            } else {
                try await tmux.capture(agent.pane)
            }
            return (view(agent), text)
        } catch let error as TmuxError where error.code == .paneNotFound {
            release(agent: agent.name, pane: agent.pane)
            throw FlotillaError(.agentNotFound, "Agent '\(agent.name)' is gone: its pane \(agent.pane) no longer exists.", field: "id")
        }
    }

    /// Kills agent `name` for good: Ctrl-C, SIGTERM to the pane's process group, SIGKILL after
    /// `grace` to whatever is left (descendants included), then removes its pane.
    ///
    /// The pane leaves the fleet first (its `@flotilla_agent` mark is removed), so the
    /// supervisor does not take the exit for a crash and restart it. Returns the pane and the
    /// pids that needed SIGKILL.
    public func kill(_ name: String, grace: Duration) async throws -> (pane: String, killed: [Int32]) {
        let agent = try agent(name)
        guard let info = try await tmux.paneInfo(agent.pane) else {
            release(agent: agent.name, pane: agent.pane)
            throw FlotillaError(.agentNotFound, "Agent '\(agent.name)' is gone: its pane \(agent.pane) no longer exists.", field: "id")
        }
        _ = try? await tmux.run(["set-option", "-p", "-u", "-t", info.id, "@flotilla_agent"])
        release(agent: agent.name, pane: info.id)
        let killed = await tmux.terminate([info], grace: grace)
        _ = try? await tmux.killPane(info.id)
        hub.engine.recordObservation(.agentKilled, agentID: agent.name, data: [
            "pane": .string(info.id),
            "sigkill": .array(killed.sorted().map { .int(Int64($0)) }),
        ])
        return (info.id, killed)
    }
}
