import ArgumentParser
import FlotillaAgent
import FlotillaCore

/// `flotilla bench agent-loop`: the model executors' loop overhead per turn, without a model
/// (an in-process transport answers at once). Issue 24's bar: ≤ 5 ms a turn.
struct AgentLoopBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-loop",
        abstract: "Measure the model executors' tool loop per turn, excluding the model.",
        discussion: "Each turn encodes the conversation, decodes a streamed reply (text and a read_file call), runs the tool and records it. Build with -c release for meaningful figures."
    )

    @Option(help: "openai or ollama: the wire format decoded.") var dialect = "openai"
    @Option(help: "Model turns per run (the conversation grows each turn).") var turns = 50
    @Option(help: "Runs.") var runs = 5
    @Flag(help: "Print the figures as JSON.") var json = false

    func run() async throws {
        guard let dialect = ModelDialect(rawValue: dialect) else { throw ValidationError("--dialect must be openai or ollama.") }
        let report = try await AgentLoopBenchmark(dialect: dialect, turns: turns, runs: runs).run()
        print(json ? report.json.jsonString : report.text)
    }
}
