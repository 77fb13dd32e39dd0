import FlotillaClient
import FlotillaCore
import FlotillaEngine
@testable import FlotillaHub
import Foundation
import Testing

/// `on.event` on a real hub with a real agent: a task's success starts a run of the workflow
/// waiting for it, once (a restart reading the event again starts nothing), and a workflow's
/// own tasks never re-trigger it.
@Suite struct EventTriggerTests {
    static let afterDeploy = """
    name: after-deploy
    on:
      event: {type: task.succeeded, task_type: deployment.deploy}
    steps:
      notify: {type: notify.send, prompt: "deployed by ${{ trigger.task_id }}"}
    """

    static let loop = """
    name: loop
    on:
      event: {type: task.succeeded, task_type: loop.step}
    steps:
      again: {type: loop.step}
    """

    func runs(_ hub: TestHub, _ workflow: String) async throws -> [JSONValue] {
        try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: workflow)).map(\.json)
    }

    /// Submits a task of `type` and has `agent` complete it; returns its id.
    func succeed(_ type: String, hub: TestHub, agent: TestAgent) async throws -> String {
        let id = try #require(try await hub.client.submit(["type": .string(type)])["id"]?.stringValue)
        let assignment = try await agent.assignment()
        #expect(assignment.taskID == id)
        #expect(try await agent.complete(assignment.taskID, attempt: assignment.attempt).type == .ack)
        return id
    }

    @Test("task.succeeded of a task type starts a run, once, even when the hub reads the event again after a restart")
    func taskSucceeded() async throws {
        let directory = TestHub.temporaryDirectory()
        let first: String = try await TestHub.run(dataDirectory: directory) { hub in
            _ = try await hub.hub.engine.applyWorkflow(source: Self.afterDeploy, file: "after-deploy.yaml")
            return try await TestAgent.run(hub, id: "deployer-1", roles: ["deployment"]) { agent in
                // Not its task type: nothing starts.
                _ = try await hub.client.submit(["type": "deployment.rollback"])
                let rollback = try await agent.assignment()
                #expect(try await agent.complete(rollback.taskID, attempt: rollback.attempt).type == .ack)
                let deploy = try await succeed("deployment.deploy", hub: hub, agent: agent)
                try await eventually("a run of after-deploy") { try await !runs(hub, "after-deploy").isEmpty }
                let started = try await runs(hub, "after-deploy")
                #expect(started.count == 1)
                let trigger = try #require(started.first?["trigger"])
                #expect(trigger["kind"] == "event" && trigger["type"] == "task.succeeded" && trigger["task_id"] == .string(deploy))
                #expect(trigger["data"]?["type"] == "deployment.deploy")
                return deploy
            }
        }
        // The restarted hub reads the latest events again (a crash may have cut it short).
        try await TestHub.run(dataDirectory: directory) { hub in
            try await TestAgent.run(hub, id: "deployer-1", roles: ["deployment"]) { agent in
                let second = try await succeed("deployment.deploy", hub: hub, agent: agent)
                // Events are read in order: once the second deploy's run exists, the first
                // deploy's event has been read again.
                try await eventually("the second deploy's run") {
                    try await runs(hub, "after-deploy").contains { $0["trigger"]?["task_id"] == .string(second) }
                }
                let all = try await runs(hub, "after-deploy")
                #expect(all.count == 2)
                #expect(all.filter { $0["trigger"]?["task_id"] == .string(first) }.count == 1)
            }
        }
    }

    @Test("an event the hub committed but had not acted on when it stopped starts its run after the restart")
    func replayAfterRestart() async throws {
        let directory = TestHub.temporaryDirectory()
        // The event triggers look at the registry once an hour here: the deploy's event is
        // committed and the hub stops before they act on it (as when it is killed).
        let deploy: String = try await TestHub.run(dataDirectory: directory, configure: { $0.triggers.refresh = .seconds(3600) }) { hub in
            _ = try await hub.hub.engine.applyWorkflow(source: Self.afterDeploy, file: "after-deploy.yaml")
            return try await TestAgent.run(hub, id: "deployer-1", roles: ["deployment"]) { agent in
                let deploy = try await succeed("deployment.deploy", hub: hub, agent: agent)
                _ = try await hub.hub.engine.wait(id: deploy, timeout: 10)
                #expect(try await runs(hub, "after-deploy").isEmpty)
                return deploy
            }
        }
        try await TestHub.run(dataDirectory: directory) { hub in
            try await eventually("the deploy's run, after the restart") {
                try await runs(hub, "after-deploy").contains { $0["trigger"]?["task_id"] == .string(deploy) }
            }
            #expect(try await runs(hub, "after-deploy").count == 1)
        }
    }

    @Test("an event from a workflow's own run does not fire that workflow")
    func noSelfTrigger() async throws {
        try await TestHub.run { hub in
            _ = try await hub.hub.engine.applyWorkflow(source: Self.loop, file: "loop.yaml")
            _ = try await hub.hub.engine.applyWorkflow(source: Self.afterDeploy, file: "after-deploy.yaml")
            try await TestAgent.run(hub, id: "worker-1", roles: ["general", "deployment"]) { agent in
                // By hand: starts a run of loop.
                _ = try await succeed("loop.step", hub: hub, agent: agent)
                try await eventually("a run of loop") { try await !runs(hub, "loop").isEmpty }
                let run = try #require(try await runs(hub, "loop").first?["id"]?.stringValue)
                // The run's own loop.step task succeeds: it must not start loop again.
                let step = try await agent.assignment()
                #expect(step.task["metadata"]?["workflow"] == "loop", "\(step.task)")
                #expect(try await agent.complete(step.taskID, attempt: step.attempt).type == .ack)
                let ended = try await hub.hub.engine.waitRun(id: run, timeout: 10).json
                #expect(ended["status"] == "succeeded", "\(ended)")
                // A later event, read after the step's: once its run exists, the step's was read.
                let deploy = try await succeed("deployment.deploy", hub: hub, agent: agent)
                try await eventually("the deploy's run") {
                    try await runs(hub, "after-deploy").contains { $0["trigger"]?["task_id"] == .string(deploy) }
                }
                #expect(try await runs(hub, "loop").count == 1)
            }
        }
    }
}
