import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// The model executors end to end: a real hub, a real `flotilla agent --executor openai|ollama`
/// process, and the fake model server of Fixtures (the public wire formats, scripted turns).
@Suite(.serialized) struct ModelExecutorTests {
    static func agent(_ served: ServedHub, server: FakeModelServer, workdir: String = Paths.temporaryDirectory(), extra: [String] = [], environment: [String: String] = [:]) throws -> AgentProcess {
        try AgentProcess([
            "--agent-id", "model-" + UUID().uuidString.prefix(6).lowercased(), "--workdir", workdir,
            "--executor", "shell,\(server.dialect)", "--model", "fake-model", "--base-url", server.baseURL,
            "--price-in", "2", "--price-out", "10",
        ] + extra, hub: served.baseURL, token: served.adminToken, environment: environment)
    }

    static func ended(_ client: HubClient, _ id: String, within seconds: Double = 60) async throws -> JSONValue {
        try await eventually("task \(id) ends", within: seconds) {
            ["succeeded", "dead", "failed", "cancelled"].contains(try await client.state(of: id) ?? "")
        }
        return try await client.task(id)
    }

    /// Files under `directory` whose bytes contain `text`.
    static func filesContaining(_ text: String, under directory: String) -> [String] {
        let needle = Data(text.utf8)
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        return files.filter { name in
            FileManager.default.contents(atPath: directory + "/" + name)?.range(of: needle) != nil
        }
    }

    /// The last message of the `index`th request the server got (the tool result it was sent).
    static func lastMessage(_ server: FakeModelServer, _ index: Int) -> JSONValue? {
        server.requests()[index]["body"]?["messages"]?.arrayValue?.last
    }

    @Test(arguments: ["openai", "ollama"])
    func aFiveTurnLoopEditsAFileRunsTheTestAndSucceeds(dialect: String) async throws {
        let key = "fake-key-\(UUID().uuidString)"
        let repo = try makeRepository()
        try "add() { echo $(($1 - $2)); }\n".write(toFile: repo.work + "/calc.sh", atomically: true, encoding: .utf8)
        try #". ./calc.sh; if [ "$(add 2 3)" = 5 ]; then echo PASS; else echo FAIL; exit 1; fi"#.write(toFile: repo.work + "/test.sh", atomically: true, encoding: .utf8)
        try git(repo.work, "add", ".")
        try git(repo.work, "commit", "--quiet", "-m", "calc with a bug")
        let turns: [JSONValue] = [
            FakeModelServer.turn("Let me look at the files.", tools: [("list_files", [:])], input: 300, output: 20, cached: 100),
            FakeModelServer.turn(tools: [("read_file", ["path": "calc.sh"])], input: 400, output: 15),
            FakeModelServer.turn("The sign is wrong.", tools: [("replace_in_file", ["path": "calc.sh", "old": "$1 - $2", "new": "$1 + $2"])], input: 500, output: 30),
            FakeModelServer.turn(tools: [("run_command", ["command": "sh test.sh; env"])], input: 600, output: 10),
            FakeModelServer.turn("Fixed add in calc.sh: it subtracted. sh test.sh passes.", input: 700, output: 25, cached: 300),
        ]
        let server = try await FakeModelServer(dialect: dialect, turns: turns, apiKey: dialect == "openai" ? key : nil)
        defer { server.stop() }
        let keyFile = Paths.temporaryDirectory("key") + "/key"
        try (key + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(dataDirectory: data) { served, client in
            // The key is in the agent's environment as well as its file: the tools' commands must not see it.
            // openai reads its key from the file; ollama has none, and must not send OPENAI_API_KEY.
            let agent = try Self.agent(served, server: server, extra: dialect == "openai" ? ["--api-key-file", keyFile] : [], environment: ["OPENAI_API_KEY": key])
            defer { agent.stop() }
            let submitted = try await client.submit([
                "type": "code.generate", "prompt": "Fix add in calc.sh so that sh test.sh passes.", "complexity": "standard",
                "repo": .string(repo.work), "max_attempts": 1, "verify": ["sh test.sh"],
            ])
            let id = try #require(submitted["id"]?.stringValue)
            let task = try await Self.ended(client, id)
            let result = try #require(task["result"])
            #expect(task["state"] == "succeeded", "\(task.jsonString)\n\(agent.log.suffix(3000))")
            #expect(result["executor"] == .string(dialect))
            #expect(result["summary"] == "Fixed add in calc.sh: it subtracted. sh test.sh passes.")
            #expect(result["num_turns"] == 5)
            #expect(result["tool_calls"] == 4)
            #expect(result["changed"] == true)
            #expect(result["verification"]?["passed"] == true)
            // Usage adds up: each turn's tokens at $2 / $10 per million.
            #expect(result["cost"]?["tokens_in"] == 2500)
            #expect(result["cost"]?["tokens_out"] == 100)
            let usd = try #require(result["cost"]?["usd"]?.doubleValue)
            #expect(abs(usd - (2500 * 2.0 + 100 * 10.0) / 1_000_000) < 1e-12)
            #expect(result["usage"]?["cached_tokens"] == .int(dialect == "openai" ? 400 : 0))
            #expect(result["cost"]?["cached_tokens"] == .int(dialect == "openai" ? 400 : 0))
            // The hub's cost ledger, fed call by call while the loop ran, holds the same figure.
            let ledger = try await client.costs(query: ["by": "executor"])
            let line = ledger["totals"]?.arrayValue?.first { $0["key"] == .string(dialect) }
            #expect(line?["input_tokens"] == 2500 && line?["output_tokens"] == 100, "\(ledger.jsonString)")
            #expect(abs((line?["usd"]?.doubleValue ?? 0) - usd) < 1e-9, "\(ledger.jsonString)")
            // What the model was told after each tool.
            let requests = server.requests()
            #expect(requests.count == 5)
            #expect(Self.lastMessage(server, 2)?["content"]?.stringValue?.contains("$1 - $2") == true)
            #expect(Self.lastMessage(server, 3)?["content"]?.stringValue?.hasPrefix("replaced 1 occurrence") == true)
            let testRun = try #require(Self.lastMessage(server, 4)?["content"]?.stringValue)
            #expect(testRun.hasPrefix("exit code 0\nPASS"))
            #expect(Self.lastMessage(server, 4)?["role"] == "tool")
            if dialect == "openai" {
                #expect(Self.lastMessage(server, 4)?["tool_call_id"] == "call_fake3_0")
                #expect(requests.allSatisfy { $0["body"]?["stream_options"]?["include_usage"] == true })
                #expect(requests.allSatisfy { $0["headers"]?["Authorization"]?.stringValue == "Bearer " + key })
                #expect(requests.allSatisfy { $0["path"] == "/v1/chat/completions" })
            } else {
                #expect(Self.lastMessage(server, 4)?["tool_name"] == "run_command")
                #expect(requests.allSatisfy { $0["path"] == "/api/chat" && $0["headers"]?["Authorization"] == nil })
            }
            #expect(requests.allSatisfy { $0["body"]?["model"] == "fake-model" && $0["body"]?["stream"] == true })
            // The model's text and the tools it ran were streamed as the attempt's output.
            let output = try await client.taskOutput(id)["text"]?.stringValue ?? ""
            #expect(output.contains("Let me look at the files.\n"))
            #expect(output.contains("[tool] run_command sh test.sh; env"))
            #expect(output.contains("Fixed add in calc.sh"))
            // The key went to the server in its header and nowhere else: not to the tools'
            // commands (`env`), the task, its result, its output or the agent's log.
            #expect(!testRun.contains(key))
            #expect(!task.jsonString.contains(key))
            #expect(!output.contains(key))
            #expect(!agent.log.contains(key))
            // Nor anything the hub keeps: its database (events, attempts, results) and output logs.
            await served.hub.engine.flushOutput()
            #expect(Self.filesContaining(key, under: data).isEmpty)
        }
    }

    @Test func maxTurnsStopsAModelThatNeverFinishes() async throws {
        let server = try await FakeModelServer(dialect: "openai", turns: [FakeModelServer.turn("again", tools: [("git_status", [:])], input: 50, output: 5)], repeatLast: true)
        defer { server.stop() }
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served, server: server, extra: ["--max-turns", "50"])
            defer { agent.stop() }
            let submitted = try await client.submit([
                "type": "code.generate", "prompt": "Never stop.", "complexity": "standard", "max_attempts": 1, "payload": ["max_turns": 3],
            ])
            let id = try #require(submitted["id"]?.stringValue)
            let task = try await Self.ended(client, id)
            #expect(task["state"] == "dead", "\(task.jsonString)")
            let result = try #require(task["result"])
            #expect(result["error_code"] == "max_turns_exceeded")
            #expect(result["error"]?.stringValue?.contains("max_turns (3)") == true)
            #expect(result["num_turns"] == 3)
            #expect(result["cost"]?["tokens_in"] == 150)
            #expect(server.requests().count == 3)
        }
    }

    @Test func toolCallsOutsideTheWorktreeAreRefusedAndTheModelIsTold() async throws {
        let root = Paths.temporaryDirectory("escape")
        let workdir = root + "/work", outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "top secret\n".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: workdir + "/escape", withDestinationPath: outside)
        let server = try await FakeModelServer(dialect: "ollama", turns: [
            FakeModelServer.turn(tools: [("read_file", ["path": "../outside/secret.txt"])]),
            FakeModelServer.turn(tools: [("read_file", ["path": .string(outside + "/secret.txt")])]),
            FakeModelServer.turn(tools: [("write_file", ["path": "escape/planted.txt", "content": "x"])]),
            FakeModelServer.turn("Those paths are outside my worktree; nothing read."),
        ])
        defer { server.stop() }
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served, server: server, workdir: workdir)
            defer { agent.stop() }
            let submitted = try await client.submit(["type": "code.generate", "prompt": "Read the secret.", "complexity": "standard", "max_attempts": 1])
            let id = try #require(submitted["id"]?.stringValue)
            let task = try await Self.ended(client, id)
            #expect(task["state"] == "succeeded", "\(task.jsonString)\n\(agent.log.suffix(2000))")
            #expect(task["result"]?["tool_errors"] == 3)
            #expect(server.requests().count == 4)
            for index in 1...3 {
                let told = try #require(Self.lastMessage(server, index))
                #expect(told["role"] == "tool")
                let text = told["content"]?.stringValue ?? ""
                #expect(text.hasPrefix("error: ") && text.contains("outside the worktree"), "\(text)")
                #expect(!text.contains("top secret"))
            }
            #expect(!FileManager.default.fileExists(atPath: outside + "/planted.txt"))
        }
    }

    @Test func aServerThatRefusesTheKeyFailsTheAttemptWithoutNamingIt() async throws {
        let server = try await FakeModelServer(dialect: "openai", turns: [FakeModelServer.turn("never")], apiKey: "sk-the-right-one")
        defer { server.stop() }
        let wrong = "wrong-key-\(UUID().uuidString)"
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served, server: server, environment: ["OPENAI_API_KEY": wrong])
            defer { agent.stop() }
            let submitted = try await client.submit(["type": "code.generate", "prompt": "Hello.", "complexity": "standard", "max_attempts": 1])
            let id = try #require(submitted["id"]?.stringValue)
            let task = try await Self.ended(client, id)
            #expect(task["state"] == "dead")
            #expect(task["result"]?["error_code"] == "model_failed")
            #expect(task["result"]?["error"]?.stringValue?.contains("401") == true)
            #expect(task["result"]?["error"]?.stringValue?.contains("Incorrect API key") == true)
            #expect(server.requests().first?["headers"]?["Authorization"]?.stringValue == "Bearer " + wrong)
            #expect(!task.jsonString.contains(wrong))
            #expect(!agent.log.contains(wrong))
        }
    }
}
