@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// The JSON-RPC codec and the two protocol state machines (codex app-server, ACP), without a
/// process: messages in the documented shapes go in, the effects come out.
@Suite struct RPCConversationTests {
    @Test func theCodecReadsTheFourShapesAndWritesWithOrWithoutTheVersion() throws {
        #expect(try JSONRPCMessage.parse(#"{"id":3,"method":"item/commandExecution/requestApproval","params":{"command":"ls"}}"#)
            == .request(id: 3, method: "item/commandExecution/requestApproval", params: ["command": "ls"]))
        #expect(try JSONRPCMessage.parse(#"{"jsonrpc":"2.0","method":"session/update","params":{}}"#) == .notification(method: "session/update", params: [:]))
        #expect(try JSONRPCMessage.parse(#"{"id":"a","result":{}}"#) == .response(id: "a", result: [:]))
        #expect(try JSONRPCMessage.parse(#"{"id":1,"error":{"code":-32600,"message":"no"}}"#) == .failure(id: 1, code: -32600, message: "no"))
        let request = JSONRPCMessage.request(id: 0, method: "initialize", params: ["a": 1])
        #expect(request.line(versioned: false) == #"{"id":0,"method":"initialize","params":{"a":1}}"#)
        #expect(request.line(versioned: true) == #"{"id":0,"jsonrpc":"2.0","method":"initialize","params":{"a":1}}"#)
        #expect(JSONRPCMessage.notification(method: "initialized", params: .null).line(versioned: false) == #"{"method":"initialized"}"#)
    }

    @Test func malformedLinesAreProtocolErrorsThatQuoteTheLine() {
        let broken = [
            "not json", "[1,2]", #"{"jsonrpc":"1.0","method":"x"}"#, #"{"id":1.5,"result":1}"#, #"{"method":""}"#,
            #"{"id":1}"#, #"{"result":1}"#, #"{"id":1,"result":1,"error":{"code":1,"message":"m"}}"#,
            #"{"id":1,"error":{"message":"m"}}"#, #"{"method":"m","params":3}"#,
        ]
        for line in broken {
            do {
                _ = try JSONRPCMessage.parse(line)
                Issue.record("\(line) was accepted")
            } catch {
                #expect(error.code == .executorProtocol)
                #expect(error.message.contains(String(line.prefix(20))), "\(error.message)")
            }
        }
    }

    static let codexSetup = CodexAppServerConversation.Setup(
        prompt: "clean up", workingDirectory: "/w/tree", model: "gpt-test", approvalPolicy: "untrusted", sandbox: "workspace-write",
        resumeThread: nil, taskID: "t1", attempt: 2
    )

    @Test func codexHandshakeOpensAThreadInTheWorktreeAndStartsTheTurn() throws {
        var codex = CodexAppServerConversation(Self.codexSetup)
        #expect(sent(codex.start()).map(\.method) == ["initialize"])
        let afterInit = try codex.consume(.response(id: 0, result: ["userAgent": "codex"]))
        #expect(sent(afterInit).map(\.method) == ["initialized", "thread/start"])
        let thread = try #require(sent(afterInit).last)
        #expect(thread.params["cwd"] == "/w/tree")
        #expect(thread.params["approvalPolicy"] == "untrusted")
        #expect(thread.params["sandbox"] == "workspace-write")
        #expect(thread.params["model"] == "gpt-test")
        let afterThread = try codex.consume(.response(id: 1, result: ["thread": ["id": "thr_1"]]))
        let turn = try #require(sent(afterThread).first)
        #expect(turn.method == "turn/start")
        #expect(turn.params["threadId"] == "thr_1")
        #expect(turn.params["input"] == [["type": "text", "text": "clean up"]])
        #expect(throws: AgentError.self) { try codex.consume(.failure(id: 2, code: -32600, message: "bad turn")) }
    }

    @Test func aCorrectiveRunResumesTheFirstRunsThread() throws {
        var setup = Self.codexSetup
        setup.resumeThread = "thr_first"
        var codex = CodexAppServerConversation(setup)
        _ = codex.start()
        let resumed = try #require(sent(try codex.consume(.response(id: 0, result: [:]))).last)
        #expect(resumed.method == "thread/resume" && resumed.params["threadId"] == "thr_first" && resumed.params["cwd"] == "/w/tree")
        let turn = try #require(sent(try codex.consume(.response(id: 1, result: ["thread": ["id": "thr_first"]]))).first)
        #expect(turn.method == "turn/start" && turn.params["threadId"] == "thr_first")
    }

    @Test func codexApprovalsBecomeClaudeStyleQuestionsAndDecisions() throws {
        var codex = CodexAppServerConversation(Self.codexSetup)
        let command = try codex.consume(.request(id: 7, method: "item/commandExecution/requestApproval", params: [
            "threadId": "thr_1", "turnId": "turn_1", "itemId": "call_1", "command": "rm -rf build", "cwd": "/w/tree", "reason": "clean",
        ]))
        let asked = try #require(asks(command).first)
        #expect(asked.question.source == .codexAppServer)
        #expect(asked.question.tool == "Bash")
        #expect(asked.question.subject == "Bash(rm -rf build)")
        #expect(asked.question.detail.hasPrefix("rm -rf build"))
        #expect(asked.question.taskID == "t1" && asked.question.attempt == 2)
        #expect(!asked.question.readOnly)
        #expect(codex.reply(to: asked, with: ApprovalAnswer(allowed: false, reason: "no", choice: nil, approvalID: nil)) == .response(id: 7, result: ["decision": "decline"]))
        #expect(codex.reply(to: asked, with: ApprovalAnswer(allowed: true, reason: nil, choice: nil, approvalID: nil)) == .response(id: 7, result: ["decision": "accept"]))

        _ = try codex.consume(.notification(method: "item/started", params: ["item": [
            "type": "fileChange", "id": "patch_1", "status": "inProgress",
            "changes": [["path": "/w/tree/src/a.swift", "kind": ["type": "update"], "diff": "-old\n+new\n"]],
        ]]))
        let patch = try #require(asks(try codex.consume(.request(id: "r2", method: "item/fileChange/requestApproval", params: ["itemId": "patch_1", "threadId": "thr_1", "turnId": "turn_1"]))).first)
        #expect(patch.question.subject == "Edit(src/a.swift)")
        #expect(patch.question.detail.contains("+new"))
        #expect(patch.question.input["changes"]?.arrayValue?.count == 1)

        let other = try codex.consume(.request(id: 9, method: "item/tool/requestUserInput", params: [:]))
        #expect(other == [.send(.failure(id: 9, code: JSONRPCMessage.methodNotFound, message: "flotilla does not serve item/tool/requestUserInput"))])
    }

    @Test func codexStreamsTextCountsUsageAsDeltasAndEndsWithTheTurn() throws {
        var codex = CodexAppServerConversation(Self.codexSetup)
        _ = codex.start()
        _ = try codex.consume(.response(id: 0, result: [:]))
        _ = try codex.consume(.response(id: 1, result: ["thread": ["id": "thr_9"]]))
        #expect(try codex.consume(.notification(method: "item/agentMessage/delta", params: ["itemId": "m1", "delta": "Hel"])) == [.text("Hel")])
        _ = try codex.consume(.notification(method: "item/agentMessage/delta", params: ["itemId": "m1", "delta": "lo"]))
        #expect(try codex.consume(.notification(method: "item/completed", params: ["item": ["type": "agentMessage", "id": "m1", "text": "Hello"]])) == [.text("\n")])
        func usage(_ input: Int64, _ output: Int64) -> JSONRPCMessage {
            .notification(method: "thread/tokenUsage/updated", params: ["tokenUsage": [
                "total": ["inputTokens": .int(input), "outputTokens": .int(output), "cachedInputTokens": 10, "totalTokens": .int(input + output)],
                "last": ["inputTokens": 1, "outputTokens": 1],
            ]])
        }
        #expect(try codex.consume(usage(100, 20)) == [.usage(Cost(tokensIn: 100, tokensOut: 20, cachedTokens: 10))])
        #expect(try codex.consume(usage(150, 30)) == [.usage(Cost(tokensIn: 50, tokensOut: 10, cachedTokens: 0))])
        #expect(try codex.consume(usage(150, 30)) == [])
        let end = try codex.consume(.notification(method: "turn/completed", params: ["turn": ["id": "turn_1", "status": "completed", "error": .null]]))
        guard case .finish(let finished)? = end.first else { throw TestFailure("no finish in \(end)") }
        #expect(finished.succeeded && finished.summary == "Hello")
        #expect(finished.details["session_id"] == "thr_9")
    }

    @Test func codexUsageLimitFailureCarriesTheResetTime() throws {
        var codex = CodexAppServerConversation(Self.codexSetup)
        let message = "You've hit your usage limit. Try again in 30 minutes."
        let end = try codex.consume(.notification(method: "turn/completed", params: ["turn": [
            "id": "turn_1", "status": "failed", "error": ["message": .string(message), "codexErrorInfo": "usageLimitExceeded"],
        ]]))
        guard case .finish(let finished)? = end.first else { throw TestFailure("no finish in \(end)") }
        #expect(!finished.succeeded)
        #expect(finished.error?.contains("usage limit") == true)
        let reset = try #require(finished.usageLimitUntil)
        #expect(abs(reset - (Timestamp.now() + 1800)) < 60)
    }

    static let acpSetup = ACPConversation.Setup(prompt: "fix it", workingDirectory: "/w/tree", taskID: "t2", attempt: 1)

    @Test func acpHandshakeIsVersionOneAndAPromptInTheWorktree() throws {
        var acp = ACPConversation(Self.acpSetup)
        let initialize = try #require(sent(acp.start()).first)
        #expect(initialize.method == "initialize" && initialize.params["protocolVersion"] == 1)
        #expect(initialize.params["clientCapabilities"]?["terminal"] == false)
        let new = try #require(sent(try acp.consume(.response(id: 0, result: ["protocolVersion": 1]))).first)
        #expect(new.method == "session/new" && new.params["cwd"] == "/w/tree" && new.params["mcpServers"] == [])
        let prompt = try #require(sent(try acp.consume(.response(id: 1, result: ["sessionId": "s1"]))).first)
        #expect(prompt.method == "session/prompt" && prompt.params["sessionId"] == "s1")
        #expect(prompt.params["prompt"] == [["type": "text", "text": "fix it"]])
        var other = ACPConversation(Self.acpSetup)
        _ = other.start()
        #expect(throws: AgentError.self) { try other.consume(.response(id: 0, result: ["protocolVersion": 2])) }
    }

    @Test func acpPermissionOptionsBecomeChoicesAndTheAnswerPicksOne() throws {
        var acp = ACPConversation(Self.acpSetup)
        _ = try acp.consume(.notification(method: "session/update", params: ["sessionId": "s1", "update": [
            "sessionUpdate": "tool_call", "toolCallId": "c1", "title": "rm -rf build", "kind": "execute", "status": "pending",
            "rawInput": ["command": "rm -rf build"],
        ]]))
        let options: JSONValue = [
            ["optionId": "proceed_always", "name": "Always Allow", "kind": "allow_always"],
            ["optionId": "proceed_once", "name": "Allow", "kind": "allow_once"],
            ["optionId": "cancel", "name": "Reject", "kind": "reject_once"],
        ]
        let effects = try acp.consume(.request(id: 5, method: "session/request_permission", params: ["sessionId": "s1", "toolCall": ["toolCallId": "c1"], "options": options]))
        let asked = try #require(asks(effects).first)
        #expect(asked.question.source == .geminiACP)
        #expect(asked.question.subject == "Bash(rm -rf build)")
        #expect(asked.question.choices == [
            ApprovalChoice(key: "proceed_always", label: "Always Allow", allows: true),
            ApprovalChoice(key: "proceed_once", label: "Allow", allows: true),
            ApprovalChoice(key: "cancel", label: "Reject", allows: false),
        ])
        func reply(_ allowed: Bool, _ choice: String?) -> JSONValue? {
            guard case .response(_, let result) = acp.reply(to: asked, with: ApprovalAnswer(allowed: allowed, reason: nil, choice: choice, approvalID: nil)) else { return nil }
            return result["outcome"]
        }
        #expect(reply(true, "proceed_always") == ["outcome": "selected", "optionId": "proceed_always"])
        #expect(reply(true, nil) == ["outcome": "selected", "optionId": "proceed_once"])
        #expect(reply(false, nil) == ["outcome": "selected", "optionId": "cancel"])
        // A choice that contradicts the decision is not taken: a deny never selects an allow.
        #expect(reply(false, "proceed_always") == ["outcome": "selected", "optionId": "cancel"])
        let onlyAllow = RPCApprovalRequest(id: 6, method: "session/request_permission", question: asked.question, context: [["optionId": "ok", "kind": "allow_once"]])
        #expect(acp.reply(to: onlyAllow, with: ApprovalAnswer(allowed: false, reason: nil, choice: nil, approvalID: nil)) == .response(id: 6, result: ["outcome": ["outcome": "cancelled"]]))
    }

    @Test func acpEditsAreAskedWithTheirDiffAndTheTurnEndsWithItsStopReason() throws {
        var acp = ACPConversation(Self.acpSetup)
        _ = acp.start()
        _ = try acp.consume(.response(id: 0, result: ["protocolVersion": 1]))
        _ = try acp.consume(.response(id: 1, result: ["sessionId": "s1"]))
        let call: JSONValue = [
            "toolCallId": "c2", "title": "Write notes.txt", "kind": "edit",
            "content": [["type": "diff", "path": "/w/tree/notes.txt", "oldText": .null, "newText": "hello"]],
            "locations": [["path": "/w/tree/notes.txt"]],
        ]
        let asked = try #require(asks(try acp.consume(.request(id: 8, method: "session/request_permission", params: ["sessionId": "s1", "toolCall": call, "options": []]))).first)
        #expect(asked.question.tool == "Edit" && asked.question.subject == "Edit(notes.txt)")
        #expect(asked.question.detail == "--- notes.txt\n+hello")
        #expect(try acp.consume(.notification(method: "session/update", params: ["update": ["sessionUpdate": "agent_message_chunk", "content": ["type": "text", "text": "All done"]]])) == [.text("All done")])
        #expect(try acp.consume(.notification(method: "session/update", params: ["update": ["sessionUpdate": "usage_update", "used": 1, "size": 2, "cost": ["amount": 0.25, "currency": "USD"]]])) == [.usage(Cost(usd: 0.25))])
        #expect(try acp.consume(.notification(method: "session/update", params: ["update": ["sessionUpdate": "usage_update", "used": 1, "size": 2, "cost": ["amount": 0.75, "currency": "USD"]]])) == [.usage(Cost(usd: 0.5))])
        let end = try acp.consume(.response(id: 2, result: ["stopReason": "refusal", "usage": ["inputTokens": 10, "outputTokens": 3]]))
        #expect(end.first == .usage(Cost(tokensIn: 10, tokensOut: 3)))
        guard case .finish(let finished)? = end.last else { throw TestFailure("no finish in \(end)") }
        #expect(!finished.succeeded && finished.error == "gemini stopped its turn: refusal")
        #expect(finished.summary == "All done" && finished.details["session_id"] == "s1")
    }

    // MARK: - helpers

    struct Sent { let method: String; let params: JSONValue }

    func sent(_ effects: [RPCEffect]) -> [Sent] {
        effects.compactMap { effect in
            guard case .send(let message) = effect else { return nil }
            switch message {
            case .request(_, let method, let params), .notification(let method, let params): return Sent(method: method, params: params)
            default: return nil
            }
        }
    }

    func asks(_ effects: [RPCEffect]) -> [RPCApprovalRequest] {
        effects.compactMap { effect in
            guard case .ask(let request) = effect else { return nil }
            return request
        }
    }
}
