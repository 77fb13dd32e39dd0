import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation
import Subprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `flotilla up` with no hub running starts one that watches the fleet: `flotilla ps` shows its
/// live states, its API types into and kills agents, and the supervisor leaves a killed agent
/// dead. Runs the real binary (env FLOTILLA_BIN, else .build/debug/flotilla).
@Suite struct UpWatchTests {
    @Test func upStartsAWatchingHubThatPsAndTheAPIUse() async throws {
        let port = try Self.freePort()
        let agents = """
              - {name: solo, command: '\(Fixture.fakeAgentCommand())', kind: claude}
              - {name: other, command: '\(Fixture.fakeAgentCommand())', kind: claude}
            """
        try await TestFleet.with(agents: agents, hub: "{url: 'http://127.0.0.1:\(port)', start: true, data_dir: hubdata}", start: false) { fleet in
            let file = fleet.fleet.path
            let up = try await Self.flotilla(["up", "-f", file])
            #expect(up.status == 0, "\(up.output)")
            #expect(up.output.contains("started a hub at http://127.0.0.1:\(port)"), "\(up.output)")

            let tokenPath = fleet.directory + "/hubdata/admin.token"
            var client = HubClient(baseURL: "http://127.0.0.1:\(port)", token: nil)
            let live = try await Self.eventually("the hub watching both agents idle") {
                guard let token = try? String(contentsOfFile: tokenPath, encoding: .utf8) else { return false }
                client.token = token.trimmingCharacters(in: .whitespacesAndNewlines)
                let agents = try? await client.send(.GET, "/api/watch", timeout: .seconds(2)).body["agents"]?.arrayValue
                return agents?.filter { $0["state"] == "idle" }.count == 2
            }
            #expect(live)

            let ps = try await Self.flotilla(["ps", "-f", file])
            #expect(ps.status == 0 && ps.output.components(separatedBy: " idle ").count == 3, "\(ps.output)")
            #expect(!ps.output.contains("read once"), "ps did not get its states from the hub: \(ps.output)")

            let sent = try await client.send(.POST, "/api/agents/solo/command?wait=20", body: ["text": "through the hub's API"]).body
            #expect(sent["status"] == "sent", "\(sent)")
            #expect(fleet.recorded("solo") == ["through the hub's API"])

            // `flotilla send` goes through the watching hub's queue, so it is in the hub's trail.
            // Bounded: on a loaded machine, with the hub not seeing the agents idle, this send
            // waited out the CLI's default 600 s.
            let send = try await Self.flotilla(["send", "-f", file, "--timeout", "60", "other", "from the CLI"])
            #expect(send.status == 0 && send.output.contains("through the hub"), "\(send.output)")
            #expect(fleet.recorded("other") == ["from the CLI"])
            let trail = try await client.send(.GET, "/api/agents/other/commands").body["commands"]?.arrayValue ?? []
            #expect(trail.compactMap { $0["text"]?.stringValue } == ["from the CLI"])

            let pid = try await fleet.fleet.pane(of: "solo").pid
            let killed = try await client.send(.POST, "/api/agents/solo/kill").body
            #expect(killed["killed"] == true)
            #expect(!ProcessLiveness.isAlive(pid))
            // The supervisor restarts crashed agents after 0.2 s; a killed one must stay gone.
            let revived = try await Self.eventually("solo revived", within: 2) {
                (try? await fleet.fleet.agentPanes())?.contains { $0.agentName == "solo" } == true
            }
            #expect(!revived, "the supervisor restarted an agent killed through the hub")

            var pids = Set<Int32>()
            for pane in try await fleet.fleet.tmux.listPanes(session: "fleet") {
                pids.formUnion([pane.pid] + ProcessLiveness.descendants(of: pane.pid))
            }
            let stop = try await Self.flotilla(["stop", "-f", file])
            #expect(stop.status == 0, "\(stop.output)")
            let leftovers = pids.filter(ProcessLiveness.isAlive)
            #expect(leftovers.isEmpty, "still running after stop (the hub included): \(leftovers)")
        }
    }

    static var binary: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return ProcessInfo.processInfo.environment["FLOTILLA_BIN"] ?? root + "/.build/debug/flotilla"
    }

    /// Runs the flotilla binary without blocking a cooperative thread.
    static func flotilla(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(
            .path(FilePath(binary)), arguments: Arguments(arguments), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
        )
        let status: Int32 = if case .exited(let code) = result.terminationStatus { Int32(code) } else { -1 }
        return (status, (result.standardOutput ?? "") + (result.standardError ?? ""))
    }

    /// Polls `condition` every 50 ms until it holds (true) or `seconds` pass (false).
    static func eventually(_ what: String, within seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// A TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
