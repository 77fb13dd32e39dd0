import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 19's first run, with the real binary (env FLOTILLA_BIN): a fresh git repository with no
/// `.flotilla/`, `flotilla up` starting its own hub, shell agents taking a task. Each agent gets a
/// token of its own from `up` (never the admin token), runs in a directory of its own, and its
/// tasks see no credential; a broken agent does not take the others down.
@Suite(.serialized) struct FirstRunTests {
    static let twoAgents = """
          - {name: alpha, role: general, executor: shell}
          - {name: beta, role: general, executor: shell}
        """

    @Test func aFirstUpRegistersEveryAgentAndATaskSucceedsWithin15Seconds() async throws {
        try await FirstRunFleet.with(agents: Self.twoAgents) { fleet in
            #expect(!FileManager.default.fileExists(atPath: fleet.dataDirectory))
            let started = ContinuousClock.now
            let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file])
            #expect(up.status == 0, "\(up.output)")
            let registered = try await UpWatchTests.eventually("both agents registered", within: 15) { await fleet.onlineAgents() == ["alpha", "beta"] }
            let online = await fleet.onlineAgents()
            #expect(registered, "online: \(online)\n--- alpha:\n\(fleet.log("alpha").suffix(1500))\n--- up:\n\(up.output)")
            let admin = try #require(fleet.adminToken)
            let client = fleet.client
            // The task looks for a credential in its environment and its surroundings.
            let command = "env | grep '^FLOTILLA_TOKEN=' ; echo env-checked; pwd; ls -a; ls -a ..; cat admin.token ../admin.token ../../admin.token ../../../admin.token 2>&1; true"
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": .string(command)]])["id"]?.stringValue)
            let succeeded = try await UpWatchTests.eventually("the task succeeded", within: 15) { try await client.task(id)["state"] == "succeeded" }
            let final = try await client.task(id)
            #expect(succeeded, "\(final.jsonString)")
            #expect(ContinuousClock.now - started < .seconds(15), "the first run took \(ContinuousClock.now - started)")

            // Item 10: no credential in the task's environment or working directory.
            let output = final["result"]?["output_tail"]?.stringValue ?? ""
            #expect(output.hasPrefix("env-checked\n"), "FLOTILLA_TOKEN reached the task: \(output)")
            #expect(!output.contains(admin))
            let pwd = output.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
            #expect(pwd.hasSuffix("/agents/alpha") || pwd.hasSuffix("/agents/beta"), "the task ran in \(pwd)")
            // Not below the fleet's directory, so no relative path leads to `.flotilla/`.
            #expect(!pwd.hasPrefix(fleet.directory + "/") && !pwd.hasPrefix(fleet.dataDirectory), "the task ran in \(pwd)")
            #expect(!output.contains("flt_"), "a token is readable from the task's directory: \(output)")
            let mode = { (path: String) in ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1 }
            #expect(mode(fleet.dataDirectory) == 0o700)
            #expect(mode(fleet.dataDirectory + "/tokens") == 0o700)
            // Each agent deleted its token file once read: no task finds it later.
            for name in ["alpha", "beta"] {
                #expect(!FileManager.default.fileExists(atPath: fleet.dataDirectory + "/tokens/\(name).token"))
            }

            // Item 1: each agent holds a token bound to its name and role, not the admin token.
            let tokens = try await client.tokens().filter { $0["revoked_at"] == .null }
            for name in ["alpha", "beta"] {
                let token = tokens.first { $0["name"] == .string("fleet:\(name)") }
                #expect(token?["scope"] == "agent" && token?["agent_id"] == .string(name) && token?["role"] == "general", "\(tokens)")
            }

            // A restart gets a fresh token and revokes the one it replaces.
            let restart = try await UpWatchTests.flotilla(["restart", "-f", fleet.file, "alpha"])
            #expect(restart.status == 0, "\(restart.output)")
            let replaced = try await UpWatchTests.eventually("alpha registered again with a new token", within: 15) {
                let all = try await client.tokens().filter { $0["name"] == "fleet:alpha" }
                let online = await fleet.onlineAgents()
                return all.count == 2 && all.filter { $0["revoked_at"] == .null }.count == 1 && online.contains("alpha")
            }
            let allTokens = try await client.tokens()
            #expect(replaced, "\(allTokens)")

            // The supervisor's restart of a crashed agent gives it a fresh token too.
            let beta = try #require(try await fleet.tmux.listPanes(session: "first").first { $0.agentName == "beta" })
            kill(-beta.pid, SIGKILL)
            let revived = try await UpWatchTests.eventually("beta restarted by the supervisor with a new token", within: 15) {
                let all = try await client.tokens().filter { $0["name"] == "fleet:beta" }
                let pane = try await fleet.tmux.listPanes(session: "first").first { $0.agentName == "beta" }
                let online = await fleet.onlineAgents()
                return all.count == 2 && all.filter { $0["revoked_at"] == .null }.count == 1 && pane?.restarts == 1 && online.contains("beta")
            }
            #expect(revived, "\(fleet.supervisorLog)")
            let after = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo after-restarts"]])["id"]?.stringValue)
            #expect(try await UpWatchTests.eventually("a task after the restarts succeeded", within: 15) { try await client.task(after)["state"] == "succeeded" })
        }
    }

    @Test func anAgentThatExitsAtOnceIsNamedRestartedWithBackoffAndTheOthersWork() async throws {
        let agents = Self.twoAgents + "\n  - {name: broken, command: 'echo broken-at-start; exit 3'}"
        try await FirstRunFleet.with(agents: agents) { fleet in
            let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file])
            #expect(up.status == 0, "\(up.output)")
            // tmux now and then loses the status of a process that ends within milliseconds of its
            // start (pane_dead_status stays empty); `up` takes the first status it sees in its watch.
            #expect(up.output.contains("agent 'broken' exited at once (exit status 3)") || up.output.contains("agent 'broken' exited at once (exit status unknown)"), "\(up.output)")
            #expect(up.output.contains("broken-at-start"), "\(up.output)")
            #expect(!up.output.contains("alpha'"), "\(up.output)")

            let registered = try await UpWatchTests.eventually("alpha and beta registered", within: 15) { await fleet.onlineAgents() == ["alpha", "beta"] }
            #expect(registered, "\(up.output)\n\(fleet.supervisorLog)")
            let client = fleet.client
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo still-working"]])["id"]?.stringValue)
            #expect(try await UpWatchTests.eventually("the task succeeded", within: 15) { try await client.task(id)["state"] == "succeeded" })

            // The supervisor keeps restarting it, waiting longer each time, and says why.
            let restarted = try await UpWatchTests.eventually("broken restarted four times", within: 20) {
                let pane = try await fleet.tmux.listPanes(session: "first").first { $0.agentName == "broken" }
                return (pane?.restarts ?? 0) >= 4
            }
            #expect(restarted, "\(fleet.supervisorLog)")
            let log = fleet.supervisorLog
            #expect(log.contains("agent 'broken' exited with status 3"), "\(log)")
            #expect(log.contains("broken-at-start"), "\(log)")
            #expect(log.contains("restarting it in 0.3s (restart 1)") && log.contains("restarting it in 0.6s (restart 2)"), "\(log)")
            let ps = try await UpWatchTests.flotilla(["ps", "-f", fleet.file])
            #expect(ps.output.contains("broken: exited with status"), "\(ps.output)")
        }
    }

    @Test func theHubUpStartedIsRestartedWhenItDiesAndTheAgentsCarryOn() async throws {
        try await FirstRunFleet.with(agents: Self.twoAgents) { fleet in
            let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file])
            #expect(up.status == 0, "\(up.output)")
            #expect(try await UpWatchTests.eventually("both agents registered", within: 15) { await fleet.onlineAgents() == ["alpha", "beta"] })
            let hub = try #require(try await fleet.tmux.listPanes(session: "first").first(where: \.isFleetHub))
            kill(-hub.pid, SIGKILL)  // the pane's process group: the hub and the shell tmux ran it with
            let revived = try await UpWatchTests.eventually("the hub restarted", within: 20) {
                guard let pane = try await fleet.tmux.listPanes(session: "first").first(where: \.isFleetHub) else { return false }
                let stats = try? await fleet.client.stats()
                return pane.restarts == 1 && !pane.isDead && stats != nil
            }
            #expect(revived, "\(fleet.supervisorLog)")
            let client = fleet.client
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo after-the-hub-restart"]])["id"]?.stringValue)
            #expect(try await UpWatchTests.eventually("the task succeeded", within: 30) { try await client.task(id)["state"] == "succeeded" })
            #expect(fleet.supervisorLog.contains("the hub exited"), "\(fleet.supervisorLog)")
        }
    }

    @Test func aHubThatNeverAnswersFailsUpNamingItsLogAndLeavesNothingRunning() async throws {
        try await FirstRunFleet.with(agents: Self.twoAgents, hub: "{url: 'http://127.0.0.1:1', command: \"sh -c 'echo hub-cannot-start; exit 5'\"}") { fleet in
            let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file, "--hub-timeout", "10"])
            #expect(up.status == 1, "\(up.output)")
            #expect(up.output.contains("fleet_hub_unavailable"), "\(up.output)")
            // tmux 3.3 now and then keeps no exit status for a pane whose process ended (its
            // pane_dead_status stays empty even when read again); `up` then says `status ?`.
            #expect(up.output.contains("exited (status 5)") || up.output.contains("exited (status ?)"), "\(up.output)")
            #expect(up.output.contains(fleet.dataDirectory + "/logs/fleet/hub.log"), "\(up.output)")
            #expect(up.output.contains("hub-cannot-start"), "\(up.output)")
            #expect(await !fleet.tmux.hasSession("first"))
        }
    }

    @Test func aHubThatStaysSilentFailsUpAfterTheDeadline() async throws {
        try await FirstRunFleet.with(agents: Self.twoAgents, hub: "{url: 'http://127.0.0.1:1', command: \"sh -c 'echo hub-starting-slowly; exec sleep 60'\"}") { fleet in
            let started = ContinuousClock.now
            let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file, "--hub-timeout", "1"])
            #expect(up.status == 1, "\(up.output)")
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(up.output.contains("fleet_hub_unavailable") && up.output.contains("the hub did not answer at http://127.0.0.1:1 within 1"), "\(up.output)")
            #expect(up.output.contains("hub-starting-slowly"), "\(up.output)")
            #expect(await !fleet.tmux.hasSession("first"))
        }
    }
}
