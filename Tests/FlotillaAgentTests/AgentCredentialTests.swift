import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 19: an agent reads its token from a file (`--token-file`, how `flotilla up` hands it
/// over), its tasks never inherit FLOTILLA_TOKEN, and an unknown executor is refused with the
/// list of every executor.
@Suite(.serialized) struct AgentCredentialTests {
    @Test func theTokenFileIsUsedAndTasksDoNotInheritFLOTILLA_TOKEN() async throws {
        try await LiveHub.run { served, client in
            let token = try #require(try await client.createToken(name: "filed", agentID: "filed")["token"]?.stringValue)
            let file = Paths.temporaryDirectory("token") + "/filed.token"
            try (token + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            // --token is wrong on purpose: the file wins. FLOTILLA_TOKEN holds the admin token,
            // as when the person running the agent exported it.
            let agent = try AgentProcess(
                ["--agent-id", "filed", "--token-file", file, "--workdir", Paths.temporaryDirectory()],
                hub: served.baseURL, token: "flt_wrong_token", environment: ["FLOTILLA_TOKEN": served.adminToken]
            )
            defer { agent.stop() }
            try await eventually("the agent registered with the file's token") {
                try await client.agents().contains { $0["id"] == "filed" && $0["state"] != "offline" }
            }
            let id = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "env | grep FLOTILLA_TOKEN; echo checked"]])["id"]?.stringValue)
            try await eventually("the task succeeded") { try await client.state(of: id) == "succeeded" }
            let output = try await client.task(id)["result"]?["output_tail"]?.stringValue
            #expect(output == "checked\n", "the task saw the agent's credential: \(output ?? "nil")")
            #expect(FileManager.default.fileExists(atPath: file), "kept without --consume-token-file")
        }
    }

    @Test func aConsumedTokenFileIsGoneOnceTheAgentReadIt() async throws {
        try await LiveHub.run { served, client in
            let token = try #require(try await client.createToken(name: "once", agentID: "once")["token"]?.stringValue)
            let file = Paths.temporaryDirectory("token") + "/once.token"
            try (token + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let agent = try AgentProcess(["--agent-id", "once", "--token-file", file, "--consume-token-file", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: "flt_wrong_token")
            defer { agent.stop() }
            try await eventually("the agent registered") { try await client.agents().contains { $0["id"] == "once" && $0["state"] != "offline" } }
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test func aMissingTokenFileIsAClearError() async throws {
        let missing = Paths.temporaryDirectory("token") + "/absent.token"
        let result = try await runCLI(["agent", "--hub", "http://127.0.0.1:1", "--token-file", missing], within: 30)
        #expect(result.status == 1)
        #expect(result.output.contains("cannot read the token file \(missing)"), "\(result.output)")
    }

    @Test func anUnknownExecutorIsRefusedWithEveryExecutorListed() async throws {
        for executor in ["llamafile", "gpt", "shell,vllm"] {
            let result = try await runCLI(["agent", "--hub", "http://127.0.0.1:1", "--executor", executor], within: 30)
            #expect(result.status != 0)
            #expect(result.output.contains("No executor named"), "\(result.output)")
            for name in ExecutorNames.all { #expect(result.output.contains(name), "\(result.output) misses \(name)") }
        }
    }
}
