import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// Strings from a task (its id, repo and prompt) never reach outside the agent's workdir and are
/// never read as options by git or an agent CLI, even when an assignment did not pass the hub's
/// checks.
@Suite struct UntrustedStringsTests {
    @Test func aTraversingTaskIDNeverTouchesADirectoryOutsideTheWorkdir() async throws {
        let (work, _) = try makeRepository()
        let base = Paths.temporaryDirectory("escape")
        let agentDir = base + "/agent"
        // Where `<agent>/worktrees/../../victim/proj-a1` lands: a directory of the user's.
        let victim = base + "/victim/proj-a1"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        try "keep me".write(toFile: victim + "/precious.txt", atomically: true, encoding: .utf8)
        let manager = WorkspaceManager(root: agentDir)
        let error = await #expect(throws: AgentError.self) {
            try await manager.prepare(repo: work, key: AttemptKey(taskID: "../../victim/proj", attempt: 1))
        }
        #expect(error?.code == .badTask)
        #expect(error?.message.contains("will not make a worktree") == true)
        #expect(try String(contentsOfFile: victim + "/precious.txt", encoding: .utf8) == "keep me")
        #expect(try git(work, "branch", "--list", "flotilla/*") == "")
    }

    @Test func aRepoStartingWithADashIsRefusedBeforeGitRuns() async throws {
        let agentDir = Paths.temporaryDirectory("dash-repo")
        let mark = agentDir + "/pwned"
        let manager = WorkspaceManager(root: agentDir)
        let error = await #expect(throws: AgentError.self) {
            try await manager.prepare(repo: "--upload-pack=touch \(mark);false @x.git", key: AttemptKey(taskID: "t-dash", attempt: 1))
        }
        #expect(error?.code == .badTask)
        #expect(error?.message.contains("starts with '-'") == true)
        #expect(!FileManager.default.fileExists(atPath: mark))
        #expect(!FileManager.default.fileExists(atPath: agentDir + "/repos"))
    }

    @Test func aPromptStartingWithADashReachesClaudeAsThePrompt() async throws {
        let workdir = Paths.temporaryDirectory()
        let log = workdir + "/claude-args.log"
        var settings = LLMSettings(binary: Paths.fakeClaude)
        settings.environment = ["FAKE_CLAUDE_LOG": log]
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: settings)], workdir: workdir)
        let prompt = "--dangerously-skip-permissions -rf FAKE_WRITE:notes.txt=hello"
        let report = await runner.run(.make(["type": "code.generate", "prompt": .string(prompt)]), stop: StopSignal()) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        #expect(result["summary"] == "Done: notes.txt")
        #expect(try String(contentsOfFile: workdir + "/notes.txt", encoding: .utf8) == "hello\n")
        let argv = try JSONValue.parse(String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").last.map(String.init) ?? "")
        let words = argv.arrayValue?.compactMap(\.stringValue) ?? []
        // On stdin as the user message, never an argument.
        #expect(words.last == "<stdin>:" + prompt)
        #expect(!words.contains(prompt))
        #expect(words.filter { $0 == "--dangerously-skip-permissions" }.isEmpty)
    }

    @Test func cliPresetsPassAPromptWhereItCannotBeAnOption() throws {
        let prompt = "--help {model}"
        let codex = try TemplateExecutor.preset("codex-exec", settings: LLMSettings(model: "o4", extraArguments: ["--json"]))
        #expect(codex.argv(prompt: prompt, workdir: "/w") == ["codex", "exec", "--skip-git-repo-check", "--model", "o4", "--json", "--", "--help {model}"])
        let aider = try TemplateExecutor.preset("aider", settings: LLMSettings())
        #expect(aider.argv(prompt: prompt, workdir: "/w") == ["aider", "--message=--help {model}", "--no-auto-commits", "--no-stream", "--no-pretty"])
        let gemini = try TemplateExecutor.preset("gemini-prompt", settings: LLMSettings())
        #expect(gemini.argv(prompt: prompt, workdir: "/w") == ["gemini", "--prompt=--help {model}"])
        let claude = ClaudeExecutor(settings: LLMSettings(extraArguments: ["--max-turns", "3"])).arguments(prompt: "-x", resume: nil)
        #expect(claude == ["claude", "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose", "--permission-prompt-tool", "stdio", "--max-turns", "3"])
        let bypass = ClaudeExecutor(settings: LLMSettings(autoApprove: true, extraArguments: ["--max-turns", "3"])).arguments(prompt: "-x", resume: nil)
        #expect(bypass == ["claude", "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--max-turns", "3", "--", "-x"])
    }
}
