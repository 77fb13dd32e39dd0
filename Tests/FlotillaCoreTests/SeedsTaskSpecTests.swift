import Testing
@testable import FlotillaCore

@Suite("Task spec: the seeds' envelope and tasks in words")
struct SeedsTaskSpecTests {
    private func read(_ text: String) throws -> TaskSpec {
        try TaskSpec(submitted: try JSONValue.parse(text))
    }

    @Test("seeds/001's envelope: type, payload, metadata priority and ttl, agent_id as submitter, id as idempotency key")
    func envelope() throws {
        let spec = try read(#"""
            {"id":"msg_abc123","timestamp":"2026-02-22T19:00:00Z","agent_id":"sheri-ml-02","type":"deployment.deploy",
             "payload":{"command":"echo deploy"},"metadata":{"priority":"high","retry_count":0,"ttl":300}}
            """#)
        #expect(spec.type == "deployment.deploy")
        #expect(spec.role == "deployment")
        #expect(spec.payload == ["command": "echo deploy"])
        #expect(spec.priority == .high)
        #expect(spec.ttlSeconds == 300)
        #expect(spec.submitter == "sheri-ml-02")
        #expect(spec.idempotencyKey == "msg_abc123")
        #expect(spec.id == nil, "the envelope id is a message id, not a task id")
        #expect(spec.metadata?["retry_count"] == 0)
    }

    @Test("the issue's spelling with ts and role: role is the sender's, the type routes the task")
    func envelopeWithTsAndRole() throws {
        let spec = try read(#"{"id":"t-1","type":"testing.run","ts":"2026-02-22T19:00:00Z","agent_id":"task-manager-01","role":"general","payload":{},"metadata":{"priority":"low"}}"#)
        #expect(spec.role == "testing")
        #expect(spec.priority == .low)
        #expect(spec.ttlSeconds == nil)
    }

    @Test("a task in words becomes a code.generate prompt for general agents")
    func naturalLanguage() throws {
        let spec = try read(#"{"task":"deploy auth system","priority":"high"}"#)
        #expect(spec.type == TaskSpec.naturalLanguageType)
        #expect(spec.role == "general")
        #expect(spec.prompt == "deploy auth system")
        #expect(spec.priority == .high)
        #expect(TaskSpec.form(of: ["task": "x"]) == .naturalLanguage)
    }

    @Test("a request takes its topic's type when it names none, and its id is the idempotency key")
    func request() throws {
        let spec = try TaskSpec(request: try JSONValue.parse(#"{"id":"review-1","payload":{"pr":12}}"#), defaultType: "code.review")
        #expect(spec.type == "code.review")
        #expect(spec.role == "review")
        #expect(spec.idempotencyKey == "review-1")
        #expect(spec.id == nil)
        let named = try TaskSpec(request: try JSONValue.parse(#"{"type":"security.audit"}"#), defaultType: "security.scan")
        #expect(named.type == "security.audit")
        #expect(caught { try TaskSpec(request: .string("scan please"), defaultType: "security.scan") }?.code == .invalidField)
    }

    @Test("the bare spec keeps its meaning, and refuses truly unknown fields")
    func bareSpecUnchanged() throws {
        let spec = try read(#"{"id":"build-1","type":"code.generate","metadata":{"priority":"high","ttl":5},"ttl_seconds":9}"#)
        #expect(spec.id == "build-1")
        #expect(spec.idempotencyKey == nil)
        #expect(spec.priority == .normal, "a bare spec's metadata is free-form")
        #expect(spec.ttlSeconds == 9)
        #expect(TaskSpec.form(of: ["type": "x", "payload": [:]]) == .spec)
        let unknown = caught { try read(#"{"type":"code.generate","colour":"red"}"#) }
        #expect(unknown?.code == .unknownField)
        #expect(unknown?.field == "colour")
    }

    @Test("ttl_seconds round-trips through the stored spec, with the submitter")
    func roundTrip() throws {
        let spec = try read(#"{"type":"testing.run","timestamp":"2026-02-22T19:42:40.710Z","agent_id":"test-agent-01","metadata":{"ttl":1}}"#)
        let stored = try TaskSpec(json: spec.json)
        #expect(stored == spec)
        #expect(spec.json["ttl_seconds"] == 1)
        #expect(spec.json["submitter"] == "test-agent-01")
    }

    @Test(arguments: [
        (#"{"agent_id":"a","payload":{}}"#, FlotillaError.Code.missingField, "type"),
        (#"{"agent_id":"a","type":"x.y","colour":1}"#, .unknownField, "colour"),
        (#"{"agent_id":"a","type":"x.y","metadata":{"priority":"urgent"}}"#, .invalidField, "metadata.priority"),
        (#"{"agent_id":"a","type":"x.y","metadata":{"ttl":0}}"#, .invalidField, "metadata.ttl"),
        (#"{"agent_id":"a","type":"x.y","metadata":{"ttl":"soon"}}"#, .invalidField, "metadata.ttl"),
        (#"{"agent_id":"a","type":"x.y","metadata":{"retry_count":-1}}"#, .invalidField, "metadata.retry_count"),
        (#"{"agent_id":"a","type":"x.y","metadata":3}"#, .invalidField, "metadata"),
        (#"{"agent_id":"a b","type":"x.y"}"#, .invalidField, "agent_id"),
        (#"{"agent_id":"a","type":"x.y","payload":[1]}"#, .invalidField, "payload"),
        (#"{"agent_id":"a","type":"x.y","role":"no spaces"}"#, .invalidField, "role"),
        (#"{"task":"  "}"#, .invalidField, "task"),
        (#"{"task":"x","when":"now"}"#, .unknownField, "when"),
        (#"{"type":"x.y","ttl_seconds":0}"#, .invalidField, "ttl_seconds"),
    ])
    func refusals(text: String, code: FlotillaError.Code, field: String) {
        let error = caught { try read(text) }
        #expect(error?.code == code, "\(text)")
        #expect(error?.field == field, "\(text)")
    }
}
