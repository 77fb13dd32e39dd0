import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 22 item 5: `flotilla demo` starts a hub, three real shell agents and a trickle of
/// chained tasks (a retry and a dead letter among them), prints where to look, and cleans up
/// after itself when it stops.
@Suite(.serialized) struct DemoCommandTests {
    /// What the demo printed: the hub's URL and the admin token's path.
    struct Banner {
        var baseURL: String
        var tokenPath: String
        var root: String
        var client: HubClient {
            HubClient(baseURL: baseURL, token: (try? String(contentsOfFile: tokenPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    static func banner(of demo: CLIProcess) async throws -> Banner {
        try await eventually("the demo prints its banner", within: 30) { parse(demo.stdout) != nil }
        return parse(demo.stdout)!
    }

    static func parse(_ output: String) -> Banner? {
        let lines = output.split(separator: "\n").map(String.init)
        guard let api = lines.first(where: { $0.hasPrefix("  API ") }),
              let data = lines.first(where: { $0.hasPrefix("  data ") }) else { return nil }
        let words = api.split(separator: " ").map(String.init), dataWords = data.split(separator: " ").map(String.init)
        return Banner(baseURL: words[1], tokenPath: words[words.count - 1], root: dataWords[1])
    }

    /// Processes whose command line mentions `text` (the demo's agents run under its temp dir).
    static func processes(mentioning text: String) -> [String] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.filter { $0.allSatisfy(\.isNumber) }.compactMap { id in
            guard let data = FileManager.default.contents(atPath: "/proc/\(id)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(id): \(line)" : nil
        }
    }

    @Test func theDemoRunsAgentsAndChainsWithARetryAndADeadLetterThenCleansUp() async throws {
        let demo = try CLIProcess(["demo", "--port", "0", "--seconds", "25", "--interval-seconds", "2"])
        defer { demo.stop() }
        let banner = try await Self.banner(of: demo)
        #expect(demo.stdout.contains("/auth/link?code=") || demo.stdout.contains("/signin"), "\(demo.stdout)")
        #expect(FileManager.default.fileExists(atPath: banner.root))
        let client = banner.client

        try await eventually("three agents of three roles connect", within: 30) {
            let agents = try await client.agents()
            let online = agents.filter { $0["state"]?.stringValue != "offline" }
            return Set(online.compactMap { $0["roles"]?.arrayValue?.first?.stringValue }) == ["development", "testing", "review"]
        }
        // Round 1's build fails once and succeeds on its retry; its chain then runs to the end.
        try await eventually("round 1's chain succeeds", within: 30) {
            try await client.task("demo-1-review")["state"] == "succeeded"
        }
        let build = try await client.task("demo-1-build")
        #expect(build["state"] == "succeeded")
        #expect(build["attempt"]?.intValue == 2, "\(build)")
        // Round 2's deploy fails every attempt and ends a dead letter.
        try await eventually("round 2's deploy is dead", within: 30) {
            try await client.task("demo-2-deploy")["state"] == "dead"
        }
        #expect(try await client.task("demo-2-test")["depends_on"] == ["demo-2-build"])

        // --seconds: it stops by itself, with its agents, and deletes its directory.
        let status = try await demo.finish(within: 40)
        #expect(status == 0, "stdout: \(demo.stdout)\nstderr: \(demo.stderr)")
        #expect(demo.stdout.contains("demo stopped"))
        #expect(!FileManager.default.fileExists(atPath: banner.root), "\(banner.root) is left")
        #expect(Self.processes(mentioning: banner.root).isEmpty, "\(Self.processes(mentioning: banner.root))")
    }

    @Test func ctrlCStopsAQuietDemoAndDeletesItsDirectory() async throws {
        let demo = try CLIProcess(["demo", "--port", "0", "--no-tasks"])
        defer { demo.stop() }
        let banner = try await Self.banner(of: demo)
        let client = banner.client
        try await eventually("three agents connect", within: 30) {
            try await client.agents().filter { $0["state"]?.stringValue == "idle" }.count == 3
        }
        #expect(try await client.tasks()["tasks"]?.arrayValue?.isEmpty == true, "--no-tasks submitted tasks")

        kill(demo.process.processIdentifier, SIGINT)
        let status = try await demo.finish(within: 20)
        #expect(status == 0, "stdout: \(demo.stdout)\nstderr: \(demo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: banner.root), "\(banner.root) is left")
        #expect(Self.processes(mentioning: banner.root).isEmpty, "\(Self.processes(mentioning: banner.root))")
    }

    @Test func aTakenPortOrANetworkAddressIsACleanError() async throws {
        // Plain HTTP beyond loopback would carry the demo's tokens in clear.
        let open = try await CLIProcess.run(["demo", "--host", "0.0.0.0", "--port", "0"], within: 30)
        #expect(open.status != 0)
        #expect(open.stderr.contains("Refusing to serve plain HTTP on '0.0.0.0'"), "\(open.stderr)")

        let port = try LiveHub.freePort()
        let first = try CLIProcess(["demo", "--port", "\(port)", "--no-tasks"])
        defer { first.stop() }
        _ = try await Self.banner(of: first)
        let second = try await CLIProcess.run(["demo", "--port", "\(port)", "--no-tasks"], within: 30)
        #expect(second.status == 1)
        #expect(second.stderr.contains("--port 0"), "\(second.stderr)")
        kill(first.process.processIdentifier, SIGTERM)
        #expect(try await first.finish(within: 20) == 0)
    }
}
