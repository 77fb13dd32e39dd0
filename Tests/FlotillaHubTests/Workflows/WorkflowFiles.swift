import FlotillaClient
import FlotillaCore

/// Workflow files the route tests send, and small helpers over the hub's workflow JSON.
enum WorkflowFiles {
    /// Two steps for the role `wfapi`: `test` reads `build`'s result through a template.
    static let ship = """
        name: ship
        description: Build, then test what was built.
        inputs:
          branch: {type: string, default: main}
          replicas: {type: number}
        steps:
          build:
            type: build.run
            role: wfapi
            prompt: "build ${{ inputs.branch }}"
          test:
            type: testing.run
            role: wfapi
            needs: build
            payload: {artifact: "${{ steps.build.result.artifact }}"}
        """

    /// One step for a role no agent serves: the run stays running until it is cancelled.
    static let parked = """
        name: parked
        on:
          webhook: {github: [push]}
        steps:
          wait:
            type: parked.run
            role: nobody
        """

    /// A refused file: its text (the `# refused:` line is line 1, as in docs/workflows.md), the
    /// code and the place.
    struct Refused: Sendable, CustomStringConvertible {
        var name: String
        var source: String
        var code: String
        var place: String
        var description: String { name }
    }

    /// One of each kind of bad file the issue names, from docs/workflows.md's "Errors".
    static let refused: [Refused] = [
        Refused(name: "unknown field", source: """
            # refused: workflow_unknown_field at 7:5
            name: typo
            steps:
              build: {type: build.run}
              test:
                type: testing.run
                neds: build
            """, code: "workflow_unknown_field", place: "7:5"),
        Refused(name: "cycle", source: """
            # refused: workflow_cycle at 4:3
            name: loop
            steps:
              a: {type: t, needs: b}
              b: {type: t, needs: a}
            """, code: "workflow_cycle", place: "4:3"),
        Refused(name: "needs a missing step", source: """
            # refused: workflow_unknown_step at 5:24
            name: missing
            steps:
              a: {type: t}
              b: {type: t, needs: [c]}
            """, code: "workflow_unknown_step", place: "5:24"),
        Refused(name: "expression that does not parse", source: """
            # refused: workflow_invalid_expression at 6:26
            name: expression
            steps:
              a:
                type: t
                if: "inputs.x == 1 &&"
            """, code: "workflow_invalid_expression", place: "6:26"),
        Refused(name: "not YAML", source: """
            # refused: workflow_invalid_yaml at 5:1
            name: broken
            steps:
              a: {type: t
            """, code: "workflow_invalid_yaml", place: "5:1"),
        Refused(name: "bad cron", source: """
            # refused: workflow_invalid_cron at 4:13
            name: cron
            on:
              schedule: "*/15 * * *"
            steps:
              a: {type: t}
            """, code: "workflow_invalid_cron", place: "4:13"),
    ]
}

extension JSONValue {
    /// The ids of a `{"runs":[…]}` answer, in order.
    var runIDs: [String] { (self["runs"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue } }
}

extension TestHub {
    /// What a refused request must leave alone: the workflows, the runs, the tasks and the
    /// event log (all of it, as the API shows it).
    func workflowSnapshot() async throws -> [JSONValue] {
        let stats = try await client.stats()
        return [
            try await client.workflows(),
            try await client.workflowRuns(query: ["limit": "200"]),
            stats["tasks"] ?? .null,
            stats["events"] ?? .null,
        ]
    }
}

extension JSONValue {
    /// The array's item at `index`, or nil (not an array, or out of range).
    subscript(_ index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
