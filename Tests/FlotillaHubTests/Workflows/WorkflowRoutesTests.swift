import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 23 item 2 over HTTP: `/api/workflows…` and `/api/workflow-runs…` against a real hub,
/// with an agent on the real socket doing the steps' tasks.
@Suite struct WorkflowRoutesTests {
    @Test func applyListShowReplaceAndDelete() async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.send(.POST, "/api/workflows", body: ["source": .string(WorkflowFiles.ship), "file": "ship.yaml"])
            #expect(created.status == 201)
            #expect(created.body["created"] == true)
            let workflow = try #require(created.body["workflow"])
            #expect(workflow["name"] == "ship" && workflow["version"] == 1 && workflow["file"] == "ship.yaml")
            #expect(workflow["description"] == "Build, then test what was built.")
            #expect(workflow["steps"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["build", "test"])
            #expect(workflow["steps"]?[1]?["needs"] == ["build"])
            #expect(workflow["inputs"]?[0]?["name"] == "branch" && workflow["inputs"]?[0]?["default"] == "main")
            #expect(workflow["last_run"] == .null)
            #expect(workflow["runs"] == ["running": 0, "succeeded": 0, "failed": 0, "cancelled": 0])

            let listed = try await hub.client.workflows()
            #expect(listed["workflows"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["ship"])
            let shown = try await hub.client.workflow(name: "ship")
            #expect(shown["source"]?.stringValue == WorkflowFiles.ship)

            let replaced = try await hub.client.send(.POST, "/api/workflows", body: ["source": .string(WorkflowFiles.ship), "file": "ship.yaml"])
            #expect(replaced.status == 200 && replaced.body["created"] == false && replaced.body["workflow"]?["version"] == 2)

            // A second workflow with a webhook: listed by name, its trigger with its route.
            _ = try await hub.client.applyWorkflow(source: WorkflowFiles.parked, file: "parked.yaml")
            let both = try await hub.client.workflows()["workflows"]?.arrayValue ?? []
            #expect(both.compactMap { $0["name"]?.stringValue } == ["parked", "ship"])
            #expect(both.first?["triggers"]?[0]?["kind"] == "webhook")
            #expect(both.first?["triggers"]?[0]?["path"] == "/hooks/github/parked")

            #expect(try await hub.client.deleteWorkflow(name: "ship") == ["name": "ship", "deleted": true])
            let gone = await #expect(throws: HubClient.Failure.self) { try await hub.client.workflow(name: "ship") }
            #expect(gone?.status == 404 && gone?.code == "workflow_not_found")
            #expect(try await hub.client.workflows()["workflows"]?.arrayValue?.count == 1)
        }
    }

    @Test func aRunPassesResultsAlongAndEndsSucceeded() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.applyWorkflow(source: WorkflowFiles.ship, file: "ship.yaml")
            try await TestAgent.run(hub, id: "builder", roles: ["wfapi"]) { agent in
                let started = try await hub.client.send(.POST, "/api/workflows/ship/runs", body: ["inputs": ["branch": "dev", "replicas": "3"]])
                #expect(started.status == 201)
                let run = started.body
                let id = try #require(run["id"]?.stringValue)
                #expect(run["workflow"] == "ship" && run["status"] == "running")
                #expect(run["trigger"] == ["kind": "manual"])
                #expect(run["inputs"]?["branch"] == "dev")
                #expect(run["inputs"]?["replicas"]?.doubleValue == 3, "text inputs are read as their declared types: \(run["inputs"] ?? .null)")
                #expect(run["steps"]?.arrayValue?.count == 2)

                let build = try await agent.assignment()
                #expect(build.task["prompt"] == "build dev")
                try await agent.complete(build.taskID, attempt: build.attempt, result: ["artifact": "a.tgz"])
                let test = try await agent.assignment()
                #expect(test.task["payload"] == ["artifact": "a.tgz"], "the template read build's result")
                try await agent.complete(test.taskID, attempt: test.attempt)

                let ended = try await hub.client.workflowRun(id: id, wait: 20)
                #expect(ended["status"] == "succeeded", "\(ended)")
                #expect(ended["ended_at"]?.stringValue != nil)
                #expect(ended["progress"]?["succeeded"] == 2 && ended["progress"]?["total"] == 2)
                let steps = ended["steps"]?.arrayValue ?? []
                #expect(steps.compactMap { $0["status"]?.stringValue } == ["succeeded", "succeeded"])
                #expect(steps.first?["tasks"]?[0]?["id"]?.stringValue == build.taskID)
                #expect(steps.first?["tasks"]?[0]?["result"] == ["artifact": "a.tgz"])

                // Listed newest first, without steps, by workflow and in all; filtered by status.
                let listed = try await hub.client.workflowRuns(workflow: "ship")
                #expect(listed.runIDs == [id])
                #expect(listed["runs"]?[0]?["steps"] == nil)
                #expect(try await hub.client.workflowRuns(query: ["workflow": "ship", "status": "succeeded"]).runIDs == [id])
                #expect(try await hub.client.workflowRuns(workflow: "ship", query: ["status": "failed"]).runIDs == [])
                let shown = try await hub.client.workflow(name: "ship")
                #expect(shown["last_run"]?["id"]?.stringValue == id && shown["runs"]?["succeeded"] == 1)
            }
        }
    }

    @Test func aFileRunsOnceAndIsCancelledWithItsTasksThenRerun() async throws {
        try await TestHub.run { hub in
            let started = try await hub.client.send(.POST, "/api/workflow-runs", body: ["source": .string(WorkflowFiles.parked), "file": "parked.yaml"])
            #expect(started.status == 201)
            let id = try #require(started.body["id"]?.stringValue)
            #expect(try await hub.client.workflows()["workflows"]?.arrayValue == [], "a file run registers nothing")
            try await eventually("the step's task is submitted") {
                try await hub.client.workflowRun(id: id)["steps"]?[0]?["tasks"]?[0]?["id"]?.stringValue != nil
            }
            let taskID = try #require(try await hub.client.workflowRun(id: id)["steps"]?[0]?["tasks"]?[0]?["id"]?.stringValue)
            #expect(try await hub.client.task(taskID)["idempotency_key"]?.stringValue == "wf:\(id):wait")

            // `wait` answers at its deadline with the run still running.
            let waited = try await hub.client.workflowRun(id: id, wait: 0.2)
            #expect(waited["status"] == "running")

            let cancelled = try await hub.client.cancelWorkflowRun(id: id, reason: "not today")
            #expect(cancelled["status"] == "cancelled" && cancelled["cancel_reason"] == "not today")
            try await eventually("the step's task is cancelled") { try await hub.client.task(taskID)["state"] == "cancelled" }
            let again = await #expect(throws: HubClient.Failure.self) { try await hub.client.cancelWorkflowRun(id: id) }
            #expect(again?.status == 409 && again?.code == "workflow_run_finished")

            let rerun = try await hub.client.send(.POST, "/api/workflow-runs/\(id)/rerun")
            #expect(rerun.status == 201)
            let newID = try #require(rerun.body["id"]?.stringValue)
            #expect(newID != id && rerun.body["rerun_of"]?.stringValue == id && rerun.body["status"] == "running")
            #expect(try await hub.client.workflowRuns(query: ["workflow": "parked"]).runIDs == [newID, id])
            #expect(try await hub.client.workflowRuns(query: ["workflow": "parked", "before": id]).runIDs == [])
            #expect(try await hub.client.workflowRuns(query: ["workflow": "parked", "before": newID]).runIDs == [id])
            #expect(try await hub.client.workflowRuns(query: ["workflow": "parked", "limit": "1"]).runIDs == [newID])
        }
    }

    /// `Prefer: return=minimal` answers a start and a read with the run's row alone (no steps,
    /// inputs, trigger or progress) and says so; without it the same run has all of them.
    @Test func minimalAnswersCarryTheRowAlone() async throws {
        try await TestHub.run { hub in
            let prefer = HubClient.preferring(minimal: true)
            let started = try await hub.client.raw(.POST, "/api/workflow-runs", body: JSONValue.object(["source": .string(WorkflowFiles.parked), "file": "parked.yaml"]).jsonString, headers: prefer)
            #expect(started.status == 201)
            let minimal = try JSONValue.parse(started.text)
            let id = try #require(minimal["id"]?.stringValue)
            #expect(minimal["status"] == "running" && minimal["workflow"] == "parked")
            #expect(minimal["steps"] == nil && minimal["progress"] == nil && minimal["inputs"] == nil && minimal["trigger"] == nil)
            let read = try await hub.client.workflowRun(id: id, wait: 0, minimal: true)
            #expect(read["id"]?.stringValue == id && read["status"] == "running" && read["steps"] == nil)
            let full = try await hub.client.workflowRun(id: id)
            #expect(full["steps"]?.arrayValue?.count == 1 && full["progress"]?["total"] == 1 && full["trigger"]?["kind"] == "manual")
            _ = try await hub.client.cancelWorkflowRun(id: id)
            let ended = try await hub.client.workflowRun(id: id, minimal: true)
            #expect(ended["status"] == "cancelled" && ended["ended_at"]?.stringValue != nil && ended["steps"] == nil)
        }
    }

    /// Reading is a viewer's; starting and cancelling runs a submitter's; registering and
    /// deleting workflows an admin's. Each refusal changes nothing.
    @Test func viewersReadSubmittersRunAdminsApply() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.applyWorkflow(source: WorkflowFiles.parked, file: "parked.yaml")
            var clients: [String: HubClient] = [:]
            for scope in ["viewer", "submitter"] {
                let token = try #require(try await hub.client.createToken(name: scope, scope: scope)["token"]?.stringValue)
                clients[scope] = HubClient(baseURL: hub.client.baseURL, token: token)
            }
            let viewer = try #require(clients["viewer"]), submitter = try #require(clients["submitter"])
            let before = try await hub.workflowSnapshot()
            #expect(try await viewer.workflows()["workflows"]?.arrayValue?.count == 1)
            #expect(try await viewer.workflow(name: "parked")["name"] == "parked")
            for (who, client) in [("viewer", viewer), ("submitter", submitter)] {
                let apply = await #expect(throws: HubClient.Failure.self) { try await client.applyWorkflow(source: WorkflowFiles.ship, file: "ship.yaml") }
                #expect(apply?.status == 403 && apply?.code == "forbidden", "\(who) applies")
                let delete = await #expect(throws: HubClient.Failure.self) { try await client.deleteWorkflow(name: "parked") }
                #expect(delete?.status == 403, "\(who) deletes")
            }
            let run = await #expect(throws: HubClient.Failure.self) { try await viewer.startWorkflowRun(name: "parked") }
            #expect(run?.status == 403 && run?.code == "forbidden")
            let file = await #expect(throws: HubClient.Failure.self) { try await viewer.startWorkflowRun(source: WorkflowFiles.parked, file: "p.yaml") }
            #expect(file?.status == 403)
            #expect(try await hub.workflowSnapshot() == before, "the refusals changed nothing")

            let started = try await submitter.startWorkflowRun(name: "parked")
            let id = try #require(started["id"]?.stringValue)
            #expect(try await viewer.workflowRun(id: id)["id"]?.stringValue == id)
            let cancel = await #expect(throws: HubClient.Failure.self) { try await viewer.cancelWorkflowRun(id: id) }
            #expect(cancel?.status == 403)
            let rerun = await #expect(throws: HubClient.Failure.self) { try await viewer.rerunWorkflowRun(id: id) }
            #expect(rerun?.status == 403)
            #expect(try await submitter.cancelWorkflowRun(id: id)["status"] == "cancelled")
            #expect(try await submitter.rerunWorkflowRun(id: id)["rerun_of"]?.stringValue == id)
        }
    }
}
