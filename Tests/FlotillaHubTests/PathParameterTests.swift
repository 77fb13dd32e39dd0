import FlotillaClient
import FlotillaCore
import Testing

/// Ids in paths are percent-decoded: a client that encodes an id (as the CLI does) reaches the
/// same task, agent and token as one that does not.
@Suite struct PathParameterTests {
    @Test func encodedIdsReachTheSameTaskAgentAndToken() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(["id": "abc-def.1", "type": "testing.run"])
            let plain = try await hub.client.send(.GET, "/api/tasks/abc-def.1")
            let encoded = try await hub.client.send(.GET, "/api/tasks/abc%2Ddef%2E1")
            #expect(plain.status == 200)
            #expect(encoded.status == 200)
            #expect(encoded.body["id"] == "abc-def.1")

            try await TestAgent.run(hub, id: "worker.one") { _ in
                let agent = try await hub.client.send(.GET, "/api/agents/worker%2Eone")
                #expect(agent.status == 200)
                #expect(agent.body["id"] == "worker.one")
            }

            let created = try await hub.client.send(.POST, "/api/tokens", body: ["name": "ci-reader"])
            let tokenID = try #require(created.body["id"]?.stringValue)
            let encodedID = tokenID.unicodeScalars.map { "%" + String(format: "%02X", $0.value) }.joined()
            let revoked = try await hub.client.send(.POST, "/api/tokens/\(encodedID)/revoke")
            #expect(revoked.status == 200)

            // A malformed escape is taken as written, and so not found: no 5xx, nothing changed.
            let malformed = await #expect(throws: HubClient.Failure.self) { try await hub.client.send(.GET, "/api/tasks/abc%2") }
            #expect(malformed?.status == 404)
            #expect(malformed?.code == "task_not_found")
        }
    }
}
