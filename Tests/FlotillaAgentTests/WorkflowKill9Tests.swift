import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 23's durability proof: a hub process is killed with SIGKILL in the middle of a 20-step
/// run, three times, and started again on the same data directory and port; the run carries on
/// and every step's task ran exactly once: one task per step (by idempotency key, in the store),
/// one attempt per task and it succeeded (the attempts table), one run of each step's command
/// (the scripts' own log).
@Suite struct WorkflowKill9Tests {
    static let steps = (1...20).map { String(format: "s%02d", $0) }

    /// A chain of 20 steps, a fan-out of three in the middle; each appends its name to ran.log
    /// in the agents' working directory, then takes a moment (a kill lands while one runs).
    static var workflow: String {
        var lines = ["name: twenty", "steps:"]
        for (index, step) in steps.enumerated() {
            let needs: String
            switch index {
            case 0: needs = ""
            case 9, 10, 11: needs = ", needs: [s09]"           // s10, s11, s12 in parallel
            case 12: needs = ", needs: [s10, s11, s12]"
            default: needs = ", needs: [\(steps[index - 1])]"
            }
            lines.append("  \(step): {type: chain.step, role: chain\(needs), payload: {command: 'echo \"$STEP\" >> ran.log; sleep 0.4; echo done', env: {STEP: \(step)}}}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aRunCarriesOnAfterKill9AtThreePointsAndNoStepRunsTwice() async throws {
        let port = try LiveHub.freePort()
        let dataDirectory = Paths.temporaryDirectory("hub")
        var hub = try await HubChild.start(port: port, dataDirectory: dataDirectory)
        defer { hub.terminate() }
        let token = try hub.adminToken
        let client = HubClient(baseURL: hub.baseURL, token: token)
        let workdir = Paths.temporaryDirectory("wf-chain")
        let agents = try WorkflowFleet.agents([("chain-a", "chain"), ("chain-b", "chain")], workdir: workdir, hub: hub.baseURL, token: token, concurrency: 2)
        defer { agents.forEach { $0.stop() } }

        _ = try await client.applyWorkflow(source: Self.workflow, file: "twenty.yaml")
        let started = try await client.json(.POST, "/api/workflows/twenty/runs", ["inputs": [:]], expect: 201)
        let runID = try #require(started["id"]?.stringValue)

        for point in [3, 8, 14] {
            try await eventually("\(point) steps succeeded", within: 90) {
                let run = try await client.workflowRun(id: runID)
                return (run["progress"]?["succeeded"]?.intValue ?? 0) >= Int64(point)
            }
            hub.kill9()
            hub = try await HubChild.start(port: port, dataDirectory: dataDirectory)
        }

        let run: JSONValue
        do {
            run = try await client.endedRun(runID, within: 120)
        } catch {
            throw TestFailure("\(error)\n--- hub:\n\(hub.log.suffix(3000))\n--- agent:\n\(agents[0].log.suffix(3000))")
        }
        #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")
        #expect(run["progress"]?["succeeded"] == 20)
        hub.terminate()

        // The store: one task per step, found by the run's idempotency keys, each with one
        // attempt, which succeeded.
        let keys = try await hub.query("SELECT idempotency_key, id, state FROM tasks WHERE idempotency_key LIKE 'wf:\(runID):%' ORDER BY idempotency_key")
        #expect(keys.map { String($0.split(separator: "|")[0]) } == Self.steps.map { "wf:\(runID):\($0)" }, "\(keys)")
        #expect(keys.allSatisfy { $0.hasSuffix("|succeeded") }, "\(keys)")
        let attempts = try await hub.query("""
            SELECT t.idempotency_key, count(a.attempt), sum(a.outcome = 'succeeded') FROM tasks t JOIN attempts a ON a.task_id = t.id
            WHERE t.idempotency_key LIKE 'wf:\(runID):%' GROUP BY t.id ORDER BY t.idempotency_key
            """)
        #expect(attempts.count == 20)
        for row in attempts {
            #expect(row.hasSuffix("|1|1"), "attempts (all, succeeded) of \(row)")
        }
        // The agents' side: each step's command ran once.
        let ran = try String(contentsOfFile: workdir + "/ran.log", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(ran.sorted() == Self.steps, "\(ran)")
    }
}
