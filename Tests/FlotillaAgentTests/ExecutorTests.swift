import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

@Suite struct ExecutorTests {
    @Test func shellCommandReportsExitCodeAndKeepsOnlyTheTail() async throws {
        let workdir = Paths.temporaryDirectory()
        let runner = AttemptRunner.testing([ShellExecutor(tailBytes: 1000)], workdir: workdir)
        let assignment = Assignment.make(["type": "testing.run", "payload": ["command": "seq 1 5000; echo \"$GREETING from $(pwd)\"; exit 3", "env": ["GREETING": "hello"]]])
        let report = await runner.run(assignment, stop: StopSignal()) { _, _ in }
        guard case .fail(let error, let retryable, let result)? = report else { throw TestFailure("expected fail, got \(String(describing: report))") }
        #expect(error == "exit code 3")
        #expect(retryable)
        #expect(result?["exit_code"] == 3)
        let tail = result?["output_tail"]?.stringValue ?? ""
        #expect(tail.utf8.count <= 1000)
        #expect(tail.hasSuffix("hello from \(workdir)\n"))
        #expect(!tail.contains("\n1\n2\n"))
        #expect(result?["summary"] == .string("hello from \(workdir)"))
    }

    @Test func argvRunsWithoutAShellAndCwdIsRelativeToTheWorkspace() async throws {
        let workdir = Paths.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: workdir + "/sub", withIntermediateDirectories: true)
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: workdir)
        let report = await runner.run(Assignment.make(["payload": ["argv": ["/bin/echo", "$HOME `x`"], "cwd": "sub"]]), stop: StopSignal()) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        #expect(result["output_tail"] == "$HOME `x`\n")
        #expect(result["status"] == "succeeded")
    }

    @Test func aTaskWithoutACommandFailsWithoutRetry() async throws {
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory())
        for payload: JSONValue in [[:], ["argv": []], ["argv": [1, 2]], ["command": "true", "env": "A=B"]] {
            let report = await runner.run(Assignment.make(["payload": payload]), stop: StopSignal()) { _, _ in }
            guard case .fail(let error, let retryable, let result)? = report else { throw TestFailure("expected fail for \(payload.jsonString)") }
            #expect(!retryable, "\(payload.jsonString)")
            #expect(result?["error_code"] == "bad_task")
            #expect(error.contains("payload"))
        }
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let workdir = Paths.temporaryDirectory()
        let pidFile = workdir + "/grandchild.pid"
        // The grandchild ignores nothing special: it dies only if the group is signalled.
        let spec = ProcessSpec(argv: ["/bin/sh", "-c", "sleep 60 & echo $! > \(pidFile); wait"], timeout: .milliseconds(300))
        let outcome = try await ProcessRunner.run(spec)
        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        let grandchild = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await eventually("the backgrounded sleep is gone", within: 5) { kill(grandchild, 0) != 0 }
    }

    @Test func aStopSignalKillsTheRunAndIsReported() async throws {
        let stop = StopSignal()
        let started = Mutex(false)
        async let outcome = ProcessRunner.run(ProcessSpec(argv: ["/bin/sh", "-c", "echo started; exec sleep 60"]), stop: stop) { _, line in
            if line == "started" { started.withLock { $0 = true } }
        }
        try await eventually("the process started") { started.withLock { $0 } }
        stop.fire(.cancelled)
        let result = try await outcome
        #expect(result.stopped == .cancelled)
        #expect(result.signal == SIGTERM)
    }

    @Test func missingProgramIsAnExecutorError() async throws {
        await #expect(throws: AgentError.self) {
            _ = try await ProcessRunner.run(ProcessSpec(argv: ["/nonexistent/tool"]))
        }
    }

    @Test func commandTemplatesKeepEachArgumentWhole() throws {
        #expect(CommandLineWords.split(#"tool --msg "a b" 'c "d"' e\ f {prompt}"#) == ["tool", "--msg", "a b", #"c "d""#, "e f", "{prompt}"])
        let cmd = try TemplateExecutor.preset("cmd", settings: LLMSettings(model: "m1", commandTemplate: ["tool", "--model={model}", "--dir", "{workdir}", "{prompt}"]))
        #expect(cmd.argv(prompt: "fix `it` $now", workdir: "/w") == ["tool", "--model=m1", "--dir", "/w", "fix `it` $now"])
        let codex = try TemplateExecutor.preset("codex-exec", settings: LLMSettings(model: "o4", autoApprove: true))
        #expect(codex.argv(prompt: "p", workdir: "/w") == ["codex", "exec", "--skip-git-repo-check", "--model", "o4", "--full-auto", "--", "p"])
        let aider = try TemplateExecutor.preset("aider", settings: LLMSettings())
        #expect(aider.argv(prompt: "p", workdir: "/w") == ["aider", "--message=p", "--no-auto-commits", "--no-stream", "--no-pretty"])
        let gemini = try TemplateExecutor.preset("gemini-prompt", settings: LLMSettings(autoApprove: true))
        #expect(gemini.argv(prompt: "p", workdir: "/w") == ["gemini", "--prompt=p", "--yolo"])
        #expect(throws: AgentError.self) { try TemplateExecutor.preset("cmd", settings: LLMSettings()) }
        #expect(throws: AgentError.self) { try TemplateExecutor.preset("cursor", settings: LLMSettings()) }
    }

    @Test func complexityPicksTheExecutor() throws {
        let router = ExecutorRouter(executors: [ShellExecutor(), ClaudeExecutor(settings: LLMSettings())])
        #expect(try router.executor(for: .make(["complexity": "trivial", "prompt": "p"])).name == "shell")
        #expect(try router.executor(for: .make(["complexity": "standard", "payload": ["command": "x"]])).name == "claude")
        #expect(try router.executor(for: .make(["complexity": "complex"])).name == "claude")
        #expect(try router.executor(for: .make(["payload": ["command": "x"]])).name == "shell")
        #expect(try router.executor(for: .make(["prompt": "write docs"])).name == "claude")
        #expect(try router.executor(for: .make(["payload": ["executor": "claude", "command": "x"]])).name == "claude")
        #expect(throws: AgentError.self) { try router.executor(for: .make(["payload": ["executor": "codex"]])) }
        let shellOnly = ExecutorRouter(executors: [ShellExecutor()])
        #expect(try shellOnly.executor(for: .make(["complexity": "complex", "payload": ["command": "x"]])).name == "shell")
    }

    @Test func generatedAgentIDsAreStablePerHostNameAndWorkdir() {
        let one = AgentConfiguration.generatedID(name: "testing", host: "ci-7.example.com", workdir: "/srv/a")
        #expect(one == AgentConfiguration.generatedID(name: "testing", host: "ci-7.example.com", workdir: "/srv/a"))
        #expect(one.hasPrefix("testing-ci-7-"))
        #expect(one != AgentConfiguration.generatedID(name: "testing", host: "ci-7.example.com", workdir: "/srv/b"))
        #expect(one != AgentConfiguration.generatedID(name: "review", host: "ci-7.example.com", workdir: "/srv/a"))
    }
}
