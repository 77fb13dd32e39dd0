import FlotillaClient
import FlotillaCore
import FlotillaTmux
import NIOCore

/// What the fleet's hub knows about its agents, for `flotilla ps`: fetched with short timeouts,
/// so a hub that is down or hanging costs ps at most a few seconds and one line of output.
struct HubView: Sendable {
    /// Agents registered with the hub (`GET /api/agents`), by id.
    var agents: [String: AgentStatus] = [:]
    /// Tasks those agents hold, by id.
    var tasks: [String: TaskRecord] = [:]
    /// Live screen states by agent name, when the hub watches this fleet's panes.
    var screenStates: [String: String]?
    /// Why the hub could not be asked, when it could not: `not reachable: …` or `refused: …`.
    var problem: String?

    static let timeout: TimeAmount = .seconds(2)

    static func fetch(_ fleet: Fleet, token: String?) async -> HubView {
        var view = HubView()
        // A refused connection answers at once here; the HTTP client would retry it until its
        // deadline.
        guard HostTools().answers(fleet.file.hub.url, defaultPort: fleet.file.hub.url.hasPrefix("https") ? 443 : 80) else {
            view.problem = "not reachable: nothing accepts connections there"
            return view
        }
        let client = fleet.hubClient(token: token)
        async let watch = try? client.send(.GET, "/api/watch", timeout: timeout).body
        let agents: [AgentView]
        do {
            let listed = try await client.send(.GET, "/api/agents", timeout: timeout).body["agents"]?.arrayValue ?? []
            agents = try listed.map { agent throws(FlotillaError) in try AgentView(json: agent) }
        } catch let error as FlotillaError {
            view.problem = "answered what ps cannot read: \(error.message)"
            _ = await watch
            return view
        } catch let failure as HubClient.Failure {
            view.problem = "refused the request: \(failure.code): \(failure.message)"
            _ = await watch
            return view
        } catch {
            view.problem = "not reachable: " + Self.describe(error)
            _ = await watch
            return view
        }
        for agent in agents {
            if let status = agent.status { view.agents[agent.id] = status }
        }
        if let answer = await watch, answer["enabled"] == true,
           answer["socket"]?.stringValue == fleet.tmux.configuration.socketName {
            var states: [String: String] = [:]
            for agent in answer["agents"]?.arrayValue ?? [] {
                if let pane = try? PaneView(json: agent) { states[pane.agent] = pane.state }
            }
            view.screenStates = states
        }
        let held = Set(view.agents.values.flatMap(\.held))
        await withTaskGroup(of: (String, TaskRecord?).self) { group in
            for id in held {
                group.addTask { (id, try? TaskRecord(json: await client.send(.GET, "/api/tasks/\(id.pathSegment)", timeout: timeout).body)) }
            }
            for await (id, task) in group { view.tasks[id] = task }
        }
        return view
    }

    static func describe(_ error: any Error) -> String {
        if let tls = HubTrust.tlsFailure(error) { return "TLS failed: " + tls }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("deadline") || text.localizedCaseInsensitiveContains("timeout") {
            return "no answer within 2 s"
        }
        return text
    }
}
