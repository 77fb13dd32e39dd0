import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 23 item 2 on the command line: `flotilla workflow …` (the real binary) against a real
/// hub, with a real `flotilla agent --executor shell` doing the steps' tasks.
@Suite struct WorkflowCLITests {
    /// A folder holding `files` (name → text), for the CLI to read.
    static func folder(_ files: [String: String]) throws -> String {
        let directory = Paths.temporaryDirectory("workflow")
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// Two shell steps for the role `wfcli`; `check` runs `CHECK` (an input), so a run can be made
    /// to fail.
    static let pipeline = """
        name: pipeline
        inputs:
          check: {type: string, default: "true"}
          greeting: {type: string, default: hello}
        steps:
          build:
            type: shell.run
            role: wfcli
            payload: {command: "echo ${{ inputs.greeting }}"}
          check:
            type: shell.run
            role: wfcli
            needs: build
            max_attempts: 1
            payload: {command: "${{ inputs.check }}"}
          report:
            type: shell.run
            role: wfcli
            needs: check
            payload: {command: "echo reported"}
        """

    static func withAgent<Value: Sendable>(_ body: @escaping @Sendable ([String], HubClient) async throws -> Value) async throws -> Value {
        try await LiveHub.run { served, client in
            let agent = try AgentProcess(["--role", "wfcli", "--agent-id", "wf-agent", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            try await eventually("the agent is connected") { (try? await client.agent("wf-agent"))?["connected"] == true }
            return try await body(["--hub", served.baseURL, "--token", served.adminToken], client)
        }
    }

    @Test func runWaitExitsZeroWhenTheRunSucceedsAndOneWhenItFails() async throws {
        try await Self.withAgent { hub, client in
            let directory = try Self.folder(["pipeline.yaml": Self.pipeline, "greeting.txt": "bonjour"])
            let succeeded = try await CLIProcess.run(["workflow", "run", "pipeline.yaml", "--wait", "--input", "greeting=@greeting.txt"] + hub, directory: directory, within: 120)
            #expect(succeeded.status == 0, "\(succeeded.stdout)\(succeeded.stderr)")
            let lines = succeeded.stdout.split(separator: "\n").map(String.init)
            let id = try #require(lines.first)
            #expect(lines.dropFirst() == ["step build succeeded", "step check succeeded", "step report succeeded", "run \(id) succeeded"], "\(succeeded.stdout)")
            let run = try await client.workflowRun(id: id)
            #expect(run["inputs"]?["greeting"] == "bonjour" && run["status"] == "succeeded")

            let failed = try await CLIProcess.run(["workflow", "run", "pipeline.yaml", "--wait", "--input", "check=exit 3"] + hub, directory: directory, within: 120)
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            let failedLines = failed.stdout.split(separator: "\n").map(String.init)
            let failedID = try #require(failedLines.first)
            #expect(failedLines.contains("step build succeeded"), "\(failed.stdout)")
            #expect(failedLines.contains { $0.hasPrefix("step check failed") }, "\(failed.stdout)")
            #expect(failedLines.contains { $0.hasPrefix("step report skipped") }, "\(failed.stdout)")
            #expect(failedLines.last == "run \(failedID) failed", "\(failed.stdout)")
            #expect(try await client.workflowRun(id: failedID)["status"] == "failed")
        }
    }

    @Test func registeredWorkflowsAreAppliedListedRunByNameCancelledAndRerun() async throws {
        try await Self.withAgent { hub, client in
            let parked = "name: parked\ndescription: waits for nobody\nsteps:\n  wait: {type: parked.run, role: nobody}\n"
            let directory = try Self.folder(["pipeline.yaml": Self.pipeline, "parked.yaml": parked])
            func flotilla(_ arguments: String...) async throws -> (status: Int32, stdout: String, stderr: String) {
                try await CLIProcess.run(["workflow"] + arguments + hub, directory: directory, within: 120)
            }
            let applied = try await flotilla("apply", "pipeline.yaml")
            #expect(applied.status == 0 && applied.stdout == "pipeline created (version 1)\n", "\(applied.stdout)\(applied.stderr)")
            #expect(try await flotilla("apply", "pipeline.yaml").stdout == "pipeline updated (version 2)\n")
            _ = try await flotilla("apply", "parked.yaml")

            let listed = try await flotilla("list")
            let rows = listed.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.first?.prefix(4) == ["NAME", "VERSION", "STEPS", "TRIGGERS"], "\(listed.stdout)")
            #expect(rows.dropFirst().map { $0.prefix(4) } == [["parked", "1", "1", "manual"], ["pipeline", "2", "3", "manual"]], "\(listed.stdout)")
            let shown = try await flotilla("show", "pipeline")
            #expect(shown.stdout.hasPrefix("name: pipeline\nfile: pipeline.yaml\nversion: 2\n"), "\(shown.stdout)")
            // The steps table (after the inputs table, which has an input named check too).
            let stepRows = shown.stdout.split(separator: "\n").drop { !$0.hasPrefix("STEP ") }
            let checkRow = stepRows.first { $0.hasPrefix("check ") }?.split(separator: " ").map(String.init)
            #expect(checkRow?.prefix(3) == ["check", "shell.run", "build"], "\(shown.stdout)")

            // By name: the registered definition; the run id first.
            let byName = try await flotilla("run", "pipeline", "--wait")
            #expect(byName.status == 0, "\(byName.stdout)\(byName.stderr)")
            let done = try #require(byName.stdout.split(separator: "\n").first.map(String.init))

            let started = try await flotilla("run", "parked")
            #expect(started.status == 0, "\(started.stderr)")
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let runs = try await flotilla("runs")
            #expect(runs.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) } == [id, done], "\(runs.stdout)")
            let status = try await flotilla("status", id)
            #expect(status.stdout.hasPrefix("id: \(id)\nworkflow: parked\nfile: parked.yaml\nstatus: running\n"), "\(status.stdout)")
            #expect(status.stdout.contains("\nwait  running") || status.stdout.contains("\nwait  pending"), "\(status.stdout)")

            let cancelled = try await flotilla("cancel", id, "--reason", "not today")
            #expect(cancelled.stdout == "\(id) cancelled\n", "\(cancelled.stdout)\(cancelled.stderr)")
            let twice = try await flotilla("cancel", id)
            #expect(twice.status == 1 && twice.stderr.contains("workflow_run_finished"), "\(twice.stderr)")
            #expect(try await flotilla("runs", "parked", "--status", "cancelled").stdout.contains(id))

            let rerun = try await flotilla("rerun", id)
            let newID = rerun.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rerun.status == 0 && newID != id && !newID.isEmpty, "\(rerun.stdout)\(rerun.stderr)")
            #expect(try await client.workflowRun(id: newID)["rerun_of"]?.stringValue == id)

            // --timeout runs out with the run still running: exit 124, the run untouched.
            let timedOut = try await flotilla("rerun", id, "--wait", "--timeout", "1")
            #expect(timedOut.status == 124, "\(timedOut.stdout)\(timedOut.stderr)")
            #expect(timedOut.stderr.contains("still running"), "\(timedOut.stderr)")

            #expect(try await flotilla("delete", "parked").stdout == "parked deleted\n")
            let gone = try await flotilla("show", "parked")
            #expect(gone.status == 1 && gone.stderr.contains("workflow_not_found"), "\(gone.stderr)")
        }
    }

    @Test func aBadFileIsRefusedAtItsLineAndColumnAndStartsNothing() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let typo = "name: typo\nsteps:\n  build: {type: build.run}\n  test:\n    type: testing.run\n    neds: build\n"
            let directory = try Self.folder(["typo.yaml": typo, "pipeline.yaml": Self.pipeline])
            for command in ["run", "apply"] {
                let refused = try await CLIProcess.run(["workflow", command, "typo.yaml"] + hub, directory: directory)
                #expect(refused.status == 65, "\(command): \(refused.stderr)")
                #expect(refused.stderr.hasPrefix("typo.yaml:6:5: workflow_unknown_field: "), "\(command): \(refused.stderr)")
                #expect(refused.stdout.isEmpty)
            }
            let input = try await CLIProcess.run(["workflow", "run", "pipeline.yaml", "--input", "colour=red"] + hub, directory: directory)
            #expect(input.status == 65 && input.stderr.hasPrefix("error: workflow_invalid_input: inputs.colour: "), "\(input.stderr)")
            let missing = try await CLIProcess.run(["workflow", "run", "nowhere.yaml"] + hub, directory: directory)
            #expect(missing.status == 66 && missing.stderr.contains("cannot read the workflow file 'nowhere.yaml'"), "\(missing.stderr)")
            let malformed = try await CLIProcess.run(["workflow", "run", "pipeline.yaml", "--input", "=x"] + hub, directory: directory)
            #expect(malformed.status != 0 && malformed.stderr.contains("NAME=VALUE"), "\(malformed.stderr)")
            #expect(try await client.workflows()["workflows"]?.arrayValue == [])
            #expect(try await client.workflowRuns().runs.isEmpty)
            #expect(try await client.taskPage().tasks.isEmpty)
        }
    }
}

extension JSONValue {
    /// The `runs` of a `{"runs":[…]}` answer.
    var runs: [JSONValue] { self["runs"]?.arrayValue ?? [] }
}
