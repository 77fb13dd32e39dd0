import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 20 item 5 for the fleet, with the real binary, real tmux, a real hub and real agents: a
/// fleet file with an `https://` hub and `tls_cert`/`tls_key` (a self-signed certificate made by
/// openssl) — `up` starts the hub serving TLS and the agents over WSS trusting that certificate,
/// `ps`, `send`, `restart`, `doctor` and the supervisor reach the hub over TLS, a task submitted
/// with `--ca-file` runs on an agent, `stop` cleans up. TLS settings that cannot work are refused
/// before anything starts.
@Suite(.serialized) struct FleetTLSTests {
    static let agents = """
          - {name: alpha, role: general, executor: shell}
          - {name: beta, role: general, executor: shell}
          - {name: typist, command: '\(Fixture.fakeAgentCommand())', kind: claude}
        """

    @Test func anHTTPSFleetStartsServesTasksTypesRestartsAndStopsOverTLS() async throws {
        try await FirstRunFleet.with(agents: Self.agents) { fleet in
            let (certificate, _) = try await Self.makeCertificate(in: fleet.directory, name: "hub")
            let url = "https://127.0.0.1:\(fleet.port)"
            try Self.writeFleet(fleet, hub: "{url: '\(url)', tls_cert: hub.pem, tls_key: hub.key}", agents: Self.agents)

            let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file])
            #expect(up.status == 0, "\(up.output)")
            #expect(up.output.contains("started a hub at \(url)") && !up.output.contains("warning"), "\(up.output)")
            let admin = try #require(fleet.adminToken)
            let client = HubClient(baseURL: url, token: admin, http: HubTrust.failingFastClient(caFile: certificate))
            let online = { await Self.onlineAgents(client) }
            let registered = try await UpWatchTests.eventually("alpha and beta registered over wss", within: 20) { await online() == ["alpha", "beta"] }
            let seen = await online()
            #expect(registered, "online: \(seen)\n--- alpha:\n\(fleet.log("alpha").suffix(2000))\n--- hub:\n\(Self.hubLog(fleet).suffix(2000))")
            #expect(fleet.log("alpha").contains("wss://127.0.0.1:\(fleet.port)"), "\(fleet.log("alpha").suffix(2000))")

            // ps asks the hub over TLS, trusting the fleet's certificate without being told.
            let ps = try await UpWatchTests.flotilla(["ps", "-f", fleet.file])
            #expect(ps.status == 0, "\(ps.output)")
            for name in ["alpha", "beta"] {
                #expect(PsHubViewTests.row(name, in: ps.output).dropFirst(3).first == "idle", "\(ps.output)")
            }
            #expect(!ps.output.contains("not reachable") && !ps.output.contains("read once"), "\(ps.output)")

            // A task submitted with --ca-file runs on one of the agents.
            let submit = try await UpWatchTests.flotilla([
                "submit", "--hub", url, "--token", admin, "--ca-file", certificate,
                "--type", "code.generate", "--payload", #"{"command":"echo over-tls-fleet"}"#, "--wait", "--json",
            ])
            #expect(submit.status == 0, "\(submit.output)")
            #expect(submit.output.contains(#""state":"succeeded""#) && submit.output.contains("over-tls-fleet"), "\(submit.output)")
            #expect(submit.output.contains(#""agent_id":"alpha""#) || submit.output.contains(#""agent_id":"beta""#), "\(submit.output)")

            // send goes through the watching hub's queue, over TLS.
            // Bounded: on a loaded machine this send once waited out the CLI's default 600 s for the
            // typist to look idle, most of the target's 900 s.
            let send = try await UpWatchTests.flotilla(["send", "-f", fleet.file, "--timeout", "60", "typist", "typed over tls"])
            #expect(send.status == 0 && send.output.contains("through the hub"), "\(send.output)")
            #expect(Fixture.recorded(fleet.directory + "/rec-typist.jsonl") == ["typed over tls"])

            // restart, start and the supervisor mint the agent a fresh token over TLS (revoking the
            // one before), and it registers again over wss.
            let issued = { (name: String, count: Int) in
                try await UpWatchTests.eventually("\(name) registered again with token \(count)", within: 20) {
                    let tokens = try await client.send(.GET, "/api/tokens").body["tokens"]?.arrayValue ?? []
                    let own = tokens.filter { $0["name"] == .string("fleet:\(name)") }
                    let registered = await online()
                    return own.count == count && own.filter { $0["revoked_at"] == .null }.count == 1 && registered.contains(name)
                }
            }
            let restart = try await UpWatchTests.flotilla(["restart", "-f", fleet.file, "alpha"])
            #expect(restart.status == 0 && !restart.output.contains("warning"), "\(restart.output)")
            #expect(try await issued("alpha", 2), "\(fleet.log("alpha").suffix(2000))")
            let stopBeta = try await UpWatchTests.flotilla(["stop", "-f", fleet.file, "beta"])
            #expect(stopBeta.status == 0, "\(stopBeta.output)")
            let start = try await UpWatchTests.flotilla(["start", "-f", fleet.file, "beta"])
            #expect(start.status == 0 && !start.output.contains("warning"), "\(start.output)")
            #expect(try await issued("beta", 2), "\(fleet.log("beta").suffix(2000))")
            let beta = try #require(try await fleet.tmux.listPanes(session: "first").first { $0.agentName == "beta" })
            kill(-beta.pid, SIGKILL)
            #expect(try await issued("beta", 3), "\(fleet.supervisorLog)")
            #expect(!fleet.supervisorLog.contains("warning"), "\(fleet.supervisorLog)")

            // The supervisor restarts the hub with its certificate, and the agents reconnect.
            let hub = try #require(try await fleet.tmux.listPanes(session: "first").first(where: \.isFleetHub))
            kill(-hub.pid, SIGKILL)
            let revived = try await UpWatchTests.eventually("the hub restarted over TLS", within: 30) {
                let pane = try await fleet.tmux.listPanes(session: "first").first(where: \.isFleetHub)
                let stats = try? await client.send(.GET, "/api/stats", timeout: .seconds(2))
                return pane?.restarts == 1 && pane?.isDead == false && stats != nil
            }
            #expect(revived, "\(fleet.supervisorLog)")
            let after = try await client.send(.POST, "/api/tasks", body: ["type": "code.generate", "payload": ["command": "echo after-hub-restart"]]).body
            let id = try #require(after["id"]?.stringValue)
            let done = try await UpWatchTests.eventually("a task after the hub's restart succeeded", within: 30) {
                try await client.send(.GET, "/api/tasks/\(id)").body["state"] == "succeeded"
            }
            #expect(done, "\(fleet.supervisorLog)\n--- beta:\n\(fleet.log("beta").suffix(2000))")

            // doctor checks the files and the hub over TLS; a CA that did not sign the hub's
            // certificate is named as the problem.
            let doctor = try await UpWatchTests.flotilla(["doctor", "-f", fleet.file])
            #expect(doctor.output.contains("ok    tls cert: \(certificate): valid until"), "\(doctor.output)")
            #expect(doctor.output.contains("ok    tls key: ") && doctor.output.contains("ok    hub: a hub answers at \(url)"), "\(doctor.output)")
            #expect(doctor.output.contains("ok    token: "), "\(doctor.output)")
            let (stranger, _) = try await Self.makeCertificate(in: fleet.directory, name: "stranger")
            let untrusted = try await UpWatchTests.flotilla(["doctor", "-f", fleet.file, "--ca-file", stranger])
            #expect(untrusted.status == 1, "\(untrusted.output)")
            #expect(untrusted.output.contains("FAIL  hub: the hub at \(url) accepts connections, but TLS fails with the CA file \(stranger): its certificate is not trusted"), "\(untrusted.output)")
            let psUntrusted = try await UpWatchTests.flotilla(["ps", "-f", fleet.file, "--ca-file", stranger])
            #expect(psUntrusted.output.contains("(hub at \(url) not reachable: TLS failed: its certificate is not trusted"), "\(psUntrusted.output)")

            // stop ends the hub, the agents and the supervisor.
            var pids = Set<Int32>()
            for pane in try await fleet.tmux.listPanes(session: "first") {
                pids.formUnion([pane.pid] + ProcessLiveness.descendants(of: pane.pid))
            }
            let stop = try await UpWatchTests.flotilla(["stop", "-f", fleet.file])
            #expect(stop.status == 0, "\(stop.output)")
            #expect(await !fleet.tmux.hasSession("first"))
            let leftovers = pids.filter(ProcessLiveness.isAlive)
            #expect(leftovers.isEmpty, "still running after stop: \(leftovers)")
        }
    }

    @Test func tlsSettingsThatCannotWorkAreRefusedAndStartNothing() async throws {
        try await FirstRunFleet.with(agents: Self.agents) { fleet in
            _ = try await Self.makeCertificate(in: fleet.directory, name: "hub")
            let https = "https://127.0.0.1:\(fleet.port)"
            let cases: [(hub: String, expected: String, extra: [String])] = [
                ("{url: '\(https)'}", "fleet_missing_field: hub.tls_cert:", []),
                ("{url: '\(https)', tls_cert: hub.pem}", "fleet_missing_field: hub.tls_key:", []),
                ("{url: '\(https)', tls_cert: missing.pem, tls_key: hub.key}", "fleet_file_not_found: hub.tls_cert: cannot read \(fleet.directory)/missing.pem", []),
                ("{url: 'http://127.0.0.1:\(fleet.port)', tls_cert: hub.pem, tls_key: hub.key}", "fleet_invalid_field: hub.url:", []),
                ("{url: '\(https)', tls_cert: hub.pem, tls_key: hub.key}", "fleet_file_not_found: ca-file: cannot read the CA file /nonexistent/ca.pem", ["--ca-file", "/nonexistent/ca.pem"]),
            ]
            for (hub, expected, extra) in cases {
                try Self.writeFleet(fleet, hub: hub, agents: Self.agents)
                let up = try await UpWatchTests.flotilla(["up", "-f", fleet.file] + extra)
                #expect(up.status == 1 && up.output.contains(expected), "\(hub): \(up.output)")
                #expect(await !fleet.tmux.hasSession("first"), "\(hub) started a session")
                #expect(!FileManager.default.fileExists(atPath: fleet.dataDirectory), "\(hub) created \(fleet.dataDirectory)")
                #expect(!TCPConnect.answers(port: fleet.port), "\(hub) started a hub")
            }
        }
    }

    @Test func doctorNamesAnExpiredCertificate() async throws {
        try await FirstRunFleet.with(agents: Self.agents) { fleet in
            let expired = try await Self.makeExpiredCertificate(in: fleet.directory)
            // The hub runs elsewhere (and is down): only the files can be checked.
            try Self.writeFleet(fleet, hub: "{url: 'https://127.0.0.1:\(fleet.port)', start: false, ca_file: expired.pem}", agents: Self.agents)
            let doctor = try await UpWatchTests.flotilla(["doctor", "-f", fleet.file])
            #expect(doctor.status == 1, "\(doctor.output)")
            #expect(doctor.output.contains("FAIL  ca file: \(expired) expired on 2020-01-02; clients refuse it"), "\(doctor.output)")
        }
    }

    /// Rewrites the fleet file of `fleet` with `hub` (FirstRunFleet writes a plain-HTTP one).
    static func writeFleet(_ fleet: FirstRunFleet, hub: String, agents: String) throws {
        try """
            session: first
            socket: \(fleet.socket)
            hub: \(hub)
            supervisor: {restart_backoff: 0.3, restart_backoff_max: 2}
            agents:
            \(agents)
            """.write(toFile: fleet.file, atomically: true, encoding: .utf8)
    }

    /// A self-signed certificate for 127.0.0.1 and localhost, made by openssl:
    /// `DIRECTORY/NAME.pem` and `DIRECTORY/NAME.key`.
    static func makeCertificate(in directory: String, name: String) async throws -> (certificate: String, key: String) {
        let certificate = directory + "/\(name).pem", key = directory + "/\(name).key"
        let made = try await UpWatchTests.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=flotilla-test-\(name)",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
        ])
        guard made.status == 0 else { throw TestFailure("openssl req failed: \(made.output)") }
        return (certificate, key)
    }

    /// A self-signed certificate valid only on 2020-01-01 (openssl `ca` takes explicit dates).
    static func makeExpiredCertificate(in directory: String) async throws -> String {
        let ca = directory + "/expired-ca"
        try FileManager.default.createDirectory(atPath: ca, withIntermediateDirectories: true)
        try "".write(toFile: ca + "/index.txt", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: ca + "/serial", atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = expired
            [expired]
            database = \(ca)/index.txt
            new_certs_dir = \(ca)
            serial = \(ca)/serial
            default_md = sha256
            policy = anything
            [anything]
            commonName = supplied
            """.write(toFile: ca + "/ca.cnf", atomically: true, encoding: .utf8)
        let request = try await UpWatchTests.run("/usr/bin/openssl", [
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=flotilla-expired", "-keyout", ca + "/key.pem", "-out", ca + "/request.csr",
        ])
        guard request.status == 0 else { throw TestFailure("openssl req failed: \(request.output)") }
        let certificate = directory + "/expired.pem"
        let signed = try await UpWatchTests.run("/usr/bin/openssl", [
            "ca", "-batch", "-config", ca + "/ca.cnf", "-selfsign", "-keyfile", ca + "/key.pem", "-in", ca + "/request.csr",
            "-out", certificate, "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
        ])
        guard signed.status == 0 else { throw TestFailure("openssl ca failed: \(signed.output)") }
        return certificate
    }

    /// Agents registered with the hub and not offline.
    static func onlineAgents(_ client: HubClient) async -> Set<String> {
        guard let agents = try? await client.send(.GET, "/api/agents", timeout: .seconds(2)).body["agents"]?.arrayValue else { return [] }
        return Set(agents.filter { $0["source"] == "hub" && $0["state"] != "offline" }.compactMap { $0["id"]?.stringValue })
    }

    static func hubLog(_ fleet: FirstRunFleet) -> String {
        (try? String(contentsOfFile: fleet.dataDirectory + "/logs/fleet/hub.log", encoding: .utf8)) ?? ""
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` right now.
enum TCPConnect {
    static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
