import Foundation

/// The two wire protocols the model executors speak: `openai` (chat completions, served by
/// OpenAI, OpenRouter, vLLM, llama.cpp's server, LM Studio…) and `ollama` (its native
/// `/api/chat`). The executor's name is the dialect's.
public enum ModelDialect: String, Sendable, Hashable, CaseIterable {
    case openai
    case ollama

    /// The URL a conversation turn is posted to, under `base`.
    public func endpoint(base: String) -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        switch self {
        case .openai: return trimmed + "/chat/completions"
        case .ollama: return trimmed + "/api/chat"
        }
    }

    /// The base URL when neither the agent nor the task gives one, read from the environment
    /// the way the provider's own client reads it: `OPENAI_BASE_URL` (default
    /// `https://api.openai.com/v1`), `OLLAMA_HOST` (default `http://127.0.0.1:11434`).
    public func defaultBaseURL(environment: [String: String]) -> String {
        switch self {
        case .openai:
            guard let value = environment["OPENAI_BASE_URL"], !value.isEmpty else { return "https://api.openai.com/v1" }
            return value
        case .ollama:
            return Self.ollamaHost(environment["OLLAMA_HOST"])
        }
    }

    /// `OLLAMA_HOST` as Ollama's clients read it: a bare `host`, `host:port` or a URL; http and
    /// port 11434 unless given (443 for https); the listen-anywhere `0.0.0.0` means this machine.
    static func ollamaHost(_ value: String?) -> String {
        guard var text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return "http://127.0.0.1:11434" }
        var scheme = "http"
        if let range = text.range(of: "://") {
            scheme = String(text[..<range.lowerBound]).lowercased()
            text = String(text[range.upperBound...])
        }
        var path = ""
        if let slash = text.firstIndex(of: "/") {
            path = String(text[slash...])
            text = String(text[..<slash])
        }
        var host = text, port: String?
        if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") {
            host = String(text[..<colon])
            port = String(text[text.index(after: colon)...])
        }
        if host.isEmpty || host == "0.0.0.0" { host = "127.0.0.1" }
        let chosenPort = port ?? (scheme == "https" ? "443" : "11434")
        return "\(scheme)://\(host):\(chosenPort)" + (path == "/" ? "" : path)
    }
}
