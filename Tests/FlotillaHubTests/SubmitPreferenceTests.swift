import AsyncHTTPClient
import FlotillaClient
import FlotillaCore
import NIOCore
import NIOHTTP1
import Testing

/// `Prefer: return=minimal` (RFC 7240) on `POST /api/tasks`: the answer carries each task's id
/// and state only, says the preference was applied, and the tasks are stored in full.
@Suite struct SubmitPreferenceTests {
    @Test func aMinimalAnswerCarriesIdsAndStatesOnly() async throws {
        try await TestHub.run { hub in
            var request = HTTPClientRequest(url: hub.client.baseURL + "/api/tasks")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(hub.adminToken)")
            request.headers.add(name: "Prefer", value: "respond-async, RETURN=minimal")
            request.body = .bytes(ByteBuffer(string: #"[{"id":"build-1","type":"code.generate"},{"id":"test-1","type":"testing.run","depends_on":["build-1"]}]"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(response.status == .created)
            #expect(response.headers["Preference-Applied"] == ["return=minimal"])
            #expect(text == #"{"tasks":[{"id":"build-1","state":"queued"},{"id":"test-1","state":"blocked"}]}"# + "\n")

            let stored = try await hub.client.task("test-1")
            #expect(stored["type"] == "testing.run")
            #expect(stored["depends_on"] == ["build-1"])
        }
    }

    @Test func oneTaskAnswersMinimallyOnlyWhenAsked() async throws {
        try await TestHub.run { hub in
            let minimal = try await hub.client.submit(["type": "testing.run", "idempotency_key": "k-1"], minimal: true)
            #expect(minimal.objectValue.map { Set($0.keys) } == ["id", "state"])
            #expect(minimal["state"] == "queued")
            // A repeat through the idempotency key answers the same way, with 200.
            let repeated = try await hub.client.send(.POST, "/api/tasks", body: ["type": "testing.run", "idempotency_key": "k-1"], headers: HubClient.preferring(minimal: true))
            #expect(repeated.status == 200)
            #expect(repeated.body == minimal)
            let full = try await hub.client.submit(["type": "testing.run"])
            #expect(full["priority"] == "normal")
            #expect(full["attempts"] == nil)
        }
    }
}
