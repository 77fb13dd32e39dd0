import Testing
@testable import FlotillaCore

/// The approvals' pure core (FlotillaCore/Approvals): subjects, read-only tools, rules and the
/// policy file's shape.
@Suite("Approvals: subjects, rules, policy")
struct ApprovalPolicyTests {
    func bash(_ command: String) -> ApprovalQuestion {
        ApprovalQuestion(source: .claudeStdio, tool: "Bash", input: ["command": .string(command)])
    }

    @Test("subjects take Claude Code's permission-rule form")
    func subjects() {
        #expect(ApprovalSubject.make(tool: "Bash", input: ["command": "rm -rf build"]) == "Bash(rm -rf build)")
        #expect(ApprovalSubject.make(tool: "Edit", input: ["file_path": "src/a.swift", "old_string": "a", "new_string": "b"]) == "Edit(src/a.swift)")
        #expect(ApprovalSubject.make(tool: "Write", input: ["file_path": "/w/x.txt", "content": "hi"]) == "Write(/w/x.txt)")
        #expect(ApprovalSubject.make(tool: "Read", input: ["file_path": "README.md"]) == "Read(README.md)")
        #expect(ApprovalSubject.make(tool: "WebFetch", input: ["url": "https://example.com", "prompt": "x"]) == "WebFetch(https://example.com)")
        // Codex sends its command as an argv array.
        #expect(ApprovalSubject.make(tool: "exec", input: ["command": ["git", "push", "origin"]]) == "exec(git push origin)")
        #expect(ApprovalSubject.make(tool: "prompt", input: .string("Allow this?")) == "prompt(Allow this?)")
        // The question fills subject, detail and read-only from the tool and its input.
        let q = bash("rm -rf build")
        #expect(q.subject == "Bash(rm -rf build)")
        #expect(q.detail == "rm -rf build")
        #expect(!q.readOnly)
        let edit = ApprovalQuestion(source: .claudeHook, tool: "Edit", input: ["file_path": "a.swift", "old_string": "let x = 1", "new_string": "let x = 2"])
        #expect(edit.detail.contains("let x = 1") && edit.detail.contains("let x = 2"))
        // The detail a person reads is capped at 64 KiB on a character boundary.
        let long = ApprovalQuestion(source: .claudeStdio, tool: "Write", detail: String(repeating: "é", count: 40_000))
        #expect(long.detail.utf8.count <= ApprovalQuestion.detailLimit)
        #expect(long.detail.allSatisfy { $0 == "é" })
    }

    @Test("read-only tools, and Bash only for plain reading commands")
    func readOnly() {
        for tool in ["Read", "Glob", "Grep", "LS", "NotebookRead", "WebSearch", "TodoRead"] {
            #expect(ApprovalSubject.isReadOnly(tool: tool), "\(tool)")
        }
        for tool in ["Write", "Edit", "MultiEdit", "WebFetch", "exec", "Bash"] {
            #expect(!ApprovalSubject.isReadOnly(tool: tool), "\(tool)")
        }
        for command in ["git status", "git diff --stat", "git log -n 3", "ls -la", "cat README.md", "pwd", "  ls  "] {
            #expect(ApprovalSubject.isReadOnly(tool: "Bash", input: ["command": .string(command)]), "\(command)")
        }
        for command in ["git push", "rm -rf build", "cat a; rm b", "ls | sh", "cat a > b", "cat < x", "ls && rm x", "cat $(rm x)", "cat `rm x`", "lsblk", "catapult", "git statusx", "ls\nrm x"] {
            #expect(!ApprovalSubject.isReadOnly(tool: "Bash", input: ["command": .string(command)]), "\(command)")
        }
    }

    @Test("deny wins over allow; rules apply by role and by agent; no match leaves it to a person")
    func rules() throws {
        let policy = try ApprovalPolicy(json: [
            "rules": [
                ["allow": [#"^Bash\(swift (build|test)\b"#, #"^Bash\(rm -rf"#]],
                ["deny": [#"^Bash\(rm -rf"#]],
                ["role": "reviewer", "allow": [#"^Bash\(git push"#]],
                ["agent": "w2", "deny": [#"^Edit\("#]],
            ],
        ])
        let decide = { (q: ApprovalQuestion, agent: String, role: String?) in policy.decide(q, agentID: agent, role: role) }
        #expect(decide(bash("swift test --filter X"), "w1", "coder").map { $0.allowed } == true)
        #expect(decide(bash("swift test --filter X"), "w1", "coder")?.pattern == #"^Bash\(swift (build|test)\b"#)
        let rm = decide(bash("rm -rf build"), "w1", "coder")
        #expect(rm?.allowed == false, "deny wins over a matching allow")
        #expect(rm?.pattern == #"^Bash\(rm -rf"#)
        #expect(decide(bash("git push origin"), "w1", "coder") == nil, "not a reviewer: nobody decides, a person does")
        #expect(decide(bash("git push origin"), "w1", "reviewer")?.allowed == true)
        let edit = ApprovalQuestion(source: .claudeStdio, tool: "Edit", input: ["file_path": "a.swift"])
        #expect(decide(edit, "w2", "coder")?.allowed == false)
        #expect(decide(edit, "w1", "coder") == nil)
        // Patterns search the subject; anchors are the user's to add.
        let search = try ApprovalPolicy(json: ["rules": [["allow": ["swift test"]]]])
        #expect(search.decide(bash("cd x && swift test"), agentID: "a", role: nil)?.allowed == true)
    }

    @Test("the timeout policy allows only read-only questions, and only with allow_read_only")
    func timeoutPolicy() throws {
        let read = ApprovalQuestion(source: .claudeStdio, tool: "Read", input: ["file_path": "a"])
        #expect(!ApprovalPolicy.standard.timeoutAllows(read))
        #expect(ApprovalPolicy.standard.timeout == 600)
        let lenient = try ApprovalPolicy(json: ["timeout": "10m", "on_timeout": "allow_read_only"])
        #expect(lenient.timeout == 600)
        #expect(lenient.timeoutAllows(read))
        #expect(!lenient.timeoutAllows(bash("rm -rf build")))
        #expect(try ApprovalPolicy(json: ["timeout": 90]).timeout == 90)
        #expect(try ApprovalPolicy(json: ["timeout": "2h"]).timeout == 7200)
        #expect(try ApprovalPolicy(json: ["timeout": "45s"]).timeout == 45)
        // What the policy writes, it reads back.
        let full = try ApprovalPolicy(json: ["timeout": 30, "rules": [["role": "coder", "agent": "w1", "allow": ["a"], "deny": ["b"]]]])
        #expect(try ApprovalPolicy(json: full.json) == full)
    }

    @Test("a bad policy is refused by the field, whole")
    func badPolicies() {
        let cases: [(JSONValue, String?)] = [
            (["rules": [["allow": ["ok"]], ["allow": ["fine"]], ["deny": ["fine", "(unclosed"]]]], "rules[2].deny[1]"),
            (["rules": [["allow": [""]]]], "rules[0].allow[0]"),
            (["rules": [["allow": [5]]]], "rules[0].allow[0]"),
            (["rules": [["allow": "x", "colour": "red"]]], "rules[0].colour"),
            (["rules": [["role": 3]]], "rules[0].role"),
            (["rules": "all"], "rules"),
            (["rules": ["x"]], "rules[0]"),
            (["timeout": 0], "timeout"),
            (["timeout": 100_000], "timeout"),
            (["timeout": "soon"], "timeout"),
            (["on_timeout": "allow"], "on_timeout"),
            (["on_timeot": "deny"], "on_timeot"),
            ([1, 2], nil),
        ]
        for (json, field) in cases {
            let error = caught { try ApprovalPolicy(json: json) }
            #expect(error?.code == .invalidField, "\(json)")
            #expect(error?.field == field, "\(json): \(error.map { "\($0)" } ?? "no error")")
        }
    }

    @Test("questions read from the protocol: required members, choices, bad values by field")
    func questionJSON() throws {
        let q = try ApprovalQuestion(json: [
            "task_id": "t1", "attempt": 2, "source": "tmux_screen", "tool": "prompt", "detail": "Do you want to proceed?",
            "choices": [["key": "1", "label": "Yes", "allows": true], ["key": "3", "label": "No", "allows": false]],
        ])
        #expect(q.subject == "prompt()")
        #expect(q.choices.map(\.key) == ["1", "3"])
        #expect(try ApprovalQuestion(json: q.json) == q)
        let cases: [(JSONValue, String)] = [
            (["tool": "Bash"], "payload.source"),
            (["source": "telepathy", "tool": "Bash"], "payload.source"),
            (["source": "claude_stdio"], "payload.tool"),
            (["source": "claude_stdio", "tool": ""], "payload.tool"),
            (["source": "claude_stdio", "tool": "Bash", "attempt": 0], "payload.attempt"),
            (["source": "claude_stdio", "tool": "Bash", "read_only": "yes"], "payload.read_only"),
            (["source": "claude_stdio", "tool": "Bash", "choices": [["key": "1"]]], "payload.choices[0].allows"),
            (["source": "claude_stdio", "tool": "Bash", "choices": [["key": "1", "allows": true], ["key": "1", "allows": false]]], "payload.choices[1].key"),
            (["source": "claude_stdio", "tool": "Bash", "subject": ""], "payload.subject"),
        ]
        for (json, field) in cases {
            let error = caught { try ApprovalQuestion(json: json, prefix: "payload.") }
            #expect(error?.field == field, "\(json): \(error.map { "\($0)" } ?? "no error")")
        }
    }

    @Test("a record's JSON reads back, and a choice must exist and agree with the decision")
    func recordJSONAndChoices() throws {
        let q = ApprovalQuestion(source: .tmuxScreen, tool: "prompt", choices: [
            ApprovalChoice(key: "1", label: "Yes", allows: true), ApprovalChoice(key: "2", label: "Yes, always", allows: true),
            ApprovalChoice(key: "3", label: "No", allows: false),
        ])
        let record = ApprovalRecord(id: "apr_0123456789abcdef", agentID: "w1", role: "coder", question: q, createdAt: 100, expiresAt: 700)
        #expect(try ApprovalRecord(json: record.json) == record)
        #expect(try record.choiceKey(allow: true, requested: nil) == "1")
        #expect(try record.choiceKey(allow: false, requested: nil) == "3")
        #expect(try record.choiceKey(allow: true, requested: "2") == "2")
        #expect(caught { try record.choiceKey(allow: true, requested: "3") }?.field == "choice")
        #expect(caught { try record.choiceKey(allow: true, requested: "9") }?.field == "choice")
        let decided = record.deciding(allow: false, by: .person, decider: "ops", reason: "no", choice: "3", at: 200)
        #expect(decided.json["decided_by"] == "person")
        #expect(decided.json["state"] == "denied")
        #expect(try ApprovalRecord(json: decided.json) == decided)
    }

    @Test("the query reads state, limit and filters, refusing bad ones by name")
    func query() throws {
        #expect(try ApprovalQuery(parameters: [:]).state == .pending)
        #expect(try ApprovalQuery(parameters: ["state": "all"]).state == nil)
        #expect(try ApprovalQuery(parameters: ["state": "denied", "limit": "5", "agent": "w1"]) == ApprovalQuery(state: .denied, agentID: "w1", limit: 5))
        #expect(caught { try ApprovalQuery(parameters: ["state": "maybe"]) }?.field == "state")
        #expect(caught { try ApprovalQuery(parameters: ["limit": "501"]) }?.field == "limit")
        #expect(caught { try ApprovalQuery(parameters: ["limit": "x"]) }?.field == "limit")
    }
}
