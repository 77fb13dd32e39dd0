import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Every kind of bad request to the workflow routes gets its status and stable code, with the
/// field (a workflow file's `FILE:LINE:COLUMN`), and changes nothing: no workflow, run, task or
/// event appears.
@Suite struct WorkflowBadInputTests {
    /// Runs `request` against a hub holding one registered workflow (`parked`) and one run of
    /// it, then checks the answer and that the hub's workflows, runs, tasks and events are as
    /// they were.
    func expectRefused(
        status: Int, code: String, field: String? = nil,
        _ request: @escaping @Sendable (TestHub, String) async throws -> (status: Int, text: String)
    ) async throws {
        try await TestHub.run(maxBodySize: 8192) { hub in
            _ = try await hub.client.applyWorkflow(source: WorkflowFiles.parked, file: "parked.yaml")
            let run = try #require(try await hub.client.startWorkflowRun(name: "parked")["id"]?.stringValue)
            try await eventually("the run's task is submitted") {
                try await hub.client.workflowRun(id: run)["steps"]?[0]?["tasks"]?[0]?["id"]?.stringValue != nil
            }
            let before = try await hub.workflowSnapshot()
            let answer = try await request(hub, run)
            #expect(answer.status == status, "\(answer.text)")
            let body = try JSONValue.parse(answer.text)
            #expect(body["error"]?["code"]?.stringValue == code, "\(answer.text)")
            let message = body["error"]?["message"]?.stringValue ?? ""
            #expect(!message.isEmpty, "\(answer.text)")
            if let field { #expect(body["error"]?["field"]?.stringValue == field, "\(answer.text)") }
            #expect(try await hub.workflowSnapshot() == before, "the refused request changed something")
        }
    }

    static func body(_ object: JSONValue) -> String { object.jsonString }

    @Test(arguments: WorkflowFiles.refused)
    func aBadFileIsRefusedWhereItIsWrong(_ file: WorkflowFiles.Refused) async throws {
        for path in ["/api/workflows", "/api/workflow-runs"] {
            try await expectRefused(status: 422, code: file.code, field: "bad.yaml:\(file.place)") { hub, _ in
                try await hub.client.raw(.POST, path, body: Self.body(["source": .string(file.source), "file": "bad.yaml"]))
            }
        }
    }

    @Test func replacingAWorkflowWithABadFileKeepsTheOldOne() async throws {
        let broken = WorkflowFiles.parked.replacingOccurrences(of: "role: nobody", with: "role: nobody\n    neds: [x]")
        try await expectRefused(status: 422, code: "workflow_unknown_field", field: "parked.yaml:8:5") { hub, _ in
            try await hub.client.raw(.POST, "/api/workflows", body: Self.body(["source": .string(broken), "file": "parked.yaml"]))
        }
    }

    @Test func badInputs() async throws {
        try await expectRefused(status: 422, code: "workflow_invalid_input", field: "inputs.branch") { hub, _ in
            try await hub.client.raw(.POST, "/api/workflows/parked/runs", body: #"{"inputs": {"branch": "main"}}"#)
        }
        let typed = "name: typed\ninputs:\n  replicas: {type: number, required: true}\nsteps:\n  a: {type: t, role: nobody}\n"
        for (inputs, field) in [(#"{"replicas": "three"}"#, "inputs.replicas"), ("{}", "inputs.replicas")] {
            try await expectRefused(status: 422, code: "workflow_invalid_input", field: field) { hub, _ in
                try await hub.client.raw(.POST, "/api/workflow-runs", body: #"{"source": \#(JSONValue.string(typed).jsonString), "inputs": \#(inputs)}"#)
            }
        }
        try await expectRefused(status: 400, code: "invalid_field", field: "inputs") { hub, _ in
            try await hub.client.raw(.POST, "/api/workflows/parked/runs", body: #"{"inputs": ["branch=main"]}"#)
        }
    }

    @Test func unknownWorkflowsAndRuns() async throws {
        for (method, path) in [("GET", "/api/workflows/nosuch"), ("DELETE", "/api/workflows/nosuch"), ("POST", "/api/workflows/nosuch/runs"), ("GET", "/api/workflows/nosuch/runs")] {
            try await expectRefused(status: 404, code: "workflow_not_found") { hub, _ in
                try await hub.client.raw(method == "GET" ? .GET : method == "DELETE" ? .DELETE : .POST, path, body: method == "POST" ? "{}" : nil)
            }
        }
        for (method, path) in [("GET", "/api/workflow-runs/nosuch"), ("POST", "/api/workflow-runs/nosuch/cancel"), ("POST", "/api/workflow-runs/nosuch/rerun")] {
            try await expectRefused(status: 404, code: "workflow_run_not_found") { hub, _ in
                try await hub.client.raw(method == "GET" ? .GET : .POST, path, body: method == "POST" ? "{}" : nil)
            }
        }
    }

    @Test func cancellingAFinishedRun() async throws {
        try await TestHub.run { hub in
            let run = try #require(try await hub.client.startWorkflowRun(source: WorkflowFiles.parked, file: "parked.yaml")["id"]?.stringValue)
            _ = try await hub.client.cancelWorkflowRun(id: run)
            let before = try await hub.workflowSnapshot()
            let answer = try await hub.client.answer(.POST, "/api/workflow-runs/\(run)/cancel", body: #"{"reason": "twice"}"#)
            #expect(answer.status == 409 && answer.body["error"]?["code"] == "workflow_run_finished", "\(answer.body)")
            #expect(try await hub.workflowSnapshot() == before)
            #expect(try await hub.client.workflowRun(id: run)["cancel_reason"] == "cancelled by request")
        }
    }

    @Test func badQueries() async throws {
        let cases: [(String, String)] = [
            ("/api/workflow-runs?limit=0", "limit"), ("/api/workflow-runs?limit=201", "limit"), ("/api/workflow-runs?limit=ten", "limit"),
            ("/api/workflows/parked/runs?limit=-1", "limit"), ("/api/workflow-runs?status=done", "status"),
            ("/api/workflows/parked/runs?status=queued", "status"),
        ]
        for (path, field) in cases {
            try await expectRefused(status: 400, code: "invalid_field", field: field) { hub, _ in try await hub.client.raw(.GET, path) }
        }
        for wait in ["-1", "301", "soon"] {
            try await expectRefused(status: 400, code: "invalid_field", field: "wait") { hub, run in
                try await hub.client.raw(.GET, "/api/workflow-runs/\(run)?wait=\(wait)")
            }
        }
    }

    @Test func badBodies() async throws {
        let cases: [(path: String, body: String, status: Int, code: String, field: String?)] = [
            ("/api/workflows", #"{"source": "name: x""#, 400, "malformed_json", nil),
            ("/api/workflows", "", 400, "malformed_json", nil),
            ("/api/workflows", #"["name: x"]"#, 400, "invalid_field", nil),
            ("/api/workflows", #"{"file": "x.yaml"}"#, 400, "missing_field", "source"),
            ("/api/workflows", #"{"source": 7}"#, 400, "invalid_field", "source"),
            ("/api/workflows", #"{"source": "name: x", "file": ""}"#, 400, "invalid_field", "file"),
            ("/api/workflows", #"{"source": "name: x", "fiel": "x.yaml"}"#, 400, "unknown_field", "fiel"),
            ("/api/workflows", #"{"source": "name: x", "inputs": {}}"#, 400, "unknown_field", "inputs"),
            ("/api/workflow-runs", #"{"inputs": {}}"#, 400, "missing_field", "source"),
            ("/api/workflow-runs", #"{"source": "name: x", "input": {}}"#, 400, "unknown_field", "input"),
            ("/api/workflows/parked/runs", #"{"inputs": {}, "source": "name: x"}"#, 400, "unknown_field", "source"),
            ("/api/workflows/parked/runs", "not json", 400, "malformed_json", nil),
        ]
        for item in cases {
            try await expectRefused(status: item.status, code: item.code, field: item.field) { hub, _ in
                try await hub.client.raw(.POST, item.path, body: item.body)
            }
        }
        try await expectRefused(status: 400, code: "invalid_field", field: "reason") { hub, run in
            try await hub.client.raw(.POST, "/api/workflow-runs/\(run)/cancel", body: #"{"reason": 42}"#)
        }
        try await expectRefused(status: 400, code: "unknown_field", field: "why") { hub, run in
            try await hub.client.raw(.POST, "/api/workflow-runs/\(run)/cancel", body: #"{"why": "x"}"#)
        }
    }

    @Test func aBodyOverTheLimit() async throws {
        let big = WorkflowFiles.parked + "\n# " + String(repeating: "x", count: 10_000) + "\n"
        for path in ["/api/workflows", "/api/workflow-runs"] {
            try await expectRefused(status: 413, code: "body_too_large") { hub, _ in
                try await hub.client.raw(.POST, path, body: Self.body(["source": .string(big), "file": "big.yaml"]))
            }
        }
    }
}
