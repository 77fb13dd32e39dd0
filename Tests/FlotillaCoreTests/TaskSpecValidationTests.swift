import Testing
@testable import FlotillaCore

@Suite("TaskSpec validation")
struct TaskSpecValidationTests {
    struct BadInput: Sendable, CustomTestStringConvertible {
        var json: String
        var code: FlotillaError.Code
        var field: String?
        var testDescription: String { json }
    }

    static let badInputs: [BadInput] = [
        // missing / wrong-typed type
        BadInput(json: #"{}"#, code: .missingField, field: "type"),
        BadInput(json: #"{"type": null}"#, code: .missingField, field: "type"),
        BadInput(json: #"{"type": 5}"#, code: .invalidField, field: "type"),
        BadInput(json: #"{"type": "has space"}"#, code: .invalidField, field: "type"),
        BadInput(json: #"{"type": ""}"#, code: .invalidField, field: "type"),
        // priority
        BadInput(json: #"{"type": "x", "priority": 1}"#, code: .invalidField, field: "priority"),
        BadInput(json: #"{"type": "x", "priority": ["high"]}"#, code: .invalidField, field: "priority"),
        BadInput(json: #"{"type": "x", "priority": "urgent"}"#, code: .invalidField, field: "priority"),
        BadInput(json: #"{"type": "x", "priority": "HIGH"}"#, code: .invalidField, field: "priority"),
        // unknown fields (checked before anything else)
        BadInput(json: #"{"type": "x", "prio": "high"}"#, code: .unknownField, field: "prio"),
        BadInput(json: #"{"typ": "x"}"#, code: .unknownField, field: "typ"),
        // max_attempts range and type
        BadInput(json: #"{"type": "x", "max_attempts": 0}"#, code: .invalidField, field: "max_attempts"),
        BadInput(json: #"{"type": "x", "max_attempts": -1}"#, code: .invalidField, field: "max_attempts"),
        BadInput(json: #"{"type": "x", "max_attempts": 101}"#, code: .invalidField, field: "max_attempts"),
        BadInput(json: #"{"type": "x", "max_attempts": "3"}"#, code: .invalidField, field: "max_attempts"),
        BadInput(json: #"{"type": "x", "max_attempts": 2.5}"#, code: .invalidField, field: "max_attempts"),
        // other fields
        BadInput(json: #"{"type": "x", "role": ""}"#, code: .invalidField, field: "role"),
        BadInput(json: #"{"type": "x", "role": 7}"#, code: .invalidField, field: "role"),
        BadInput(json: #"{"type": "x", "capabilities": 5}"#, code: .invalidField, field: "capabilities"),
        BadInput(json: #"{"type": "x", "capabilities": ["gpu", 1]}"#, code: .invalidField, field: "capabilities"),
        BadInput(json: #"{"type": "x", "capabilities": ["g p u"]}"#, code: .invalidField, field: "capabilities"),
        BadInput(json: #"{"type": "x", "complexity": "hard"}"#, code: .invalidField, field: "complexity"),
        BadInput(json: #"{"type": "x", "timeout_seconds": 0}"#, code: .invalidField, field: "timeout_seconds"),
        BadInput(json: #"{"type": "x", "timeout_seconds": 604801}"#, code: .invalidField, field: "timeout_seconds"),
        BadInput(json: #"{"type": "x", "timeout": "10s"}"#, code: .invalidField, field: "timeout"),
        BadInput(json: #"{"type": "x", "idempotency_key": ""}"#, code: .invalidField, field: "idempotency_key"),
        BadInput(json: #"{"type": "x", "idempotency_key": 12}"#, code: .invalidField, field: "idempotency_key"),
        BadInput(json: #"{"type": "x", "depends_on": [1]}"#, code: .invalidField, field: "depends_on"),
        BadInput(json: #"{"type": "x", "depends_on": {"a": 1}}"#, code: .invalidField, field: "depends_on"),
        BadInput(json: #"{"type": "x", "metadata": "m"}"#, code: .invalidField, field: "metadata"),
        BadInput(json: #"{"type": "x", "id": "bad id"}"#, code: .invalidField, field: "id"),
        BadInput(json: #"{"type": "x", "prompt": 3}"#, code: .invalidField, field: "prompt"),
        BadInput(json: #"{"type": "x", "verify": [true]}"#, code: .invalidField, field: "verify"),
        // not an object at all
        BadInput(json: #"[]"#, code: .invalidField, field: nil),
        BadInput(json: #"[{"type": "x"}]"#, code: .invalidField, field: nil),
        BadInput(json: #""testing.run""#, code: .invalidField, field: nil),
        BadInput(json: #"42"#, code: .invalidField, field: nil),
        BadInput(json: #"null"#, code: .invalidField, field: nil),
    ]

    @Test("bad input is refused with a stable code and the field", arguments: badInputs)
    func refused(_ input: BadInput) throws {
        let json = try JSONValue.parse(input.json)
        let error = caught { try TaskSpec(json: json) }
        #expect(error?.code == input.code)
        #expect(error?.field == input.field)
        #expect(error?.httpStatus == 400)
        #expect(error.map { !$0.message.isEmpty } == true)
    }

    @Test("in a batch the field names the position")
    func batchFieldNames() {
        #expect(caught { try TaskSpec(json: ["type": "x", "priority": 1], index: 3) }?.field == "tasks[3].priority")
        #expect(caught { try TaskSpec(json: ["type": "x", "bogus": 1], index: 0) }?.field == "tasks[0].bogus")
        #expect(caught { try TaskSpec(json: [:], index: 1) }?.field == "tasks[1].type")
        let nonObject = caught { try TaskSpec(json: "nope", index: 2) }
        #expect(nonObject?.code == .invalidField)
        #expect(nonObject?.field == "tasks[2]")
    }

    @Test("too long names and keys are refused")
    func lengthLimits() {
        #expect(caught { try TaskSpec(json: ["type": .string(String(repeating: "t", count: 129))]) }?.field == "type")
        #expect(caught { try TaskSpec(json: ["type": .string(String(repeating: "t", count: 128))]) } == nil)
        #expect(caught { try TaskSpec(json: ["type": "x", "idempotency_key": .string(String(repeating: "k", count: 257))]) }?.field == "idempotency_key")
        #expect(caught { try TaskSpec(json: ["type": "x", "idempotency_key": .string(String(repeating: "k", count: 256))]) } == nil)
        let many = JSONValue.array((0...TaskSpec.maxDependencies).map { .string("d\($0)") })
        #expect(caught { try TaskSpec(json: ["type": "x", "depends_on": many]) }?.field == "depends_on")
    }

    @Test("a minimal task gets the documented defaults")
    func defaults() throws {
        let spec = try TaskSpec(json: ["type": "code.generate"])
        #expect(spec.type == "code.generate")
        #expect(spec.role == "general")
        #expect(spec.priority == .normal)
        #expect(spec.maxAttempts == 3)
        #expect(spec.capabilities.isEmpty)
        #expect(spec.dependsOn.isEmpty)
        #expect(spec.timeoutSeconds == nil)
        #expect(spec.idempotencyKey == nil)
        #expect(spec.payload == .object([:]))
    }

    @Test("role is derived from the type", arguments: [
        ("testing.run", "testing"), ("testing.coverage", "testing"), ("code.review", "review"),
        ("security.scan", "security"), ("deployment.deploy", "deployment"), ("documentation.generate", "documentation"),
        ("code.generate", "general"), ("something.unknown", "general"), ("x", "general"),
    ])
    func roleDerivation(type: String, role: String) throws {
        #expect(RoleTable.role(forType: type) == role)
        #expect(try TaskSpec(json: ["type": .string(type)]).role == role)
    }

    @Test("an explicit role wins over the type's")
    func explicitRole() throws {
        #expect(try TaskSpec(json: ["type": "testing.run", "role": "review"]).role == "review")
        #expect(try TaskSpec(json: ["type": "testing.run", "role": nil]).role == "testing")
    }

    @Test("every field is read")
    func fullSpec() throws {
        let json = try JSONValue.parse(#"""
        {"id": "t-1", "type": "code.review", "role": "review", "capabilities": ["swift", "linux", "swift"],
         "priority": "critical", "payload": {"pr": 12}, "prompt": "look", "context": {"c": 1},
         "success_criteria": ["green"], "verify": ["swift test"], "depends_on": ["a", "b", "a"],
         "timeout_seconds": 90, "max_attempts": 5, "idempotency_key": "pr-12", "repo": "org/repo",
         "complexity": "complex", "budget": {"usd": 2}, "metadata": {"source": "ci"}}
        """#)
        let spec = try TaskSpec(json: json)
        #expect(spec.id == "t-1")
        #expect(spec.capabilities == ["linux", "swift"], "deduplicated and sorted")
        #expect(spec.priority == .critical)
        #expect(spec.payload == ["pr": 12])
        #expect(spec.prompt == "look")
        #expect(spec.context == ["c": 1])
        #expect(spec.successCriteria == ["green"])
        #expect(spec.verify == ["swift test"])
        #expect(spec.dependsOn == ["a", "b"], "deduplicated, order kept")
        #expect(spec.timeoutSeconds == 90)
        #expect(spec.maxAttempts == 5)
        #expect(spec.idempotencyKey == "pr-12")
        #expect(spec.repo == "org/repo")
        #expect(spec.complexity == .complex)
        #expect(spec.budget == ["usd": 2])
        #expect(spec.metadata == ["source": "ci"])
        // What the API shows reads back to the same spec (ids are not part of spec.json).
        var again = try TaskSpec(json: spec.json)
        again.id = spec.id
        #expect(again == spec)
    }

    @Test("lenient forms: a single string for a list, null for absent, integral floats")
    func lenientForms() throws {
        let spec = try TaskSpec(json: ["type": "x", "capabilities": "gpu", "depends_on": "a", "priority": nil, "max_attempts": 4.0])
        #expect(spec.capabilities == ["gpu"])
        #expect(spec.dependsOn == ["a"])
        #expect(spec.priority == .normal)
        #expect(spec.maxAttempts == 4)
    }

    @Test("timeout_seconds wins over timeout; timeout alone is used")
    func timeoutAliases() throws {
        #expect(try TaskSpec(json: ["type": "x", "timeout": 20]).timeoutSeconds == 20)
        #expect(try TaskSpec(json: ["type": "x", "timeout": 20, "timeout_seconds": 30]).timeoutSeconds == 30)
    }

    @Test("max_attempts bounds are inclusive", arguments: [1, 50, 100])
    func maxAttemptsBounds(value: Int) throws {
        #expect(try TaskSpec(json: ["type": "x", "max_attempts": .int(Int64(value))]).maxAttempts == value)
    }

    @Test("every priority name is accepted", arguments: Priority.allCases)
    func priorities(priority: Priority) throws {
        #expect(try TaskSpec(json: ["type": "x", "priority": .string(priority.rawValue)]).priority == priority)
    }

    @Test("error codes map to HTTP statuses and render as JSON")
    func errorShape() {
        #expect(FlotillaError(.staleAttempt, "m").httpStatus == 409)
        #expect(FlotillaError(.unknownDependency, "m").httpStatus == 422)
        #expect(FlotillaError(.dependencyCycle, "m").httpStatus == 422)
        #expect(FlotillaError(.taskNotFound, "m").httpStatus == 404)
        #expect(FlotillaError(.bodyTooLarge, "m").httpStatus == 413)
        #expect(FlotillaError(.rateLimited, "m").httpStatus == 429)
        #expect(FlotillaError(.unauthorized, "m").httpStatus == 401)
        let error = FlotillaError(.invalidField, "bad", field: "priority")
        #expect(error.json == ["error": ["code": "invalid_field", "message": "bad", "field": "priority"]])
        #expect(FlotillaError(.internalError, "x").json["error"]?["field"] == JSONValue.null)
        #expect(error.description == "invalid_field: bad")
        #expect(FlotillaError.taskNotFound("t9").field == "id")
    }
}
