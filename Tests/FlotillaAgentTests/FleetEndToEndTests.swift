import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// A real hub, real `flotilla agent` processes running shell tasks, and the CLI.
@Suite(.serialized) struct FleetEndToEndTests {
    @Test func aThousandTasksOverTwoRolesEachRunOnAnAgentOfItsRole() async throws {
        try await LiveHub.run { served, client in
            let tester = try AgentProcess(["--role", "testing", "--agent-id", "tester", "--concurrency", "4", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            let reviewer = try AgentProcess(["--role", "review", "--agent-id", "reviewer", "--concurrency", "4", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { tester.stop(); reviewer.stop() }

            // One task through the CLI, waiting for its outcome.
            let cli = try await runCLI(["submit", "--hub", served.baseURL, "--token", served.adminToken, "--type", "testing.run", "--payload", #"{"command":"echo via-cli"}"#, "--wait", "--json"])
            #expect(cli.status == 0, "\(cli.output)\n--- tester log:\n\(tester.log)")
            #expect(cli.output.contains(#""state":"succeeded""#))
            #expect(cli.output.contains("via-cli"))

            let batch = (0..<999).map { index -> JSONValue in
                ["type": index % 2 == 0 ? "testing.run" : "code.review", "payload": ["command": .string("echo task-\(index)")]]
            }
            for chunk in stride(from: 0, to: batch.count, by: 250) {
                _ = try await client.submit(batch: Array(batch[chunk..<min(chunk + 250, batch.count)]))
            }
            try await eventually("1000 tasks succeeded", within: 240) {
                try await client.stats()["tasks"]?["by_state"]?["succeeded"] == 1000
            }
            let tasks = try await client.allTasks()
            #expect(tasks.count == 1000)
            for task in tasks {
                let expected = task["role"] == "testing" ? "tester" : "reviewer"
                #expect(task["agent_id"] == .string(expected), "\(task.jsonString)")
                #expect(task["state"] == "succeeded")
            }
            let sample = try await client.task(try #require(tasks.first { $0["type"] == "code.review" }?["id"]?.stringValue))
            #expect(sample["result"]?["output_tail"]?.stringValue?.hasPrefix("task-") == true)
            #expect(sample["result"]?["status"] == "succeeded")
        }
    }

    @Test func killingAnAgentMidTaskRetriesItOnTheOtherAgentOnce() async throws {
        // A 5 s lease, not 1.5: the survivor's own attempt must not run out of it between two
        // heartbeats on a loaded machine (the test wants exactly two attempts).
        try await LiveHub.run(leaseSeconds: 5) { served, client in
            let agents = try ["left", "right"].map { id in
                try AgentProcess(["--agent-id", id, "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            }
            defer { agents.forEach { $0.stop() } }
            try await eventually("both agents online") {
                try await client.agents().filter { $0["state"] != "offline" }.count == 2
            }
            // The task ends at a gate the test opens once the holder is dead: with `sleep 2` a
            // loaded machine let it finish on the holder before the kill, in one attempt.
            let gate = Paths.temporaryDirectory("gate") + "/open"
            let task = try await client.submit(["type": "code.generate", "payload": ["command": .string("until [ -e \(gate) ]; do sleep 0.05; done; echo finished")]])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            let holder = try #require(try await client.task(id)["agent_id"]?.stringValue)
            let victim = holder == "left" ? agents[0] : agents[1]
            victim.signal(SIGKILL)
            _ = try await victim.exitStatus(within: 30)
            FileManager.default.createFile(atPath: gate, contents: nil)

            do {
                try await eventually("the task succeeded on the other agent") { try await client.state(of: id) == "succeeded" }
            } catch {
                let survivorLog = (holder == "left" ? agents[1] : agents[0]).log
                throw TestFailure("\(error)\ntask: \(try await client.task(id).jsonString)\nagents: \(try await client.agents())\nsurvivor log:\n\(survivorLog.suffix(3000))")
            }
            let final = try await client.task(id)
            let survivor = holder == "left" ? "right" : "left"
            #expect(final["agent_id"] == .string(survivor))
            let attempts = try #require(final["attempts"]?.arrayValue)
            // Required: reading attempts[1] of a shorter list crashed the whole target.
            try #require(attempts.count == 2)
            #expect(attempts[0]["agent_id"] == .string(holder))
            #expect(attempts[0]["outcome"] == "lease_expired")
            #expect(attempts[1]["agent_id"] == .string(survivor))
            #expect(attempts[1]["outcome"] == "succeeded")
            #expect(attempts.filter { $0["outcome"] == "succeeded" }.count == 1)
        }
    }

    @Test func sigtermDrainsTheTaskInHandTakesNoNewWorkAndExitsZero() async throws {
        try await LiveHub.run { served, client in
            let agent = try AgentProcess(["--agent-id", "drainer", "--drain-grace-seconds", "30", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            // The first task ends when the test opens a gate, once the hub knows the agent drains:
            // with `sleep 1.5` a loaded machine let it end before the SIGTERM was taken, the agent
            // took the second task, and it was no longer queued.
            let gate = Paths.temporaryDirectory("gate") + "/open"
            let first = try #require(try await client.submit(["type": "code.generate", "payload": ["command": .string("until [ -e \(gate) ]; do sleep 0.05; done; echo first-done")]])["id"]?.stringValue)
            try await eventually("the first task is running") { try await client.state(of: first) == "running" }
            let second = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo second"]])["id"]?.stringValue)
            agent.signal(SIGTERM)
            try await eventually("the hub knows the agent drains") { try await client.agent("drainer")["state"] == "draining" }
            FileManager.default.createFile(atPath: gate, contents: nil)
            #expect(try await agent.exitStatus(within: 30) == 0)
            #expect(try await client.state(of: first) == "succeeded")
            #expect(try await client.task(first)["result"]?["output_tail"] == "first-done\n")
            #expect(try await client.state(of: second) == "queued")
            #expect(agent.log.contains("draining"))
        }
    }

    @Test func aDrainPastItsGraceReleasesTheTaskAndKillsItsProcesses() async throws {
        try await LiveHub.run { served, client in
            let workdir = Paths.temporaryDirectory()
            let agent = try AgentProcess(["--agent-id", "impatient", "--drain-grace-seconds", "0.5", "--workdir", workdir], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo $$ > pid; exec sleep 60"]])["id"]?.stringValue)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            try await eventually("the pid file is written") { FileManager.default.fileExists(atPath: workdir + "/pid") }
            agent.signal(SIGTERM)
            #expect(try await agent.exitStatus(within: 20) == 0)
            let task = try await client.task(id)
            #expect(task["state"] == "queued")
            #expect(task["attempts"]?.arrayValue?.first?["outcome"] == "released")
            let pid = try #require(Int32(String(contentsOfFile: workdir + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            try await eventually("the task's process is gone", within: 5) { kill(pid, 0) != 0 }
        }
    }

    @Test func aSecondSignalReleasesAtOnce() async throws {
        try await LiveHub.run { served, client in
            let agent = try AgentProcess(["--agent-id", "hasty", "--drain-grace-seconds", "120", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "exec sleep 60"]])["id"]?.stringValue)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            agent.signal(SIGTERM)
            try await eventually("the agent says it drains") { agent.log.contains("draining") }
            agent.signal(SIGINT)
            #expect(try await agent.exitStatus(within: 20) == 0)
            #expect(try await client.task(id)["attempts"]?.arrayValue?.first?["outcome"] == "released")
        }
    }

    @Test func agentsReconnectAfterAHubRestartAndCarryOn() async throws {
        let port = try LiveHub.freePort()
        let dataDirectory = Paths.temporaryDirectory("hub")
        let hubURL = "http://127.0.0.1:\(port)"
        let (ids, token) = try await LiveHub.run(port: port, dataDirectory: dataDirectory) { served, client in
            let ids = try await client.submit(batch: (0..<12).map { index in
                ["type": "code.generate", "payload": ["command": .string("sleep 0.4; echo n\(index)")]]
            }).compactMap { $0["id"]?.stringValue }
            return (ids, served.adminToken)
        }
        let agent = try AgentProcess(["--agent-id", "steady", "--concurrency", "2", "--workdir", Paths.temporaryDirectory()], hub: hubURL, token: token)
        defer { agent.stop() }
        try await LiveHub.run(port: port, dataDirectory: dataDirectory) { _, client in
            try await eventually("some tasks done before the restart", within: 30) {
                try await client.allTasks(["state": "succeeded"]).count >= 3
            }
        }
        // The hub is down; the agent keeps its work and reconnects when it is back.
        try await LiveHub.run(port: port, dataDirectory: dataDirectory) { _, client in
            do {
                try await eventually("all tasks succeeded after the restart", within: 60) {
                    try await client.allTasks(["state": "succeeded"]).count == ids.count
                }
            } catch {
                let states = try await client.allTasks().map { "\($0["id"]?.stringValue ?? "?") \($0["state"]?.stringValue ?? "?") \($0["attempts"]?.jsonString ?? "")" }
                throw TestFailure("\(error)\n\(states.joined(separator: "\n"))\n--- agent log:\n\(agent.log.suffix(4000))")
            }
            let agents = try await client.agents()
            #expect(agents.first { $0["id"] == "steady" }?["state"] != "offline")
            for id in ids {
                let attempts = try await client.task(id)["attempts"]?.arrayValue ?? []
                #expect(attempts.filter { $0["outcome"] == "succeeded" }.count == 1)
            }
        }
        #expect(agent.process.isRunning)
        #expect(agent.log.contains("reconnecting"))
    }

    @Test func cancellingFromTheCLIKillsTheExecutorsProcessGroup() async throws {
        try await LiveHub.run { served, client in
            let workdir = Paths.temporaryDirectory()
            let agent = try AgentProcess(["--agent-id", "cancellable", "--workdir", workdir], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "sleep 60 & echo $! > pid; wait"]])["id"]?.stringValue)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            try await eventually("the pid file is written") { FileManager.default.fileExists(atPath: workdir + "/pid") }
            let pid = try #require(Int32(String(contentsOfFile: workdir + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            let cli = try await runCLI(["tasks", "cancel", id, "--reason", "not needed", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(cli.status == 0, "\(cli.output)")
            try await eventually("the backgrounded child of the task is gone", within: 5) { kill(pid, 0) != 0 }
            #expect(try await client.state(of: id) == "cancelled")
            // The agent is free again and takes the next task.
            let next = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo next"]])["id"]?.stringValue)
            try await eventually("the next task succeeded") { try await client.state(of: next) == "succeeded" }
        }
    }

    @Test func anAgentTheHubRefusesExitsWithTheReason() async throws {
        try await LiveHub.run { served, client in
            let token = try #require(try await client.createToken(name: "bound", agentID: "ci-7")["token"]?.stringValue)
            let agent = try AgentProcess(["--agent-id", "ci-8", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: token)
            defer { agent.stop() }
            #expect(try await agent.exitStatus(within: 20) == 1)
            #expect(agent.log.contains("may only register as agent 'ci-7'"))
            #expect(try await client.agents().isEmpty)
        }
    }
}

