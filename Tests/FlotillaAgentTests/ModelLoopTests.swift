@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// The model executors' pure parts: the two wire decoders, the loop's bookkeeping, path
/// confinement, settings and routing (no I/O).
@Suite struct ModelLoopTests {
    @Test func openAIStreamFragmentsMakeOneToolCallAndUsage() throws {
        var decoder = OpenAIStreamDecoder()
        let lines = [
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            "",
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"content":"Look"},"finish_reason":null}]}"#,
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\"pa"}}]},"finish_reason":null}]}"#,
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"th\":\"a.txt\"}"}}]},"finish_reason":null}]}"#,
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":7,"total_tokens":37,"prompt_tokens_details":{"cached_tokens":12}}}"#,
            ": keep-alive comment",
            "data: [DONE]",
        ]
        var streamed = ""
        for line in lines { streamed += try decoder.consume(line[...]) ?? "" }
        let reply = try decoder.reply()
        #expect(streamed == "Look")
        #expect(reply.text == "Look")
        #expect(reply.toolCalls == [ToolCall(id: "call_1", name: "read_file", arguments: ["path": "a.txt"], rawArguments: #"{"path":"a.txt"}"#)])
        #expect(reply.usage == TokenUsage(input: 30, output: 7, cached: 12))
        #expect(reply.finishReason == "tool_calls")
        #expect(reply.model == "gpt-x")
    }

    @Test func openAIErrorsAndTruncatedStreamsAreModelErrors() {
        var decoder = OpenAIStreamDecoder()
        #expect(throws: ModelCallError.self) { try decoder.consume(#"data: {"error":{"message":"overloaded"}}"#) }
        let cut = OpenAIStreamDecoder()
        #expect(throws: ModelCallError.self) { try cut.reply() }
    }

    @Test func ollamaLinesMakeToolCallsWithObjectArgumentsAndCounts() throws {
        var decoder = OllamaStreamDecoder()
        let lines = [
            #"{"model":"qwen3","created_at":"2025-05-27T22:54:57Z","message":{"role":"assistant","content":"Hi "},"done":false}"#,
            #"{"model":"qwen3","created_at":"2025-05-27T22:54:57Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"run_command","arguments":{"command":"ls"}}}]},"done":false}"#,
            #"{"model":"qwen3","created_at":"2025-05-27T22:54:58Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":26,"eval_count":9}"#,
        ]
        var streamed = ""
        for line in lines { streamed += try decoder.consume(line[...]) ?? "" }
        let reply = try decoder.reply()
        #expect(streamed == "Hi ")
        #expect(reply.toolCalls.map(\.name) == ["run_command"])
        #expect(reply.toolCalls.first?.arguments == ["command": "ls"])
        #expect(reply.usage == TokenUsage(input: 26, output: 9))
        var failing = OllamaStreamDecoder()
        #expect(throws: ModelCallError.self) { try failing.consume(#"{"error":"model 'x' not found"}"#) }
    }

    @Test func requestBodiesFollowEachDialect() {
        let settings = ModelSettings(dialect: .openai, model: "m", baseURL: "http://h/v1", temperature: 0.2)
        let call = ToolCall(id: "call_9", name: "read_file", arguments: ["path": "a"], rawArguments: #"{"path":"a"}"#)
        let messages = [
            ChatMessage(role: .user, content: "do it"),
            ChatMessage(role: .assistant, content: "", toolCalls: [call]),
            ChatMessage(role: .tool, content: "text", toolCallID: "call_9", toolName: "read_file"),
        ]
        let openai = ModelDialect.openai.requestBody(settings: settings, messages: messages, tools: WorktreeTools.definitions)
        #expect(openai["stream"] == true)
        #expect(openai["stream_options"]?["include_usage"] == true)
        #expect(openai["temperature"] == 0.2)
        #expect(openai["messages"]?.arrayValue?[1]["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == #"{"path":"a"}"#)
        #expect(openai["messages"]?.arrayValue?[1]["content"] == .null)
        #expect(openai["messages"]?.arrayValue?[2]["tool_call_id"] == "call_9")
        #expect(openai["tools"]?.arrayValue?.first?["type"] == "function")
        var ollamaSettings = settings
        ollamaSettings.dialect = .ollama
        let ollama = ModelDialect.ollama.requestBody(settings: ollamaSettings, messages: messages, tools: WorktreeTools.definitions)
        #expect(ollama["options"]?["temperature"] == 0.2)
        #expect(ollama["stream_options"] == nil)
        #expect(ollama["messages"]?.arrayValue?[1]["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == ["path": "a"])
        #expect(ollama["messages"]?.arrayValue?[2]["tool_name"] == "read_file")
        #expect(ModelDialect.openai.endpoint(base: "http://h/v1/") == "http://h/v1/chat/completions")
        #expect(ModelDialect.ollama.endpoint(base: "http://h:11434") == "http://h:11434/api/chat")
    }

    @Test func loopStateCountsTurnsUsageAndStopsAtMaxTurns() {
        var state = LoopState(system: "s", prompt: "p", maxTurns: 2)
        let call = ToolCall(id: "", name: "git_status", arguments: [:])
        #expect(state.record(ModelReply(text: "a", toolCalls: [call, call], usage: TokenUsage(input: 10, output: 2))) == .runTools([
            ToolCall(id: "call_1_0", name: "git_status", arguments: [:]), ToolCall(id: "call_1_1", name: "git_status", arguments: [:]),
        ]))
        state.record(result: ToolOutcome(text: "error: no", isError: true), of: call)
        #expect(state.toolErrors == 1)
        #expect(state.record(ModelReply(toolCalls: [call], usage: TokenUsage(input: 20, output: 3, cached: 5))) == .outOfTurns)
        #expect(state.usage == TokenUsage(input: 30, output: 5, cached: 5))
        #expect(state.turns == 2)
        var done = LoopState(system: "s", prompt: "p", maxTurns: 2)
        #expect(done.record(ModelReply(text: " All done.\n")) == .finished(answer: "All done."))
        #expect(done.messages.map(\.role) == [.system, .user, .assistant])
    }

    @Test func confinementRefusesDotDotAbsoluteAndLinksOut() throws {
        // A filesystem of its own: /w is the worktree, /w/out links to /etc, /w/in to /w/src.
        let links = ["/w": "/w", "/w/src": "/w/src", "/w/src/a.txt": "/w/src/a.txt", "/w/out": "/etc", "/w/in": "/w/src", "/etc": "/etc", "/": "/"]
        let confinement = PathConfinement(root: "/w") { path in
            if let hit = links[path] { return hit }
            if path.hasPrefix("/w/in/") { return "/w/src/" + path.dropFirst(6) }
            return nil
        }
        #expect(try confinement.resolve("src/a.txt").get() == "/w/src/a.txt")
        #expect(try confinement.resolve("/w/src/../src/a.txt").get() == "/w/src/a.txt")
        #expect(try confinement.resolve("new/dir/file").get() == "/w/new/dir/file")
        #expect(try confinement.resolve("in/a.txt").get() == "/w/src/a.txt")
        for outside in ["../x", "src/../../x", "/etc/passwd", "out/passwd", "out/new-file", ""] {
            guard case .failure(let refusal) = confinement.resolve(outside) else {
                Issue.record("'\(outside)' was allowed")
                continue
            }
            #expect(!refusal.message.isEmpty)
        }
    }

    @Test func settingsTakeTaskOverridesButNeverSendTheKeyElsewhere() throws {
        let key = try #require(APIKey("sk-secret-123"))
        let settings = ModelSettings(dialect: .openai, model: "m", baseURL: "https://api.example/v1", apiKey: key, maxTurns: 5, priceIn: 2, priceOut: 8)
        #expect("\(settings)".contains("sk-secret-123") == false)
        #expect(String(reflecting: settings).contains("sk-secret-123") == false)
        let same = try settings.overridden(by: ["model": "m2", "max_turns": 3, "temperature": 0.5])
        #expect(same.model == "m2" && same.maxTurns == 3 && same.temperature == 0.5 && same.apiKey == key)
        let elsewhere = try settings.overridden(by: ["base_url": "https://evil.example/v1"])
        #expect(elsewhere.apiKey == nil)
        #expect(throws: AgentError.self) { try settings.overridden(by: ["max_turns": 0]) }
        #expect(throws: AgentError.self) { try settings.overridden(by: ["base_url": "file:///etc"]) }
        var noModel = settings
        noModel.model = nil
        #expect(throws: AgentError.self) { try noModel.overridden(by: [:]) }
        #expect(settings.cost(of: TokenUsage(input: 1_000_000, output: 500_000)) == Cost(tokensIn: 1_000_000, tokensOut: 500_000, usd: 6))
        #expect(ModelExecutor.scrub("echo sk-secret-123 back", key: key) == "echo [redacted] back")
    }

    @Test func environmentDefaultsAreTheProvidersOwn() throws {
        #expect(ModelDialect.openai.defaultBaseURL(environment: [:]) == "https://api.openai.com/v1")
        #expect(ModelDialect.openai.defaultBaseURL(environment: ["OPENAI_BASE_URL": "http://vllm:8000/v1"]) == "http://vllm:8000/v1")
        #expect(ModelDialect.ollama.defaultBaseURL(environment: [:]) == "http://127.0.0.1:11434")
        #expect(ModelDialect.ollamaHost("0.0.0.0") == "http://127.0.0.1:11434")
        #expect(ModelDialect.ollamaHost("gpu-box:9000") == "http://gpu-box:9000")
        #expect(ModelDialect.ollamaHost("https://ollama.example") == "https://ollama.example:443")
        let settings = try ModelSettings.resolve(dialect: .openai, model: "m", baseURL: nil, apiKeyFile: nil, temperature: nil, maxTurns: nil,
                                                 priceIn: nil, priceOut: nil, environment: ["OPENAI_API_KEY": "sk-env"])
        #expect(settings.apiKey?.value == "sk-env")
        #expect(settings.maxTurns == ModelSettings.defaultMaxTurns)
        let ollama = try ModelSettings.resolve(dialect: .ollama, model: "m", baseURL: nil, apiKeyFile: nil, temperature: nil, maxTurns: nil,
                                               priceIn: nil, priceOut: nil, environment: ["OPENAI_API_KEY": "sk-env"])
        #expect(ollama.apiKey == nil)
    }

    struct Named: Executor {
        let name: String
        let isLLM: Bool
        let kind: ExecutorKind
        func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
            ExecutionOutcome(succeeded: true, summary: "", outputTail: "", exitCode: 0, error: nil)
        }
    }

    @Test func routingSendsStandardToTheModelAndComplexToTheCLIAgent() throws {
        let executors: [any Executor] = [
            Named(name: "claude", isLLM: true, kind: .cliAgent), Named(name: "shell", isLLM: false, kind: .shell),
            Named(name: "ollama", isLLM: true, kind: .model), Named(name: "openai", isLLM: true, kind: .model),
        ]
        let router = ExecutorRouter(executors: executors)
        func pick(_ complexity: String, _ extra: [String: JSONValue] = [:]) throws -> String {
            var task: [String: JSONValue] = ["prompt": "p", "complexity": .string(complexity)]
            task.merge(extra) { _, new in new }
            return try router.executor(for: .make(.object(task))).name
        }
        #expect(try pick("trivial") == "shell")
        #expect(try pick("standard") == "ollama")
        #expect(try pick("complex") == "claude")
        #expect(try pick("complex", ["payload": ["executor": "openai"]]) == "openai")
        let routed = ExecutorRouter(executors: executors, routes: try ExecutorRouter.parseRoutes("standard=openai, complex=ollama", executors: executors.map(\.name)))
        #expect(try routed.executor(for: .make(["prompt": "p", "complexity": "standard"])).name == "openai")
        #expect(try routed.executor(for: .make(["prompt": "p", "complexity": "complex"])).name == "ollama")
        #expect(throws: AgentError.self) { try ExecutorRouter.parseRoutes("standard=codex", executors: executors.map(\.name)) }
        #expect(throws: AgentError.self) { try ExecutorRouter.parseRoutes("easy=shell", executors: executors.map(\.name)) }
        // Without a model executor, standard falls back to the CLI agent.
        let noModel = ExecutorRouter(executors: [executors[1], executors[0]])
        #expect(try noModel.executor(for: .make(["prompt": "p", "complexity": "standard"])).name == "claude")
    }
}
