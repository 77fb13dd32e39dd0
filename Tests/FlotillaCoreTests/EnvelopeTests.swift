import Testing
@testable import FlotillaCore

@Suite("Envelope and reports")
struct EnvelopeTests {
    @Test("an envelope round-trips through its text")
    func roundTrip() throws {
        let envelope = Envelope(
            id: "m1", type: .progress, ts: "2026-01-02T03:04:05.678Z", agentID: "a1", role: "testing",
            payload: ["task_id": "t1", "attempt": 2, "percent": 50.5, "message": "half \"way\"\n"],
            metadata: ["priority": "high", "retry_count": 1, "ttl": nil]
        )
        let parsed = try Envelope(text: envelope.text)
        #expect(parsed == envelope)
        #expect(envelope.text.hasPrefix(#"{"agent_id":"a1","id":"m1","metadata":"#), "keys are sorted")
    }

    @Test("optional envelope fields are left out of the JSON when absent")
    func optionalFields() {
        let json = Envelope(id: "x", type: .ack, ts: "t").json
        #expect(json == ["id": "x", "type": "ack", "ts": "t", "payload": [:]])
    }

    @Test("lenient parse: missing id/ts/payload, and 'timestamp' as an alias of ts")
    func lenientParse() throws {
        let envelope = try Envelope(text: #"{"type": "heartbeat", "timestamp": "2026-01-01T00:00:00Z"}"#)
        #expect(envelope.type == .heartbeat)
        #expect(envelope.id == "")
        #expect(envelope.ts == "2026-01-01T00:00:00Z")
        #expect(envelope.payload == .object([:]))
        #expect(envelope.agentID == nil)
    }

    @Test("bad envelopes name their problem", arguments: [
        (#"{"type": "#, FlotillaError.Code.malformedJSON, nil as String?),
        (#"[1, 2]"#, .invalidField, nil),
        (#"{"payload": {}}"#, .missingField, "type"),
        (#"{"type": 3}"#, .missingField, "type"),
        (#"{"type": "teleport"}"#, .invalidField, "type"),
        (#"{"type": "ready", "payload": [1]}"#, .invalidField, "payload"),
    ])
    func badEnvelopes(text: String, code: FlotillaError.Code, field: String?) {
        let error = caught { try Envelope(text: text) }
        #expect(error?.code == code)
        #expect(error?.field == field)
    }

    @Test("attempt reports are read from their envelopes")
    func reports() throws {
        func read(_ type: MessageType, _ payload: JSONValue) throws(FlotillaError) -> AttemptReport {
            try AttemptReport(envelope: Envelope(id: "m", type: type, payload: payload))
        }
        #expect(try read(.accept, ["task_id": "t", "attempt": 1]) == AttemptReport(taskID: "t", attempt: 1, kind: .accept))
        #expect(try read(.progress, ["task_id": "t", "attempt": 2, "percent": 40, "message": "m"]).kind == .progress(percent: 40, message: "m"))
        #expect(try read(.progress, ["task_id": "t", "attempt": 2]).kind == .progress(percent: nil, message: nil))
        #expect(try read(.complete, ["task_id": "t", "attempt": 3, "result": ["x": 1]]).kind == .complete(result: ["x": 1]))
        #expect(try read(.complete, ["task_id": "t", "attempt": 3]).kind == .complete(result: .object([:])))
        #expect(try read(.fail, ["task_id": "t", "attempt": 1]).kind == .fail(error: "failed", retryable: true, result: nil))
        #expect(try read(.fail, ["task_id": "t", "attempt": 1, "error": "e", "retryable": false, "result": [1]]).kind == .fail(error: "e", retryable: false, result: [1]))
        #expect(try read(.release, ["task_id": "t", "attempt": 1, "reason": "draining"]).kind == .release(reason: "draining"))
        #expect(try read(.accept, ["task_id": "t", "attempt": 4.0]).attempt == 4)
    }

    @Test("bad reports are refused with the field")
    func badReports() {
        func error(_ type: MessageType, _ payload: JSONValue) -> FlotillaError? {
            caught { try AttemptReport(envelope: Envelope(id: "m", type: type, payload: payload)) }
        }
        #expect(error(.complete, ["attempt": 1])?.field == "payload.task_id")
        #expect(error(.complete, ["attempt": 1])?.code == .missingField)
        #expect(error(.complete, ["task_id": "t"])?.field == "payload.attempt")
        #expect(error(.complete, ["task_id": "t", "attempt": "1"])?.code == .missingField)
        #expect(error(.progress, ["task_id": "t", "attempt": 1, "percent": 101])?.field == "payload.percent")
        #expect(error(.progress, ["task_id": "t", "attempt": 1, "percent": -1])?.code == .invalidField)
        #expect(error(.heartbeat, ["task_id": "t", "attempt": 1])?.field == "type")
    }

    @Test("agent registrations are read from register envelopes")
    func registration() throws {
        let envelope = Envelope(id: "m", type: .register, agentID: "a-1", payload: [
            "roles": ["testing", "review", "testing"], "capabilities": ["gpu", "gpu"], "concurrency": 4,
            "executor": "claude", "version": "1.0", "pid": 42, "host": "box",
        ])
        let registration = try AgentRegistration(envelope: envelope)
        #expect(registration == AgentRegistration(id: "a-1", roles: ["testing", "review"], capabilities: ["gpu"], concurrency: 4, executor: "claude", version: "1.0", pid: 42, host: "box"))

        let fromRole = try AgentRegistration(envelope: Envelope(id: "m", type: .register, role: "security", payload: ["agent_id": "b"]))
        #expect(fromRole.id == "b")
        #expect(fromRole.roles == ["security"])
        #expect(fromRole.concurrency == 1)

        let bare = try AgentRegistration(envelope: Envelope(id: "m", type: .register, agentID: "c"))
        #expect(bare.roles == [RoleTable.defaultRole])
    }

    @Test("bad registrations are refused")
    func badRegistration() {
        func error(agentID: String?, _ payload: JSONValue) -> FlotillaError? {
            caught { try AgentRegistration(envelope: Envelope(id: "m", type: .register, agentID: agentID, payload: payload)) }
        }
        #expect(error(agentID: nil, [:])?.code == .missingField)
        #expect(error(agentID: "bad id", [:])?.field == "payload.agent_id")
        #expect(error(agentID: "a", ["concurrency": 0])?.field == "payload.concurrency")
        #expect(error(agentID: "a", ["concurrency": 1025])?.code == .invalidField)
        #expect(error(agentID: "a", ["roles": [1]])?.field == "payload.roles")
        #expect(error(agentID: "a", ["roles": ["no spaces"]])?.field == "payload.roles")
    }

    @Test("an assignment envelope carries the fencing token, the task and its metadata")
    func assignmentEnvelope() throws {
        var scheduler = makeScheduler(lease: 12)
        let connection = scheduler.join("a1", roles: ["testing"], now: 0)
        try scheduler.add(spec("t1", type: "testing.run", priority: .high, timeout: 60), now: 1)
        let effects = scheduler.takeEffects()
        let message = try #require(effects.outbound.first)
        #expect(effects.outbound.count == 1)
        #expect(message.connection == connection)
        let envelope = message.envelope
        #expect(envelope.type == .assignment)
        #expect(envelope.agentID == "a1")
        #expect(envelope.role == "testing")
        #expect(envelope.ts == Timestamp.iso8601(1))
        #expect(envelope.payload["task_id"] == "t1")
        #expect(envelope.payload["attempt"] == 1)
        #expect(envelope.payload["lease_seconds"]?.doubleValue == 12)
        #expect(envelope.payload["task"]?["id"] == "t1")
        #expect(envelope.payload["task"]?["attempt"] == 1)
        #expect(envelope.payload["task"]?["type"] == "testing.run")
        #expect(envelope.metadata == ["priority": "high", "retry_count": 0, "ttl": 60])
        // What the agent receives parses back to the same text (integral numbers such as
        // lease_seconds come back as integers, so compare the wire form).
        let reparsed = try Envelope(text: envelope.text)
        #expect(reparsed.text == envelope.text)
        #expect(reparsed.payload["attempt"]?.intValue == 1)
    }

    @Test("timestamps render as RFC 3339 UTC with milliseconds")
    func timestamps() {
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(1_700_000_000.25) == "2023-11-14T22:13:20.250Z")
        #expect(Timestamp.iso8601(951_782_400) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.iso8601(4_102_444_799.999) == "2099-12-31T23:59:59.999Z")
    }

    @Test func textIsTheJSONWithAndWithoutOptionalFields() throws {
        let full = Envelope(id: "e\"1", type: .assignment, ts: "t", agentID: "a", role: "r", payload: ["k": [1, "v"]], metadata: ["priority": "high"])
        let bare = Envelope(id: "e2", type: .ack, ts: "t")
        for envelope in [full, bare] {
            #expect(envelope.text == envelope.json.jsonString)
            #expect(try Envelope(text: envelope.text) == envelope)
        }
    }

    @Test("typed bodies write the text of the JSON they stand for")
    func typedBodies() throws {
        let full = TaskSpec(
            type: "code.review", role: "review", capabilities: ["swift"], priority: .high, payload: ["pr": 42],
            prompt: "Review", context: ["c": 1], successCriteria: ["s": true], verify: ["swift test"], dependsOn: ["t0"],
            timeoutSeconds: 60, maxAttempts: 5, idempotencyKey: "k", repo: "r", complexity: .complex, budget: ["usd": 2.5], metadata: ["m": "x"]
        )
        for spec in [full, TaskSpec(type: "bench.noop", role: "bench")] {
            var task = TaskRecord(id: "t1", spec: spec, state: .assigned, now: 1)
            task.attempt = 3
            let body = Envelope.Body.assignment(task: task, leaseSeconds: 12.5)
            var written: [UInt8] = []
            body.write(to: &written)
            #expect(written == body.json.jsonBytes)
            var expected = try #require(spec.json.objectValue)
            expected["id"] = "t1"
            expected["attempt"] = 3
            #expect(body.json["task"] == .object(expected), "the task is its spec, id and attempt")
            #expect(body.json["task_id"] == "t1")
            #expect(body.json["attempt"] == 3)
            #expect(body.json["lease_seconds"] == 12.5)
        }
        let acks: [(Envelope.Ack, JSONValue)] = [
            (.init(ref: "m1", of: .ready), ["ref": "m1", "of": "ready"]),
            (.init(ref: "m2", of: .complete, report: .init(taskID: "t1", attempt: 2, duplicate: true)),
             ["ref": "m2", "of": "complete", "task_id": "t1", "attempt": 2, "duplicate": true]),
            (.init(ref: "m3", of: .message, delivered: 4), ["ref": "m3", "of": "message", "delivered": 4]),
        ]
        for (ack, json) in acks {
            let envelope = Envelope(id: "re-x", type: .ack, ts: "t", body: .ack(ack))
            #expect(envelope.payload == json)
            #expect(envelope.text == Envelope(id: "re-x", type: .ack, ts: "t", payload: json).text)
        }
    }
}
