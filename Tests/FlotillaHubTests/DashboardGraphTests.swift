import FlotillaClient
import FlotillaCore
import Testing

/// Issue 22 (Graph view): `GET /api/graph` answers tasks and their `depends_on` edges from a
/// real hub's store, with live states.
@Suite struct DashboardGraphTests {
    static func nodes(_ graph: JSONValue) -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: (graph["nodes"]?.arrayValue ?? []).map { ($0["id"]?.stringValue ?? "", $0) })
    }

    static func edges(_ graph: JSONValue) -> Set<String> {
        Set((graph["edges"]?.arrayValue ?? []).map { "\($0["from"]?.stringValue ?? "")→\($0["to"]?.stringValue ?? "")" })
    }

    @Test func theGraphShowsChainsTheirNeighboursAndOneComponent() async throws {
        try await TestHub.run { hub in
            let long = String(repeating: "x", count: 120)
            _ = try await hub.client.submit(batch: [
                ["id": "build", "type": "code.generate", "prompt": "Build it\nwith care"],
                ["id": "lint", "type": "code.generate", "prompt": .string(long)],
                ["id": "test", "type": "testing.run", "depends_on": ["build", "lint"]],
                ["id": "deploy", "type": "code.generate", "depends_on": ["test"]],
                ["id": "alone", "type": "code.generate", "prompt": "Nothing to do with it"],
                ["id": "other-a", "type": "code.generate"],
                ["id": "other-b", "type": "code.generate", "depends_on": ["other-a"]],
            ])
            let all = try await hub.client.answer(.GET, "/api/graph")
            #expect(all.status == 200)
            #expect(Set(Self.nodes(all.body).keys) == ["build", "lint", "test", "deploy", "other-a", "other-b"])
            #expect(Self.edges(all.body) == ["build→test", "lint→test", "test→deploy", "other-a→other-b"])
            #expect(all.body["truncated"] == false)
            let nodes = Self.nodes(all.body)
            #expect(nodes["build"]?["title"] == "Build it")
            #expect(nodes["lint"]?["title"]?.stringValue == String(repeating: "x", count: 80))
            #expect(nodes["test"]?["title"] == "" && nodes["test"]?["type"] == "testing.run")
            #expect(nodes["build"]?["state"] == "queued" && nodes["deploy"]?["state"] == "blocked")

            // One task's component, from any of its members; a task without edges is alone.
            let component = try await hub.client.answer(.GET, "/api/graph?task_id=deploy")
            #expect(Set(Self.nodes(component.body).keys) == ["build", "lint", "test", "deploy"])
            #expect(Self.edges(component.body).count == 3)
            let alone = try await hub.client.answer(.GET, "/api/graph?task_id=alone")
            #expect(Set(Self.nodes(alone.body).keys) == ["alone"] && Self.edges(alone.body).isEmpty)

            // A limit cuts the picture and says so.
            let cut = try await hub.client.answer(.GET, "/api/graph?task_id=deploy&limit=2")
            #expect(Self.nodes(cut.body).count == 2 && cut.body["truncated"] == true)

            // States are live: a cancel shows at once, on the cancelled task and its dependents.
            _ = try await hub.client.cancel("build")
            let after = Self.nodes(try await hub.client.answer(.GET, "/api/graph?task_id=build").body)
            #expect(after["build"]?["state"] == "cancelled" && after["deploy"]?["state"] == "cancelled")
        }
    }

    @Test func theNewestTasksWithEdgesComeFirstUpToTheLimit() async throws {
        try await TestHub.run { hub in
            for index in 0..<5 {
                _ = try await hub.client.submit(batch: [
                    ["id": .string("a\(index)"), "type": "code.generate"],
                    ["id": .string("b\(index)"), "type": "code.generate", "depends_on": [.string("a\(index)")]],
                ])
            }
            let newest = try await hub.client.answer(.GET, "/api/graph?limit=4")
            #expect(Set(Self.nodes(newest.body).keys) == ["a4", "b4", "a3", "b3"])
            #expect(newest.body["truncated"] == true)
        }
    }

    @Test(arguments: ["limit=0", "limit=1001", "limit=5000", "limit=many", "task_id="])
    func badParametersAreRefused(query: String) async throws {
        try await TestHub.run { hub in
            let answer = try await hub.client.answer(.GET, "/api/graph?\(query)")
            #expect(answer.status == 400 && answer.body["error"]?["code"] == "invalid_field", "\(answer.body)")
        }
    }

    @Test func anUnknownTaskIsNotFound() async throws {
        try await TestHub.run { hub in
            let answer = try await hub.client.answer(.GET, "/api/graph?task_id=nosuch")
            #expect(answer.status == 404 && answer.body["error"]?["code"] == "task_not_found")
        }
    }
}
