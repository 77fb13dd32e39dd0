import Testing
@testable import FlotillaCore

/// Issue 20 item 3: what a task prints is redacted before it is stored, logged or published.
@Suite("SecretRedactor: secrets in output, URLs and headers")
struct SecretRedactorTests {
    @Test("each known secret shape is replaced, the text around it kept", arguments: [
        ("token flt_01m7z4zen0070y_3f9a0c1d2e3b4a5f60718293a4b5c6d7e8f90a1b2c3d4e5f done", "token flt_01m7z4zen0070y_[redacted] done"),
        ("Authorization: Bearer abcdefghijklmnop", "Authorization: [redacted]"),
        (#"{"authorization": "Basic dXNlcjpwYXNzd29yZA=="}"#, #"{"authorization": "[redacted]"}"#),
        ("curl -H 'X: y' --oauth2-bearer x; Bearer abcdefghijklmnopq", "curl -H 'X: y' --oauth2-bearer x; Bearer [redacted]"),
        ("broker mqtt://fleet:s3cret-pass@broker.local:1883 up", "broker mqtt://fleet:[redacted]@broker.local:1883 up"),
        ("https://:tok3n@git.example.com/r.git", "https://:[redacted]@git.example.com/r.git"),
        ("OPENAI sk-abcdefghijklmnopqrstuvwx", "OPENAI sk-[redacted]"),
        ("key=sk-ant-api03-AbCdEf0123456789_xyz-XYZ", "key=sk-[redacted]"),
        ("gh ghp_0123456789abcdefghijABCDEFGHIJ012345 ok", "gh ghp_[redacted] ok"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_[redacted]"),
        ("slack xoxb-123456789012-abcdefghijkl", "slack xoxb-[redacted]"),
        ("AKIAIOSFODNN7EXAMPLE is the id", "AKIA[redacted] is the id"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [redacted]"),
        ("AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "AWS_SECRET_ACCESS_KEY=\"[redacted]\""),
    ])
    func redacts(_ input: String, _ expected: String) {
        #expect(SecretRedactor.redact(input) == expected)
    }

    @Test("a PEM private key block goes whole, even when the tail cut its end off")
    func privateKeys() {
        let block = "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nqwerty\n-----END RSA PRIVATE KEY-----\nafter"
        #expect(SecretRedactor.redact(block) == "before\n-----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----\nafter")
        let cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA"
        #expect(!SecretRedactor.redact(cut).contains("b3BlbnNz"))
    }

    @Test("text without secrets is unchanged, and redacting twice changes nothing more")
    func harmlessTextAndIdempotence() {
        for text in ["", "all 42 tests passed", "see https://example.com/a:b/c", "task-abcdefghijklmnopqrstuvwxyz", "desk-0123456789abcdefghij", "mqtt://localhost:1883"] {
            #expect(SecretRedactor.redact(text) == text)
        }
        let once = SecretRedactor.redact("Authorization: Bearer abcdefghijkl sk-abcdefghijklmnopqrstuvwx mqtt://u:p@h")
        #expect(SecretRedactor.redact(once) == once)
    }

    @Test("JSON: every string value is redacted, structure and other values kept")
    func json() {
        let value: JSONValue = ["output_tail": "echo sk-abcdefghijklmnopqrstuvwx", "exit_code": 0, "lines": ["ghp_0123456789abcdefghijABCDEFGHIJ012345"]]
        let redacted = SecretRedactor.redact(value)
        #expect(redacted["output_tail"] == "echo sk-[redacted]")
        #expect(redacted["exit_code"] == 0)
        #expect(redacted["lines"] == ["ghp_[redacted]"])
    }

    @Test("a report's message, error and result are redacted as they are read")
    func reports() throws {
        let progress = try AttemptReport(envelope: Envelope(id: "m", type: .progress, payload: ["task_id": "t", "attempt": 1, "message": "using sk-abcdefghijklmnopqrstuvwx"]))
        #expect(progress.kind == .progress(percent: nil, message: "using sk-[redacted]"))
        let complete = try AttemptReport(envelope: Envelope(id: "m", type: .complete, payload: ["task_id": "t", "attempt": 1, "result": ["output_tail": "xoxp-1234567890-abcdef"]]))
        #expect(complete.kind == .complete(result: ["output_tail": "xoxp-[redacted]"]))
        let fail = try AttemptReport(envelope: Envelope(id: "m", type: .fail, payload: ["task_id": "t", "attempt": 1, "error": "401 for Bearer abcdefghijklmnop"]))
        #expect(fail.kind == .fail(error: "401 for Bearer [redacted]", retryable: true, result: nil))
    }
}

/// Issue 20 item 3: a task's child process gets a scrubbed environment.
@Suite("ChildEnvironment: what a task's process may see")
struct ChildEnvironmentTests {
    let agent = [
        "PATH": "/usr/bin", "HOME": "/home/a", "LANG": "C.UTF-8", "LC_ALL": "C", "TERM": "xterm",
        "FLOTILLA_TOKEN": "flt_x_y", "FLOTILLA_HUB": "http://h", "ANTHROPIC_API_KEY": "sk-ant-secret",
        "OPENAI_API_KEY": "sk-openai", "AWS_SECRET_ACCESS_KEY": "aws", "GH_TOKEN": "ghp_x",
    ]

    @Test("a shell task keeps the basics and its declared env, nothing else")
    func shell() {
        let child = ChildEnvironment.scrubbed(agent, declared: ["MODE": "ci"])
        #expect(child == ["PATH": "/usr/bin", "HOME": "/home/a", "LANG": "C.UTF-8", "LC_ALL": "C", "TERM": "xterm", "MODE": "ci"])
    }

    @Test("an LLM executor also keeps its own provider's key, not others'")
    func llm() {
        let claude = ChildEnvironment.scrubbed(agent, passing: ChildEnvironment.needs(ofExecutor: "claude"))
        #expect(claude["ANTHROPIC_API_KEY"] == "sk-ant-secret")
        #expect(claude["OPENAI_API_KEY"] == nil)
        #expect(claude["FLOTILLA_TOKEN"] == nil)
        let codex = ChildEnvironment.scrubbed(agent, passing: ChildEnvironment.needs(ofExecutor: "codex"))
        #expect(codex["OPENAI_API_KEY"] == "sk-openai")
        #expect(codex["ANTHROPIC_API_KEY"] == nil)
    }

    @Test("no Flotilla credential passes, even named or declared")
    func credentialsNeverPass() {
        let child = ChildEnvironment.scrubbed(agent, passing: ["FLOTILLA_TOKEN"], declared: ["FLOTILLA_TOKEN": "flt_a_b"])
        #expect(child["FLOTILLA_TOKEN"] == nil)
        let tools = ChildEnvironment.withoutCredentials(agent)
        #expect(tools["FLOTILLA_TOKEN"] == nil && tools["FLOTILLA_HUB"] == nil)
        #expect(tools["GH_TOKEN"] == "ghp_x", "the agent's own tools (gh) keep the agent's environment")
    }
}
