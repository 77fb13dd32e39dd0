import ArgumentParser
import FlotillaAgent
import FlotillaCore

/// `flotilla agent`'s flags for the model executors (openai, ollama) and for routing
/// (docs/models.md). `--model` is the agent's, shared with the CLI agents.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("openai/ollama: the server's base URL (default OPENAI_BASE_URL or https://api.openai.com/v1; OLLAMA_HOST or http://127.0.0.1:11434).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("openai/ollama: read the API key from this file (default for openai: OPENAI_API_KEY). Never logged nor stored.", valueName: "path"))
    var apiKeyFile: String?

    @Option(help: "openai/ollama: sampling temperature, 0-2 (default: the server's).")
    var temperature: Double?

    @Option(help: "openai/ollama: model calls at most per run (default 30); a model still calling tools then fails the attempt (max_turns_exceeded).")
    var maxTurns: Int?

    @Option(help: ArgumentHelp("openai/ollama: US dollars per million input tokens, for the attempt's cost (default 0).", valueName: "usd"))
    var priceIn: Double?

    @Option(help: ArgumentHelp("openai/ollama: US dollars per million output tokens (default 0).", valueName: "usd"))
    var priceOut: Double?

    @Option(help: ArgumentHelp("Executor per complexity over the default (trivial → shell, standard → first model executor, complex → first CLI agent), e.g. standard=ollama,complex=claude.", valueName: "complexity=executor[,…]"))
    var route: String?

    /// The settings of a model executor of `dialect`, the flags over the environment's defaults.
    func settings(_ dialect: ModelDialect, model: String?) throws -> ModelSettings {
        if model == nil {
            Console.printError("warning: executor \(dialect.rawValue) has no --model: each of its tasks must name one (payload.model), or fails with bad_task")
        }
        return try ModelSettings.resolve(
            dialect: dialect, model: model, baseURL: baseURL, apiKeyFile: apiKeyFile, temperature: temperature,
            maxTurns: maxTurns, priceIn: priceIn, priceOut: priceOut
        )
    }
}
