import FlotillaCore
import Foundation

extension FleetFile.Agent {
    /// Whether `flotilla up` gives this agent Claude Code http hooks: it runs its own command
    /// (Claude Code interactively, not `flotilla agent`, whose claude executor is headless) and
    /// is read with the claude screen rules.
    public var usesClaudeHooks: Bool { spec.command != nil && kind == "claude" }
}

extension FleetFile {
    /// Where the hook token of Claude Code agent `name` is kept (0600, in the 0700 token
    /// directory). Unlike a `flotilla agent` token file it is not deleted once read: the pane's
    /// command reads it at every start, so a restart by the hub (`respawn-pane`) finds it too.
    public func hookTokenPath(_ name: String) -> String { tokenDirectory + "/\(name).hook.token" }

    /// The settings file Flotilla's hooks go into: `<workdir>/.claude/settings.local.json`
    /// (Claude Code's local project settings, meant to stay out of version control).
    public func claudeSettingsPath(of spec: AgentSpec) -> String {
        resolve(spec.workdir ?? ".") + "/.claude/settings.local.json"
    }

    /// `command` with the agent's hook token exported as ``ClaudeHookSettings/tokenVariable``
    /// from its token file first. The token is read by the pane's shell, so it is on no command
    /// line (tmux's, `ps`) and in no file of the project; Claude Code puts it in the hooks'
    /// `Authorization` header (`allowedEnvVars`).
    func hookedCommand(_ command: String, name: String) -> String {
        let path = Self.shellQuote(hookTokenPath(name))
        return "export \(ClaudeHookSettings.tokenVariable)=\"$(cat \(path) 2>/dev/null)\"; \(command)"
    }

    /// What `up` installs for `agent`. Claude Code waits for a PermissionRequest answer a
    /// minute longer than the hub's approval timeout (the fleet's `approvals.timeout`, else the
    /// hub's default), so the hub's timeout policy is what answers.
    func hookInstall(_ agent: Agent) -> ClaudeHookSettings.Install {
        let timeout = (approvals ?? .standard).timeout
        return ClaudeHookSettings.Install(
            hubURL: hub.url, agent: agent.name, approvals: !agent.spec.autoApprove.enabled, permissionTimeout: Int(timeout.rounded(.up)) + 60
        )
    }
}
