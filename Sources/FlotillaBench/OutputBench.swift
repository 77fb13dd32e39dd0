import FlotillaClient
import FlotillaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The live-output benchmark behind `flotilla bench output`: a `flotilla hub` and a `flotilla
/// agent` as child processes, one shell task printing `rate` bytes a second for `seconds`, one
/// follower reading it (`?follow=1`, as the dashboard does), and the hub process's CPU time
/// (utime + stime from /proc/<pid>/stat) over the stream, beside the idle hub's.
public struct OutputBench: Sendable {
    /// Bytes a second the task prints.
    public var rate: Int
    public var seconds: Int
    /// The `flotilla` binary to start the hub and the agent with.
    public var binary: String

    public init(rate: Int, seconds: Int, binary: String) {
        self.rate = rate
        self.seconds = seconds
        self.binary = binary
    }

    public struct Report: Sendable {
        public var bytesFollowed: Int
        public var streamSeconds: Double
        public var hubCPUPercent: Double
        public var idleHubCPUPercent: Double
        public var agentCPUPercent: Double
        public var skippedNotices: Int

        public var text: String {
            let rate = Double(bytesFollowed) / max(streamSeconds, 0.001) / 1_000_000
            return """
            streamed:  \(bytesFollowed) bytes in \(String(format: "%.1f", streamSeconds)) s (\(String(format: "%.2f", rate)) MB/s) followed live over SSE
            hub CPU:   \(String(format: "%.1f", hubCPUPercent)) % of one core while streaming (idle hub: \(String(format: "%.1f", idleHubCPUPercent)) %)
            agent CPU: \(String(format: "%.1f", agentCPUPercent)) % of one core (the agent and its task)
            skipped:   \(skippedNotices) skip notice(s)
            """
        }

        public var json: JSONValue {
            [
                "bytes_followed": .int(Int64(bytesFollowed)), "stream_seconds": .double(streamSeconds),
                "hub_cpu_percent": .double(hubCPUPercent), "idle_hub_cpu_percent": .double(idleHubCPUPercent),
                "agent_cpu_percent": .double(agentCPUPercent), "skipped_notices": .int(Int64(skippedNotices)),
            ]
        }
    }

    public func run() async throws -> Report {
        let directory = NSTemporaryDirectory() + "flotilla-bench-output-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/work", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try Self.freePort()
        let hub = try Self.start(binary, ["hub", "--port", "\(port)", "--data-dir", directory + "/data"], log: directory + "/hub.log")
        defer { Self.stop(hub) }
        let url = "http://127.0.0.1:\(port)"
        let token = try await Self.adminToken(directory + "/data/admin.token", hub: hub)
        let client = HubClient(baseURL: url, token: token)
        let agent = try Self.start(binary, [
            "agent", "--hub", url, "--token", token, "--agent-id", "bench-output", "--role", "bench",
            "--workdir", directory + "/work", "--output-rate", "\(max(2 * rate, 1 << 20))", "--log-level", "warning",
        ], log: directory + "/agent.log")
        defer { Self.stop(agent) }
        try await Self.until("the agent registered", within: 30) { try await client.agents().contains { $0["state"] != "offline" } }

        // The idle hub first (ticks, heartbeats), over a few seconds.
        let idleStart = (Self.cpuSeconds(hub.processIdentifier), ContinuousClock.now)
        try await Task.sleep(for: .seconds(3))
        let idle = Self.percent(Self.cpuSeconds(hub.processIdentifier) - idleStart.0, since: idleStart.1)

        // Lines of 99 characters and a newline, `rate / 10` bytes every 100 ms.
        let chunk = max(100, rate / 10)
        let command = "i=0; while [ $i -lt \(seconds * 10) ]; do head -c \(chunk / 100 * 99) /dev/zero | tr '\\0' x | fold -w 99; sleep 0.1; i=$((i+1)); done"
        let submitted = try await client.submit(["type": "bench.output", "role": "bench", "payload": ["command": .string(command)], "timeout_seconds": .int(Int64(seconds * 3 + 30))])
        let id = submitted["id"]?.stringValue ?? ""
        var followed = 0
        var notices = 0
        var started: (cpu: Double, agent: Double, at: ContinuousClock.Instant)?
        for try await event in client.followOutput(id) {
            switch event {
            case .output(_, _, let text, _):
                if started == nil { started = (Self.cpuSeconds(hub.processIdentifier), Self.cpuSeconds(agent.processIdentifier, children: true), .now) }
                followed += text.utf8.count
                if text.contains("bytes of output skipped]") { notices += 1 }
            case .attempt, .end:
                continue
            }
        }
        guard let started else { throw FlotillaError(.internalError, "No output arrived; see \(directory)/agent.log") }
        let elapsed = ContinuousClock.now - started.at
        return Report(
            bytesFollowed: followed, streamSeconds: Self.seconds(elapsed),
            hubCPUPercent: Self.percent(Self.cpuSeconds(hub.processIdentifier) - started.cpu, since: started.at),
            idleHubCPUPercent: idle,
            agentCPUPercent: Self.percent(Self.cpuSeconds(agent.processIdentifier, children: true) - started.agent, since: started.at),
            skippedNotices: notices
        )
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func percent(_ cpu: Double, since start: ContinuousClock.Instant) -> Double {
        (cpu / max(seconds(ContinuousClock.now - start), 0.001) * 1000).rounded() / 10
    }

    /// CPU seconds (user + system) of a process from /proc/<pid>/stat; with `children`, plus
    /// those of its waited-for children (the agent's finished task processes).
    static func cpuSeconds(_ pid: Int32, children: Bool = false) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after "(comm)": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let value = { (field: Int) in Double(fields[field - 3]) ?? 0 }
        return (value(14) + value(15) + (children ? value(16) + value(17) : 0)) / ticks
    }

    static func start(_ binary: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    static func adminToken(_ path: String, hub: Process) async throws -> String {
        var token = ""
        try await until("the hub wrote its admin token", within: 30) {
            guard hub.isRunning else { throw FlotillaError(.internalError, "The hub exited; see its log beside \(path).") }
            token = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return !token.isEmpty
        }
        return token
    }

    static func until(_ what: String, within seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FlotillaError(.internalError, "Timed out waiting for \(what).")
    }

    /// A TCP port free a moment ago (the kernel's pick).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard ok else { throw FlotillaError(.internalError, "No free port.") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
