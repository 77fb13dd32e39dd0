import FlotillaCore
import Testing

/// Each wire shape is written by one encoder and read by one decoder: what the hub writes, the
/// agent and the clients read back as the value it was. A field added to a type but not to its
/// encoding or decoding fails here.
@Suite struct WireRoundTripTests {
    /// A spec with every field set (none at its default).
    static let fullSpec = TaskSpec(
        id: "client-id", type: "code.review", role: "review", roles: ["review", "code"], capabilities: ["swift", "git"],
        priority: .high, payload: ["pr": 42, "command": "echo hi"], prompt: "Review it", context: ["repo": "x"],
        successCriteria: ["tests": "pass"], verify: ["swift test"], dependsOn: ["t0", "t00"], timeoutSeconds: 60,
        maxAttempts: 5, idempotencyKey: "k-1", repo: "git@example:x.git", complexity: .complex, budget: ["usd": 2.5],
        metadata: ["team": "core"], ttlSeconds: 120, submitter: "ci-bot"
    )

    static func fullRecord(_ spec: TaskSpec = fullSpec) -> TaskRecord {
        var spec = spec
        spec.id = nil
        var record = TaskRecord(id: "t1", spec: spec, state: .running, now: 1_700_000_000)
        record.attempt = 2
        record.agentID = "agent-1"
        record.updatedAt = 1_700_000_001.5
        record.queuedAt = 1_700_000_000.25
        record.retryAt = 1_700_000_010
        record.leaseExpiresAt = 1_700_000_030.125
        record.finishedAt = 1_700_000_002
        record.progress = 50.5
        record.progressMessage = "half \"way\""
        record.result = ["ok": false, "note": nil]
        record.error = "boom"
        record.reason = "why"
        return record
    }

    private func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
    }

    @Test func everySpecFieldIsWrittenUnderItsName() throws {
        let object = try #require(try parse(Self.fullSpec.submissionBytes).objectValue)
        // `timeout` is only read (an alias of `timeout_seconds`).
        let written = Set(TaskSpec.Field.allCases.filter { $0 != .timeout }.map(\.rawValue))
        #expect(Set(object.keys) == written)
        #expect(Mirror(reflecting: Self.fullSpec).children.count == written.count, "a TaskSpec property without a Field")
    }

    @Test func aSubmittedSpecReadsBackAsItWas() throws {
        // CLI and client → hub: the submission as written, read as the hub reads any submission.
        #expect(try TaskSpec(json: parse(Self.fullSpec.submissionBytes)) == Self.fullSpec)
        #expect(try TaskSpec(json: Self.fullSpec.json) == Self.fullSpec)
        // The store's form leaves out the id the task took over.
        var stored = Self.fullSpec
        stored.id = nil
        #expect(try TaskSpec(json: parse(Self.fullSpec.jsonBytes)) == stored)
    }

    @Test func theAgentReadsTheAssignmentAsTheSpecSubmitted() throws {
        let record = Self.fullRecord()
        let envelope = Envelope(id: "m-1", type: .assignment, body: .assignment(task: record, leaseSeconds: 12.5))
        // What goes over the socket, read back the way the agent reads it.
        let received = try Envelope(text: envelope.text)
        let assignment = try TaskAssignment(payload: received.payload)
        #expect(assignment == TaskAssignment(taskID: "t1", attempt: 2, leaseSeconds: 12.5, spec: record.spec))
    }

    @Test func aRecordReadsBackAsTheHubWroteIt() throws {
        let record = Self.fullRecord()
        let decoded = try TaskRecord(json: parse(record.jsonBytes()))
        #expect(decoded == record)
        // And writes the same text again: the client can pass it on unchanged.
        #expect(decoded.jsonBytes() == record.jsonBytes())
        let minimal = TaskRecord(id: "t2", spec: TaskSpec(type: "testing.run"), state: .queued, now: 0)
        #expect(try TaskRecord(json: parse(minimal.jsonBytes())) == minimal)
    }

    @Test func aTaskViewKeepsItsAttemptsAndWaitingReasons() throws {
        var record = Self.fullRecord()
        record.state = .queued
        let attempts = [
            AttemptRecord(taskID: "t1", number: 1, agentID: "agent-1", startedAt: 1_700_000_000, endedAt: 1_700_000_001, outcome: .failed, error: "boom"),
            AttemptRecord(taskID: "t1", number: 2, agentID: "agent-2", startedAt: 1_700_000_003.5),
        ]
        let waiting = [WaitingReason(.noFittingAgent, "No agent serves review.", details: ["roles": ["review"]])]
        for view in [TaskView(record: record, attempts: attempts, waiting: waiting), TaskView(record: record, attempts: attempts)] {
            let decoded = try TaskView(json: parse(view.jsonBytes))
            #expect(decoded == view)
            #expect(decoded.jsonBytes == view.jsonBytes)
        }
    }

    @Test func aPageReadsBackWithItsCursor() throws {
        let page = TaskPage(tasks: [Self.fullRecord(), TaskRecord(id: "t2", spec: TaskSpec(type: "x"), state: .queued, now: 5)], nextCursor: "t2")
        #expect(try TaskPage(json: parse(page.jsonBytes)) == page)
        let last = TaskPage(tasks: [])
        #expect(try TaskPage(json: parse(last.jsonBytes)) == last)
    }

    @Test func timesSurviveTheirTextToTheMillisecond() {
        for seconds in [0, 1_700_000_000.123, 1_700_000_000.999, 1_764_806_400.5, 4_102_444_799.001] {
            let text = Timestamp.iso8601(seconds)
            #expect(Timestamp.parse(text).map(Timestamp.iso8601) == text, "\(text)")
        }
        #expect(Timestamp.parse("2026-11-21T13:20:02Z") == Timestamp.parse("2026-11-21T13:20:02.000Z"))
        #expect(Timestamp.parse("yesterday") == nil)
    }
}

extension WireRoundTripTests {
    /// The record's members land among the spec's in key order whichever of them are written:
    /// the text is what the generic writer makes of the same object.
    @Test func recordMembersInterleaveInKeyOrder() throws {
        let record = Self.fullRecord()
        let attempts = [AttemptRecord(taskID: "t1", number: 1, agentID: "a", startedAt: 1)]
        for bytes in [record.jsonBytes(), record.jsonBytes(attempts: attempts), record.jsonBytes(waiting: .null), record.jsonBytes(attempts: attempts, waiting: ["x"])] {
            #expect(try parse(bytes).jsonBytes == bytes)
        }
        let assignment = Envelope.Body.assignment(task: record, leaseSeconds: 3)
        var written: [UInt8] = []
        assignment.write(to: &written)
        #expect(try parse(written).jsonBytes == written)
    }
}

extension WireRoundTripTests {
    /// A member sent as null is absent: it is not written back as `null`.
    @Test func nullMembersReadAsAbsent() throws {
        let spec = try TaskSpec(json: ["type": "x", "context": nil, "success_criteria": nil, "budget": nil, "metadata": nil])
        #expect(spec == TaskSpec(type: "x"))
        #expect(try parse(spec.submissionBytes).objectValue?["context"] == nil)
    }
}
