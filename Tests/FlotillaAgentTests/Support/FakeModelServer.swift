import FlotillaCore
import Foundation

/// The fake model server of Fixtures/fake-model-server.py, run as a process for one test: an
/// OpenAI-compatible or Ollama server answering from a script and recording every request.
final class FakeModelServer: Sendable {
    let process: Process
    let dialect: String
    let port: Int
    let recordPath: String

    /// One scripted turn: text, tool calls (name, arguments) and the usage the server reports.
    static func turn(_ text: String = "", tools: [(String, JSONValue)] = [], input: Int = 100, output: Int = 20, cached: Int = 0) -> JSONValue {
        [
            "text": .string(text),
            "tool_calls": .array(tools.map { ["name": .string($0.0), "arguments": $0.1] }),
            "usage": ["input": .int(Int64(input)), "output": .int(Int64(output)), "cached": .int(Int64(cached))],
        ]
    }

    init(dialect: String, turns: [JSONValue], repeatLast: Bool = false, apiKey: String? = nil) async throws {
        let folder = Paths.temporaryDirectory("fake-model")
        let script = folder + "/script.json"
        try (["turns": .array(turns), "repeat_last": .bool(repeatLast)] as JSONValue).jsonString.write(toFile: script, atomically: true, encoding: .utf8)
        recordPath = folder + "/requests.jsonl"
        FileManager.default.createFile(atPath: recordPath, contents: nil)
        let portFile = folder + "/port"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.fixtures + "/fake-model-server.py", "--dialect", dialect, "--script", script,
                             "--record", recordPath, "--port-file", portFile] + (apiKey.map { ["--api-key", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.dialect = dialect
        try await eventually("the fake model server writes its port", within: 15) { FileManager.default.fileExists(atPath: portFile) }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) ?? 0
    }

    /// The base URL as each dialect's clients take it (OpenAI's includes `/v1`).
    var baseURL: String { dialect == "openai" ? "http://127.0.0.1:\(port)/v1" : "http://127.0.0.1:\(port)" }

    /// Every request so far: `{"path", "headers", "body"}`.
    func requests() -> [JSONValue] {
        let text = (try? String(contentsOfFile: recordPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
    }

    /// The raw record, for searching for a secret.
    var recordText: String { (try? String(contentsOfFile: recordPath, encoding: .utf8)) ?? "" }

    func stop() {
        // SIGKILL: a child of the test process inherits its blocked SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
