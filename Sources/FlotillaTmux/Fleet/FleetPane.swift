/// A fleet agent's pane found on a tmux socket by its bookkeeping: the pane option
/// `@flotilla_agent` names the agent, the session option `@flotilla_file` the fleet file that
/// `flotilla up` started it from.
///
/// This is how a process that did not start the fleet (the hub) finds what to watch.
public struct FleetPane: Sendable, Hashable {
    /// The fleet agent's name.
    public var agent: String
    public var pane: PaneInfo
    /// The fleet file of the pane's session, when the session names one.
    public var fleetFile: String?
    /// The screen-rules kind of an adopted pane (pane option `@flotilla_kind`, set by
    /// ``Tmux/adopt(session:kind:)``).
    public var kind: String?

    public var session: String { pane.sessionName }

    /// The monitor target for this pane: kind, rules, auto-approve policy and task spec from
    /// the fleet file. Without a readable fleet file (or an agent it no longer lists), the pane
    /// is read with its `@flotilla_kind` rules (an adopted session), else the `shell` rules, and
    /// nothing is approved.
    public func monitorTarget() throws -> PaneMonitor.Target {
        if let fleetFile, let file = try? FleetFile.load(path: fleetFile),
           let agent = try file.expandedAgents().first(where: { $0.name == self.agent }) {
            return PaneMonitor.Target(
                agent: self.agent,
                pane: pane.id,
                classifier: try ScreenClassifier(kind: agent.kind, rules: file.screenRules()),
                autoApprove: agent.spec.autoApprove,
                taskSpec: agent.spec.taskSpec.map(file.resolve)
            )
        }
        return PaneMonitor.Target(agent: agent, pane: pane.id, classifier: try ScreenClassifier(kind: kind ?? "shell"))
    }
}

extension Tmux {
    /// Every fleet agent pane on this socket, in every session. None when no server runs.
    public func fleetPanes() async throws -> [FleetPane] {
        let panes = try await listPanes().filter { $0.agentName != nil }
        var files: [String: String?] = [:]
        var result: [FleetPane] = []
        for pane in panes {
            if files[pane.sessionName] == nil {
                let output = try? await execute(["show-options", "-v", "-t", "=\(pane.sessionName):", "@flotilla_file"])
                let path = output.flatMap { $0.succeeded ? $0.standardOutput.trimmingWhitespace() : nil }
                files[pane.sessionName] = .some(path?.isEmpty == false ? path : nil)
            }
            var found = FleetPane(agent: pane.agentName!, pane: pane, fleetFile: files[pane.sessionName] ?? nil)
            if found.fleetFile == nil, let output = try? await execute(["show-options", "-p", "-v", "-t", pane.id, "@flotilla_kind"]), output.succeeded {
                let kind = output.standardOutput.trimmingWhitespace()
                found.kind = kind.isEmpty ? nil : kind
            }
            result.append(found)
        }
        return result
    }
}
