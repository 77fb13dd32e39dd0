import Foundation
import Testing

@testable import FlotillaTmux

/// examples/workflows/flotilla.yaml: the fleet the example workflows run on loads, and its shell
/// agents serve every role the examples' steps are routed to, in the folder their scripts are in.
@Suite struct ExampleFleetFileTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/workflows").path

    @Test func loadsWithAShellAgentPerRole() throws {
        let fleet = try FleetFile.load(path: Self.folder + "/flotilla.yaml")
        let agents = try fleet.expandedAgents()
        // code.review → review, testing.run and testing.triage → testing, security.scan →
        // security, deployment.* → deployment, monitoring.health → monitoring, notify.send → general.
        #expect(Set(agents.compactMap(\.spec.role)) == ["review", "testing", "security", "deployment", "monitoring", "general"])
        for agent in agents {
            #expect(agent.spec.executor == "shell", "\(agent.name)")
            #expect(agent.command.workingDirectory == Self.folder, "\(agent.name): \(agent.command)")
        }
        #expect(agents.filter { $0.spec.role == "testing" }.count == 2, "the nightly's suites run two at a time")
        // The hub it starts reads the webhook secret file and watches the fleet's own socket.
        let hub = try #require(fleet.hubCommand(flotilla: "flotilla", socket: "flotilla-workflows"))
        #expect(hub.command.contains("webhook.secret"))
        #expect(hub.command.contains("--tmux-socket flotilla-workflows"))
        #expect(hub.workingDirectory == Self.folder)
    }
}
