@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// Answers from a script and keeps the questions: the executor's side of ``ApprovalAsking``
/// alone (the hub's real broker answers in ClaudeApprovalsTests).
final class ScriptedApprovals: ApprovalAsking {
    let answer: @Sendable (ApprovalQuestion) -> ApprovalAnswer
    let asked = Mutex<[ApprovalQuestion]>([])

    init(_ answer: @escaping @Sendable (ApprovalQuestion) -> ApprovalAnswer) {
        self.answer = answer
    }

    func ask(_ q: ApprovalQuestion) async -> ApprovalAnswer {
        asked.withLock { $0.append(q) }
        return answer(q)
    }
}

/// The claude executor's stdio permission prompts against the fake `claude`, which speaks
/// Claude Code's SDK control protocol when given `--input-format stream-json`.
@Suite struct ClaudeStdioPermissionTests {
    static let settings = LLMSettings(binary: Paths.fakeClaude)

    static func run(_ prompt: String, settings: LLMSettings = settings, approvals: (any ApprovalAsking)?, workdir: String) async throws -> ExecutionOutcome {
        let request = ExecutionRequest(
            assignment: .make(["type": "code.generate", "prompt": .string(prompt)], taskID: "t-ask"),
            prompt: prompt, workingDirectory: workdir, timeout: .seconds(60), fixRound: nil, resumeSession: nil,
            approvals: approvals
        )
        return try await ClaudeExecutor(settings: settings).execute(request, stop: StopSignal()) { _, _ in }
    }

    static func workspace() throws -> String {
        let workdir = Paths.temporaryDirectory("claude-stdio")
        try FileManager.default.createDirectory(atPath: workdir + "/build", withIntermediateDirectories: true)
        return workdir
    }

    static let askRemove = #"Clean up. FAKE_ASK:{"tool":"Bash","input":{"command":"rm -rf build","description":"Remove build"}}"#

    @Test func theDefaultRunAsksOnStdioAndBypassKeepsThePromptAsAnArgument() {
        let asking = ClaudeExecutor(settings: LLMSettings(binary: "claude", model: "m", permissionMode: "acceptEdits"))
        #expect(asking.asksPermission)
        #expect(asking.arguments(prompt: "-rf p", resume: "s-1") == [
            "claude", "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
            "--permission-prompt-tool", "stdio", "--resume", "s-1", "--model", "m", "--permission-mode", "acceptEdits",
        ], "the prompt is not on the command line: it goes on stdin")
        for settings in [LLMSettings(binary: "claude", autoApprove: true), LLMSettings(binary: "claude", permissionMode: "bypassPermissions")] {
            let bypass = ClaudeExecutor(settings: settings)
            #expect(!bypass.asksPermission)
            let argv = bypass.arguments(prompt: "p", resume: nil)
            #expect(!argv.contains("--permission-prompt-tool") && !argv.contains("--input-format"))
            #expect(argv.suffix(2) == ["--", "p"])
        }
    }

    @Test(.timeLimit(.minutes(1))) func aDenyReachesClaudesNextTurnWithItsReason() async throws {
        let workdir = try Self.workspace()
        let approvals = ScriptedApprovals { _ in ApprovalAnswer(allowed: false, reason: "keep the build directory", choice: nil, approvalID: "apr_0123456789abcdef") }
        let outcome = try await Self.run(Self.askRemove, approvals: approvals, workdir: workdir)
        #expect(outcome.succeeded, "\(outcome)")
        #expect(outcome.summary.contains("denied Bash: Permission denied: keep the build directory"), "\(outcome.summary)")
        #expect(FileManager.default.fileExists(atPath: workdir + "/build"))
        let asked = approvals.asked.withLock { $0 }
        #expect(asked.count == 1)
        let question = try #require(asked.first)
        #expect(question.source == .claudeStdio)
        #expect(question.taskID == "t-ask")
        #expect(question.attempt == 1)
        #expect(question.tool == "Bash")
        #expect(question.subject == "Bash(rm -rf build)")
        #expect(question.detail == "rm -rf build")
        #expect(question.input == ["command": "rm -rf build", "description": "Remove build"])
        #expect(!question.readOnly)
        #expect(question.choices.isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func anAllowRunsTheCallWithItsInput() async throws {
        let workdir = try Self.workspace()
        let approvals = ScriptedApprovals { _ in ApprovalAnswer(allowed: true, reason: nil, choice: nil, approvalID: nil) }
        let outcome = try await Self.run(Self.askRemove, approvals: approvals, workdir: workdir)
        #expect(outcome.succeeded, "\(outcome)")
        #expect(outcome.summary.contains("allowed Bash"), "\(outcome.summary)")
        #expect(!FileManager.default.fileExists(atPath: workdir + "/build"), "the fake ran the allowed command")
    }

    @Test(.timeLimit(.minutes(1))) func withoutAHubTheRequestIsDeniedAndUnknownControlRequestsGetAnError() async throws {
        let workdir = try Self.workspace()
        let outcome = try await Self.run("FAKE_CONTROL:elicitation " + Self.askRemove, approvals: nil, workdir: workdir)
        #expect(outcome.succeeded, "\(outcome)")
        #expect(outcome.summary.contains("control elicitation: error Flotilla does not handle the control request 'elicitation'."), "\(outcome.summary)")
        #expect(outcome.summary.contains("denied Bash: Not allowed: this agent has no hub to ask for approval"), "\(outcome.summary)")
        #expect(FileManager.default.fileExists(atPath: workdir + "/build"))
    }

    @Test(.timeLimit(.minutes(1))) func bypassPermissionsAsksNobody() async throws {
        let workdir = try Self.workspace()
        let approvals = ScriptedApprovals { _ in ApprovalAnswer(allowed: false, reason: "no", choice: nil, approvalID: nil) }
        let outcome = try await Self.run(Self.askRemove, settings: LLMSettings(binary: Paths.fakeClaude, permissionMode: "bypassPermissions"), approvals: approvals, workdir: workdir)
        #expect(outcome.summary.contains("allowed Bash"), "\(outcome.summary)")
        #expect(approvals.asked.withLock { $0 }.isEmpty)
    }

    @Test func controlMessagesHaveClaudeCodesShapes() throws {
        let line = #"{"type":"control_request","request_id":"r-1","request":{"subtype":"can_use_tool","tool_name":"Edit","input":{"file_path":"a.swift","old_string":"let a = 1\nlet b = 2","new_string":"let a = 3"},"tool_use_id":"toolu_1","permission_suggestions":[]}}"#
        let request = try #require(ClaudeControlProtocol.request(in: line))
        #expect(request.requestID == "r-1" && request.subtype == "can_use_tool" && request.toolName == "Edit")
        #expect(ClaudeControlProtocol.request(in: #"{"type":"assistant","message":{}}"#) == nil)
        #expect(try JSONValue.parse(ClaudeControlProtocol.allow(request)) == [
            "type": "control_response",
            "response": ["subtype": "success", "request_id": "r-1", "response": ["behavior": "allow", "updatedInput": request.input]],
        ])
        #expect(try JSONValue.parse(ClaudeControlProtocol.deny(request, message: "no")) == [
            "type": "control_response",
            "response": ["subtype": "success", "request_id": "r-1", "response": ["behavior": "deny", "message": "no"]],
        ])
        #expect(try JSONValue.parse(ClaudeControlProtocol.error(request, message: "unknown")) == [
            "type": "control_response", "response": ["subtype": "error", "request_id": "r-1", "error": "unknown"],
        ])
        #expect(try JSONValue.parse(ClaudeControlProtocol.userMessage("fix it")) == ["type": "user", "message": ["role": "user", "content": "fix it"]])
        #expect(ClaudeControlProtocol.isResult(#"{"type":"result","subtype":"success","result":"x"}"#))
        #expect(!ClaudeControlProtocol.isResult(#"{"type":"assistant","message":{"content":[{"type":"text","text":"\"result\""}]}}"#))

        let question = ClaudeControlProtocol.question(for: request, taskID: "t", attempt: 2)
        #expect(question.source == .claudeStdio && question.taskID == "t" && question.attempt == 2)
        #expect(question.subject == "Edit(a.swift)")
        #expect(question.detail.hasPrefix("a.swift\n") && question.detail.contains("let b = 2") && question.detail.contains("let a = 3"))
        #expect(question.input == request.input)
        #expect(!question.readOnly)
    }
}
