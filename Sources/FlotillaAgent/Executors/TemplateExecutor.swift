import Foundation
public import FlotillaCore

/// A CLI agent run from an argv template with `{prompt}`, `{workdir}` and `{model}`, with presets
/// for the one-shot modes of Codex (`codex-exec`: `codex exec`), aider (`--message`) and Gemini CLI
/// (`gemini-prompt`: `--prompt`), where nothing can be approved; `codex` and `gemini` themselves
/// are driven over their protocols (``CodexAppServerExecutor``, ``GeminiACPExecutor``). `cmd`
/// takes the template from the configuration.
public struct TemplateExecutor: Executor {
    public let name: String
    public let isLLM = true
    public let template: [String]
    public let settings: LLMSettings

    public init(name: String, template: [String], settings: LLMSettings) {
        self.name = name
        self.template = template
        self.settings = settings
    }

    /// The tool a preset runs (`codex` for `codex-exec`), for the environment it keeps.
    var tool: String { name.split(separator: "-").first.map(String.init) ?? name }

    /// The template's first word: the CLI it runs.
    public var program: String? { template.first }

    /// The preset for `codex-exec`, `aider` or `gemini-prompt`, or the configured template for `cmd`.
    public static func preset(_ name: String, settings: LLMSettings) throws -> TemplateExecutor {
        // The prompt is user text: each preset passes it where the CLI cannot read it as an
        // option (after `--`, or glued to its option as `--opt=PROMPT`), so a prompt starting
        // with '-' stays text. A `cmd` template is the operator's to write the same way.
        var template: [String]
        var tail: [String] = []
        switch name {
        case "codex-exec":
            template = [settings.binary ?? "codex", "exec", "--skip-git-repo-check"]
            if settings.model != nil { template += ["--model", "{model}"] }
            if settings.autoApprove { template.append("--full-auto") }
            tail = ["--", "{prompt}"]
        case "aider":
            template = [settings.binary ?? "aider", "--message={prompt}", "--no-auto-commits", "--no-stream", "--no-pretty"]
            if settings.model != nil { template += ["--model", "{model}"] }
            if settings.autoApprove { template.append("--yes-always") }
        case "gemini-prompt":
            template = [settings.binary ?? "gemini", "--prompt={prompt}"]
            if settings.model != nil { template += ["--model", "{model}"] }
            if settings.autoApprove { template.append("--yolo") }
        case "cmd":
            guard !settings.commandTemplate.isEmpty else {
                throw AgentError(.badConfiguration, "The cmd executor needs a command template (--command-template 'tool --flag {prompt}').")
            }
            template = settings.commandTemplate
        default:
            throw AgentError(.badConfiguration, "No CLI preset named '\(name)' (presets: codex-exec, aider, gemini-prompt, cmd). Known executors: \(ExecutorNames.listed).")
        }
        return TemplateExecutor(name: name, template: template + settings.extraArguments + tail, settings: settings)
    }

    /// The template with its placeholders filled in; each argument stays one argument, so a
    /// prompt with spaces, quotes or `$` reaches the tool unchanged.
    public func argv(prompt: String, workdir: String) -> [String] {
        template.map { argument in
            // The prompt goes in last so braces in its text (`{model}`) stay text.
            argument
                .replacingOccurrences(of: "{workdir}", with: workdir)
                .replacingOccurrences(of: "{model}", with: settings.model ?? "")
                .replacingOccurrences(of: "{prompt}", with: prompt)
        }
    }

    public func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
        var spec = ProcessSpec(
            argv: argv(prompt: request.prompt, workdir: request.workingDirectory),
            environment: settings.environment,
            workingDirectory: request.workingDirectory,
            timeout: request.timeout
        )
        // The tool's own key and settings, nothing else of the agent's (ChildEnvironment).
        spec.passing = ChildEnvironment.needs(ofExecutor: tool)
        spec.output = request.output
        let outcome = try await ProcessRunner.run(spec, stop: stop) { _, line in progress(nil, line) }
        var result = ExecutionOutcome(process: outcome, timeout: request.timeout)
        // Codex's subscription limit is not the task's failure: the runner releases the attempt.
        if tool == "codex", !result.succeeded, outcome.stopped == nil, let resets = UsageLimitNotice.codexReset(in: outcome.combinedTail, now: Timestamp.now()) {
            result.usageLimitUntil = resets
        }
        return result
    }
}
