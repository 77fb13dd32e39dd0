public import FlotillaCore
import Foundation

/// An API key: kept out of every description, log line, result and error by its type (the
/// only way to its text is ``value``, read where the request's header is made).
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init?(_ value: String) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.value = trimmed
    }

    public var description: String { SecretRedactor.marker }
    public var debugDescription: String { SecretRedactor.marker }
}

/// How a model executor talks to its server and runs its loop: the agent's flags, with the
/// environment's defaults, and some of them overridden per task by its payload.
public struct ModelSettings: Sendable, Hashable {
    public var dialect: ModelDialect
    /// The model's name on the server (`--model`, payload `model`); required by both dialects.
    public var model: String?
    public var baseURL: String
    public var apiKey: APIKey?
    public var temperature: Double?
    /// Model calls at most per run; a model still calling tools after that fails the attempt.
    public var maxTurns: Int
    /// US dollars per million input / output tokens, for the attempt's cost.
    public var priceIn: Double
    public var priceOut: Double

    public static let defaultMaxTurns = 30

    public init(dialect: ModelDialect, model: String? = nil, baseURL: String, apiKey: APIKey? = nil, temperature: Double? = nil, maxTurns: Int = defaultMaxTurns, priceIn: Double = 0, priceOut: Double = 0) {
        self.dialect = dialect
        self.model = model
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.temperature = temperature
        self.maxTurns = maxTurns
        self.priceIn = priceIn
        self.priceOut = priceOut
    }

    /// The settings from the agent's flags over the environment's defaults. `apiKeyFile` beats
    /// `OPENAI_API_KEY` (the openai dialect's variable; Ollama has none, a proxy in front of it
    /// may want the file's key).
    public static func resolve(
        dialect: ModelDialect, model: String?, baseURL: String?, apiKeyFile: String?, temperature: Double?,
        maxTurns: Int?, priceIn: Double?, priceOut: Double?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ModelSettings {
        var key: APIKey?
        if let apiKeyFile {
            guard let text = try? String(contentsOfFile: apiKeyFile, encoding: .utf8) else {
                throw AgentError(.badConfiguration, "Cannot read the API key file \(apiKeyFile).")
            }
            guard let read = APIKey(text) else { throw AgentError(.badConfiguration, "The API key file \(apiKeyFile) is empty.") }
            key = read
        } else if dialect == .openai, let value = environment["OPENAI_API_KEY"] {
            key = APIKey(value)
        }
        let settings = ModelSettings(
            dialect: dialect, model: model, baseURL: baseURL ?? dialect.defaultBaseURL(environment: environment), apiKey: key,
            temperature: temperature, maxTurns: maxTurns ?? defaultMaxTurns, priceIn: priceIn ?? 0, priceOut: priceOut ?? 0
        )
        try settings.check(field: "--")
        return settings
    }

    /// Refuses values no server takes, naming the flag (`--max-turns`) or payload field.
    func check(field prefix: String) throws {
        func name(_ flag: String) -> String { prefix == "--" ? "--" + flag : "payload." + flag.replacingOccurrences(of: "-", with: "_") }
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw AgentError(prefix == "--" ? .badConfiguration : .badTask, "\(name("base-url")) must be an http(s) URL with a host, not '\(baseURL)'.")
        }
        guard (1...1000).contains(maxTurns) else {
            throw AgentError(prefix == "--" ? .badConfiguration : .badTask, "\(name("max-turns")) must be between 1 and 1000.")
        }
        if let temperature, !(0...2).contains(temperature) {
            throw AgentError(prefix == "--" ? .badConfiguration : .badTask, "\(name("temperature")) must be between 0 and 2.")
        }
        guard priceIn >= 0, priceOut >= 0, priceIn.isFinite, priceOut.isFinite else {
            throw AgentError(.badConfiguration, "--price-in and --price-out cannot be negative.")
        }
    }

    /// The settings for one task: its payload may choose `model`, `temperature`, `max_turns`
    /// and `base_url`. Prices stay the agent's (a task must not set what its budget is charged).
    /// A task's `base_url` other than the agent's is sent no API key: the agent's key goes
    /// only to the server its operator chose.
    public func overridden(by payload: JSONValue) throws -> ModelSettings {
        var settings = self
        if let value = payload["model"] {
            guard let model = value.stringValue, !model.isEmpty else { throw AgentError(.badTask, "'payload.model' must be a non-empty string.") }
            settings.model = model
        }
        if let value = payload["temperature"] {
            guard let temperature = value.doubleValue else { throw AgentError(.badTask, "'payload.temperature' must be a number.") }
            settings.temperature = temperature
        }
        if let value = payload["max_turns"] {
            guard let turns = value.intValue else { throw AgentError(.badTask, "'payload.max_turns' must be an integer.") }
            settings.maxTurns = Int(clamping: turns)
        }
        if let value = payload["base_url"] {
            guard let url = value.stringValue else { throw AgentError(.badTask, "'payload.base_url' must be a string.") }
            if url != baseURL { settings.apiKey = nil }
            settings.baseURL = url
        }
        try settings.check(field: "payload")
        guard settings.model != nil else {
            throw AgentError(.badTask, "No model to run: start the agent with --model NAME or give 'payload.model'.")
        }
        return settings
    }

    /// What `usage` costs at these prices.
    public func cost(of usage: TokenUsage) -> Cost {
        Cost(tokensIn: usage.input, tokensOut: usage.output, usd: (Double(usage.input) * priceIn + Double(usage.output) * priceOut) / 1_000_000, cachedTokens: usage.cached)
    }
}
