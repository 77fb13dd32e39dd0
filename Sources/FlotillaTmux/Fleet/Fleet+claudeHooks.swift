import FlotillaCore
import Foundation

extension Fleet {
    /// Readies an interactive Claude Code agent's hooks at each (re)start: Flotilla's http hooks
    /// merged into `<workdir>/.claude/settings.local.json`, and a fresh hub token (bound to the
    /// agent's name) in its hook token file, which its pane exports to Claude Code. Returns a
    /// warning when either failed: the agent still starts, its approvals and states then come
    /// from its screen (and a hook without a token is refused, which Claude Code takes as a
    /// non-blocking error: its own dialog shows).
    func provisionHooks(_ agent: FleetFile.Agent) async -> String? {
        var problems: [String] = []
        do {
            try installClaudeHooks(agent)
        } catch {
            problems.append("its Claude Code hooks were not installed: \(error)")
        }
        if let issuer {
            let role = agent.spec.role.flatMap { $0.contains(",") ? nil : $0.trimmingCharacters(in: .whitespaces) }
            do {
                guard HubProbe.isAnswering(file.hub.url) else {
                    throw FleetError(.hubUnavailable, "nothing answers at \(file.hub.url)", field: "hub.url")
                }
                let token = try await issuer.issue(agent: agent.name, role: role)
                try SecretFile.makeDirectory(file.tokenDirectory)
                try SecretFile.write(file.hookTokenPath(agent.name), contents: token)
            } catch {
                problems.append("no new hub token for its hooks (the hub refuses them until one is minted): \(error)")
            }
        }
        return problems.isEmpty ? nil : "agent '\(agent.name)': " + problems.joined(separator: "; ")
    }

    /// Merges Flotilla's hooks for `agent` into its settings file, keeping every other key and
    /// hook; the same document again on a re-run. A file that is not Claude Code settings JSON
    /// is left as it is (an error naming it).
    public func installClaudeHooks(_ agent: FleetFile.Agent) throws {
        let path = file.claudeSettingsPath(of: agent.spec)
        var existing: JSONValue?
        if let data = FileManager.default.contents(atPath: path), !data.allSatisfy({ " \n\r\t".utf8.contains($0) }) {
            do {
                existing = try JSONValue.parse(Array(data))
            } catch {
                throw FleetError(.invalidField, "\(path) is not valid JSON (\(error.message)); fix or remove it", field: "agents.\(agent.spec.name)")
            }
        }
        let merged: JSONValue
        do {
            merged = try ClaudeHookSettings.merged(existing, file.hookInstall(agent))
        } catch {
            throw FleetError(.invalidField, "\(path): \(error.message)", field: "agents.\(agent.spec.name)")
        }
        if merged == existing { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = try encoder.encode(merged)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try (text + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
