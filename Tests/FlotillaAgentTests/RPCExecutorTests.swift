@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// The codex (app-server) and gemini (ACP) executors against the fakes in Fixtures, which speak
/// the documented protocols and act on the answers they get: a real child process, real stdio.
/// The hub's approvals queue is in RPCApprovalsTests; here the answers come from a scripted
/// ``ApprovalAsking`` (or none at all).
@Suite struct RPCExecutorTests {
    static let fakeCodex = Paths.fixtures + "/fake-codex"
    static let fakeGemini = Paths.fixtures + "/fake-gemini"

    /// Answers every question with `answer`, keeping what was asked.
    final class ScriptedApprovals: ApprovalAsking {
        let answer: @Sendable (ApprovalQuestion) -> ApprovalAnswer
        let asked = Mutex<[ApprovalQuestion]>([])
        init(_ answer: @escaping @Sendable (ApprovalQuestion) -> ApprovalAnswer) { self.answer = answer }
        func ask(_ q: ApprovalQuestion) async -> ApprovalAnswer {
            asked.withLock { $0.append(q) }
            return answer(q)
        }
        var questions: [ApprovalQuestion] { asked.withLock { $0 } }
    }

    /// A working directory with a `build/` to delete, and the script for the fake.
    static func workspace(_ actions: [JSONValue]) throws -> (directory: String, script: String, log: String) {
        let directory = Paths.temporaryDirectory("rpc")
        try FileManager.default.createDirectory(atPath: directory + "/build", withIntermediateDirectories: true)
        try "x".write(toFile: directory + "/build/out.o", atomically: true, encoding: .utf8)
        let script = Paths.temporaryDirectory("rpc-script") + "/script.json"
        try JSONValue.object(["actions": .array(actions)]).jsonString.write(toFile: script, atomically: true, encoding: .utf8)
        // The fake's log sits outside the workspace, in a folder of its own: `directory/..` was
        // the temporary directory itself, one /tmp/fake.log that every test running in parallel
        // appended to (and that grew across runs), so a test's `contains` could read another's.
        return (directory, script, Paths.temporaryDirectory("rpc-log") + "/fake.log")
    }

    /// One run of `executor` in `directory`, asking `approvals` (none: nobody can answer).
    static func run(_ executor: any Executor, in directory: String, approvals: ScriptedApprovals? = nil, output: AttemptOutput? = nil, prompt: String = "clean the build") async throws -> ExecutionOutcome {
        var request = ExecutionRequest(assignment: .make(["type": "code.generate", "prompt": .string(prompt)]), prompt: prompt, workingDirectory: directory, timeout: .seconds(60))
        request.approvals = approvals
        request.output = output
        return try await executor.execute(request, stop: StopSignal()) { _, _ in }
    }

    static func settings(_ binary: String, script: String, log: String, autoApprove: Bool = false, variable: String) -> LLMSettings {
        LLMSettings(binary: binary, model: "m-test", autoApprove: autoApprove, environment: ["FAKE_\(variable)_SCRIPT": script, "FAKE_\(variable)_LOG": log])
    }

    static let cleanUp: [JSONValue] = [
        ["type": "message", "text": "Cleaning the build."],
        ["type": "command", "command": "rm -rf build"],
        ["type": "usage", "input": 1000, "output": 200, "cached": 100],
    ]

    @Test func codexAskedAndDeniedDoesNotRunTheCommandAndSaysSo() async throws {
        let (directory, script, log) = try Self.workspace(Self.cleanUp)
        let approvals = ScriptedApprovals { _ in .denied("not today") }
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        let output = AttemptOutput()
        let result = try await Self.run(executor, in: directory, approvals: approvals, output: output)
        #expect(result.succeeded, "\(String(describing: result.error))")
        #expect(result.summary == "Done. rm -rf build: decline")
        #expect(FileManager.default.fileExists(atPath: directory + "/build/out.o"))
        let asked = try #require(approvals.questions.first)
        #expect(asked.source == .codexAppServer && asked.subject == "Bash(rm -rf build)" && asked.tool == "Bash")
        #expect(asked.taskID != nil && asked.attempt == 1)
        #expect(result.details["approvals"] == ["Bash(rm -rf build): denied"])
        #expect(result.details["session_id"]?.stringValue?.hasPrefix("thr_fake_") == true)
        #expect(result.cost == Cost(tokensIn: 1000, tokensOut: 200, cachedTokens: 100))
        let sent = try String(contentsOfFile: log, encoding: .utf8)
        #expect(sent.contains(#""approvalPolicy": "untrusted""#) && sent.contains(#""sandbox": "workspace-write""#))
        #expect(sent.contains(#""model": "m-test""#))
        #expect(sent.contains(#""argv": ["app-server"]"#))
        // The live output reads as text: the agent's words, not JSON-RPC.
        var streamed = ""
        while let frame = output.take() { streamed += frame }
        #expect(streamed.hasPrefix("codex thread thr_fake_"), "\(streamed)")
        #expect(streamed.contains("\nCleaning the build.\ntool: Bash rm -rf build\napproval asked: Bash(rm -rf build)\n"), "\(streamed)")
        #expect(streamed.hasSuffix("Done. rm -rf build: decline\n"), "\(streamed)")
        #expect(!streamed.contains("jsonrpc") && !streamed.contains("{\""), "\(streamed)")
    }

    @Test func codexAllowedRunsTheCommandAndWritesTheFile() async throws {
        let (directory, script, log) = try Self.workspace(Self.cleanUp + [["type": "edit", "path": "notes.txt", "content": "hello\n"]])
        let approvals = ScriptedApprovals { _ in ApprovalAnswer(allowed: true) }
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        let result = try await Self.run(executor, in: directory, approvals: approvals)
        #expect(result.succeeded, "\(String(describing: result.error))")
        #expect(result.summary == "Done. rm -rf build: accept; notes.txt: accept")
        #expect(!FileManager.default.fileExists(atPath: directory + "/build"))
        #expect(try String(contentsOfFile: directory + "/notes.txt", encoding: .utf8) == "hello\n")
        let edit = try #require(approvals.questions.last)
        #expect(edit.subject == "Edit(notes.txt)" && edit.detail.contains("+hello"))
    }

    @Test func aMessageLongerThanAnOutputLineArrivesWhole() async throws {
        let long = String(repeating: "0123456789", count: 20_000)
        let (directory, script, log) = try Self.workspace([["type": "message", "text": .string(long)]])
        let executor = GeminiACPExecutor(settings: Self.settings(Self.fakeGemini, script: script, log: log, variable: "GEMINI"))
        let codex = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        for run in [executor as any Executor, codex] {
            let result = try await Self.run(run, in: directory)
            #expect(result.succeeded, "\(String(describing: result.error))")
        }
    }

    @Test func codexAutoApproveAsksNothing() async throws {
        let (directory, script, log) = try Self.workspace(Self.cleanUp)
        let approvals = ScriptedApprovals { _ in .denied("should not be asked") }
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, autoApprove: true, variable: "CODEX"))
        let result = try await Self.run(executor, in: directory, approvals: approvals)
        #expect(result.succeeded, "\(String(describing: result.error))")
        #expect(result.summary == "Done. nothing asked")
        #expect(approvals.questions.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/build"))
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains(#""approvalPolicy": "never""#))
    }

    @Test func withoutABrokerNothingCanBeApprovedSoItIsDenied() async throws {
        let (directory, script, log) = try Self.workspace(Self.cleanUp)
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        let result = try await Self.run(executor, in: directory)
        #expect(result.succeeded, "\(String(describing: result.error))")
        #expect(result.summary == "Done. rm -rf build: decline")
        #expect(FileManager.default.fileExists(atPath: directory + "/build/out.o"))
    }

    @Test func aLineThatIsNotJSONRPCFailsTheAttemptInsteadOfHanging() async throws {
        for (binary, variable) in [(Self.fakeCodex, "CODEX"), (Self.fakeGemini, "GEMINI")] {
            let (directory, script, log) = try Self.workspace([["type": "message", "text": "hi"], ["type": "garbage"]])
            let settings = Self.settings(binary, script: script, log: log, variable: variable)
            let executor: any Executor = variable == "CODEX" ? CodexAppServerExecutor(settings: settings) : GeminiACPExecutor(settings: settings)
            let started = ContinuousClock.now
            let result = try await Self.run(executor, in: directory)
            #expect(!result.succeeded)
            let error = result.error ?? ""
            #expect(error.contains("broke its JSON-RPC protocol") && error.contains("not JSON"), "\(error)")
            #expect(result.details["error_code"] == "executor_protocol")
            // Hanging would last the request's 60 s timeout; this takes a second alone, and
            // took 11 s on a loaded machine, so the bar sits between the two.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    /// Never answers; gives up only when its task is cancelled (as the runtime's broker does).
    final class SilentApprovals: ApprovalAsking {
        let asked = Mutex(0)
        func ask(_ q: ApprovalQuestion) async -> ApprovalAnswer {
            asked.withLock { $0 += 1 }
            _ = await OneShot<Bool>().wait()
            return .denied("gave up")
        }
    }

    @Test func stoppingTheAttemptWhileAPersonDecidesEndsTheChildAtOnce() async throws {
        let (directory, script, log) = try Self.workspace(Self.cleanUp)
        let approvals = SilentApprovals()
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        var request = ExecutionRequest(assignment: .make(["prompt": "clean"]), prompt: "clean", workingDirectory: directory, timeout: .seconds(60))
        request.approvals = approvals
        let stop = StopSignal()
        async let ran = executor.execute(request, stop: stop) { _, _ in }
        try await eventually("the question is asked") { approvals.asked.withLock { $0 } == 1 }
        // Timed from the stop, not from the start: starting the fake and reaching the question
        // took most of 12 s on a loaded machine. Waiting for the person would last the request's
        // 60 s timeout.
        let stopped = ContinuousClock.now
        stop.fire(.cancelled)
        let outcome = try await ran
        #expect(outcome.stopped == .cancelled && !outcome.succeeded)
        #expect(ContinuousClock.now - stopped < .seconds(20))
        #expect(FileManager.default.fileExists(atPath: directory + "/build/out.o"))
    }

    @Test func anExitInTheMiddleOfTheTurnIsAProtocolFailure() async throws {
        let (directory, script, log) = try Self.workspace([["type": "message", "text": "hi"], ["type": "exit"]])
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        let result = try await Self.run(executor, in: directory)
        #expect(!result.succeeded)
        #expect(result.error == "codex app-server exited before its turn ended (exit code 3)")
        #expect(result.details["error_code"] == "executor_protocol")
    }

    @Test func codexUsageLimitReleasesTheAttempt() async throws {
        let (directory, script, log) = try Self.workspace([["type": "fail", "message": "You've hit your usage limit. Try again in 20 minutes.", "info": "usageLimitExceeded"]])
        let executor = CodexAppServerExecutor(settings: Self.settings(Self.fakeCodex, script: script, log: log, variable: "CODEX"))
        let limited = Mutex<Double?>(nil)
        let runner = AttemptRunner.testing([executor], workdir: directory)
        let report = await runner.run(.make(["prompt": "go"]), stop: StopSignal(), usageLimit: { resets in limited.withLock { $0 = resets } }) { _, _ in }
        guard case .release(let reason)? = report else { throw TestFailure("expected release, got \(String(describing: report))") }
        #expect(reason?.contains("codex usage limit reached") == true)
        let resets = try #require(limited.withLock { $0 })
        #expect(abs(resets - (Timestamp.now() + 1200)) < 60)
    }

    @Test func geminiOptionsArePickedByTheAnswersChoice() async throws {
        let (directory, script, log) = try Self.workspace(Array(Self.cleanUp.dropLast()) + [
            ["type": "edit", "path": "notes.txt", "content": "hello"], ["type": "usage", "usd": 0.02],
        ])
        let approvals = ScriptedApprovals { q in
            q.tool == "Bash" ? ApprovalAnswer(allowed: true, choice: "proceed_always") : .denied("no edits")
        }
        let executor = GeminiACPExecutor(settings: Self.settings(Self.fakeGemini, script: script, log: log, variable: "GEMINI"))
        let result = try await Self.run(executor, in: directory, approvals: approvals)
        #expect(result.succeeded, "\(String(describing: result.error))")
        #expect(result.summary == "Done. rm -rf build: proceed_always; notes.txt: cancel")
        #expect(!FileManager.default.fileExists(atPath: directory + "/build"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/notes.txt"))
        let asked = approvals.questions
        #expect(asked.map(\.subject) == ["Bash(rm -rf build)", "Edit(notes.txt)"])
        #expect(asked.first?.source == .geminiACP)
        #expect(asked.first?.choices.map(\.key) == ["proceed_always", "proceed_once", "cancel"])
        #expect(asked.first?.choices.map(\.allows) == [true, true, false])
        #expect(result.cost == Cost(tokensIn: 1200, tokensOut: 300, usd: 0.02, cachedTokens: 200))
        #expect(result.details["stop_reason"] == "end_turn")
        let sent = try String(contentsOfFile: log, encoding: .utf8)
        #expect(sent.contains(#""argv": ["--acp", "--model", "m-test"]"#), "\(sent)")
        #expect(sent.contains(#""cwd": "\#(directory)""#))
    }

    @Test func geminiAutoApproveIsYoloAndAsksNothing() async throws {
        let (directory, script, log) = try Self.workspace(Array(Self.cleanUp.dropLast()))
        let approvals = ScriptedApprovals { _ in .denied("should not be asked") }
        let executor = GeminiACPExecutor(settings: Self.settings(Self.fakeGemini, script: script, log: log, autoApprove: true, variable: "GEMINI"))
        let result = try await Self.run(executor, in: directory, approvals: approvals)
        #expect(result.succeeded, "\(String(describing: result.error))")
        #expect(result.summary == "Done. nothing asked")
        #expect(approvals.questions.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/build"))
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("--yolo"))
    }

    @Test func theOneShotPresetsKeepTheirOldNames() throws {
        let codex = try TemplateExecutor.preset("codex-exec", settings: LLMSettings(autoApprove: true))
        #expect(codex.argv(prompt: "p", workdir: "/w") == ["codex", "exec", "--skip-git-repo-check", "--full-auto", "--", "p"])
        #expect(codex.tool == "codex")
        #expect(try TemplateExecutor.preset("gemini-prompt", settings: LLMSettings()).argv(prompt: "p", workdir: "/w") == ["gemini", "--prompt=p"])
        #expect(throws: AgentError.self) { try TemplateExecutor.preset("codex", settings: LLMSettings()) }
        #expect(ExecutorNames.all.contains("codex-exec") && ExecutorNames.all.contains("gemini-prompt"))
        #expect(GeminiACPExecutor(settings: LLMSettings(model: "g", autoApprove: true)).arguments() == ["gemini", "--acp", "--model", "g", "--yolo"])
        #expect(CodexAppServerExecutor(settings: LLMSettings(extraArguments: ["-c", "x=1"])).arguments() == ["codex", "app-server", "-c", "x=1"])
    }
}
