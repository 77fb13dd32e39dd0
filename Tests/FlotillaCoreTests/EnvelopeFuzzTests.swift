import Foundation
import FuzzSupport
import Testing

@testable import FlotillaCore

/// Fuzzing the wire decoders every frame and MQTT message goes through: ``JSONValue/parse(_:)``,
/// ``Envelope/init(text:)`` and the typed readers behind an envelope's type (registrations,
/// attempt reports, MQTT proofs, task submissions). Random bytes, mutated valid messages,
/// wrong-typed fields, deep nesting and huge values must each decode or throw a
/// ``FlotillaError`` with an input code; never trap, never hang. A decoded envelope re-encodes
/// to a fixed point, so what the hub forwards is what it understood.
///
/// Seeded: a failure names its seed; `FLOTILLA_FUZZ_SEED=<seed>` replays it.
@Suite struct EnvelopeFuzzTests {
    /// The codes bad input may get: anything else (`internal_error`, …) is a decoder bug.
    static let inputCodes: Set<FlotillaError.Code> = [.malformedJSON, .invalidField, .missingField, .unknownField]

    /// Valid messages of every kind an agent, a broker or a submitter sends the hub.
    static let valid: [JSONValue] = [
        ["id": "m1", "type": "register", "ts": "2026-01-02T03:04:05.678Z", "agent_id": "tester-1", "role": "testing",
         "payload": ["roles": ["testing", "general"], "capabilities": ["python"], "concurrency": 2, "executor": "shell", "version": "0.1.0", "pid": 4242, "host": "ci-7"]],
        ["id": "m2", "type": "heartbeat", "ts": "2026-01-02T03:04:05.678Z", "agent_id": "tester-1", "payload": ["rss_mb": 81, "uptime": 12.5]],
        ["id": "m3", "type": "ready", "ts": "t", "payload": [:]],
        ["id": "m4", "type": "drain", "ts": "t"],
        ["id": "m5", "type": "accept", "ts": "t", "payload": ["task_id": "build-1", "attempt": 1]],
        ["id": "m6", "type": "progress", "ts": "t", "payload": ["task_id": "build-1", "attempt": 1, "percent": 42.5, "message": "compiling"]],
        ["id": "m7", "type": "complete", "ts": "t", "payload": ["task_id": "build-1", "attempt": 1, "result": ["status": "success", "exit_code": 0, "summary": "ok"]]],
        ["id": "m8", "type": "fail", "ts": "t", "payload": ["task_id": "build-1", "attempt": 2, "error": "tests failed", "retryable": false, "result": ["exit_code": 1]]],
        ["id": "m9", "type": "release", "ts": "t", "payload": ["task_id": "build-1", "attempt": 3, "reason": "draining"]],
        ["id": "m10", "type": "message", "ts": "t", "agent_id": "a", "payload": ["to": "b", "body": ["hello": "there"]]],
        ["id": "m11", "type": "status", "ts": "t", "agent_id": "a", "payload": ["status": "online"]],
        ["id": "m12", "type": "complete", "ts": "t", "agent_id": "a",
         "payload": ["task_id": "t", "attempt": 1, "result": [:]],
         "metadata": ["auth": ["alg": "hmac-sha256", "kid": "01m7z4zcnp68jk", "ts": 1_767_225_600_000, "nonce": "n-1", "sig": "c2lnbmF0dXJl"]]],
        ["id": "msg_abc123", "timestamp": "2026-02-22T19:00:00Z", "agent_id": "sheri-ml-02", "role": "general", "type": "deployment.deploy",
         "payload": ["command": "./deploy.sh"], "metadata": ["priority": "high", "retry_count": 0, "ttl": 300]],
        ["task": "deploy auth system", "priority": "high"],
        ["id": "build-1", "type": "testing.run", "roles": ["testing"], "capabilities": "python", "priority": "critical", "payload": ["cmd": "swift test"],
         "verify": ["swift build"], "depends_on": ["a", "b"], "timeout_seconds": 600, "max_attempts": 3, "idempotency_key": "k",
         "repo": "https://example.com/r.git", "complexity": "standard", "metadata": ["x": 1], "ttl_seconds": 60, "submitter": "ci"],
    ]

    /// What the hub makes of one incoming text, as far as the pure readers go: the envelope,
    /// then the typed payload its type carries, its MQTT proof, and the text read as a task
    /// submission (MQTT's `tasks/new` and request topics).
    static func decode(_ bytes: [UInt8]) throws(FlotillaError) -> Envelope? {
        // The socket reads binary frames as text too, repairing bad UTF-8 the same way.
        let json = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        _ = try? TaskSpec(submitted: json)
        _ = try? TaskSpec(request: json, defaultType: "testing.run")
        let envelope = try Envelope(json: json)
        switch envelope.type {
        case .register: _ = try AgentRegistration(envelope: envelope)
        case .accept, .progress, .complete, .fail, .release: _ = try AttemptReport(envelope: envelope)
        default: break
        }
        if let auth = envelope.metadata?["auth"], let proof = MessageAuth(json: auth) {
            _ = proof.signedBytes(of: envelope.json)
        }
        return envelope
    }

    /// Decodes `bytes` and checks the outcome; false when it found something.
    @discardableResult
    static func check(_ bytes: [UInt8], seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        func recordFinding(_ what: String, seed: UInt64, input: [UInt8], sourceLocation: SourceLocation) {
            let shown = String(decoding: input.prefix(300), as: UTF8.self).debugDescription
            let replay = seed == 0 ? "a fixed input" : "replay with FLOTILLA_FUZZ_SEED=\(seed)"
            Issue.record("\(what) (\(replay)); input (\(input.count) bytes): \(shown)", sourceLocation: sourceLocation)
        }
        // The thread's CPU time, not the wall clock: this runs on one thread without a
        // suspension, and a machine busy with other work must not look like a slow decoder.
        let start = threadCPUTime()
        defer {
            // Linear work on a megabyte takes a debug build a second or two; a hang or a
            // quadratic blow-up takes far longer than this.
            let limit = Duration.seconds(2) + .milliseconds(bytes.count / 250)
            if threadCPUTime() - start > limit { recordFinding("decoding took over \(limit) of CPU time", seed: seed, input: bytes, sourceLocation: sourceLocation) }
        }
        // Every typed reader as well, whatever the envelope: a submission that fails must fail
        // with an input code too.
        if let json = try? JSONValue.parse(bytes) {
            for error in [thrown { () throws(FlotillaError) in _ = try TaskSpec(submitted: json) }, thrown { () throws(FlotillaError) in _ = try TaskSpec(request: json, defaultType: "x") }].compactMap({ $0 }) {
                guard inputCodes.contains(error.code), !error.message.isEmpty else {
                    recordFinding("a task reader threw \(error.code.rawValue): \(error.message)", seed: seed, input: bytes, sourceLocation: sourceLocation)
                    return false
                }
            }
        }
        do {
            guard let envelope = try decode(bytes) else { return true }
            // What the hub understood is what it would write again, unchanged by another round.
            let text = envelope.text
            guard let again = try? Envelope(text: text), again.text == text else {
                recordFinding("a decoded envelope does not re-encode to a fixed point: \(text.prefix(200))", seed: seed, input: bytes, sourceLocation: sourceLocation)
                return false
            }
            return true
        } catch {
            guard inputCodes.contains(error.code), !error.message.isEmpty else {
                recordFinding("threw \(error.code.rawValue) for bad input: \(error.message)", seed: seed, input: bytes, sourceLocation: sourceLocation)
                return false
            }
            return true
        }
    }

    @Test func randomBytesDecodeOrThrowAnInputError() {
        var random = FuzzRandom(fallback: 0xE1E0_0001)
        let alphabet = Array(#"{}[]":,\ntrufalse0123456789.-+eE"#.utf8)
        var decoded = 0
        for _ in 0..<20_000 {
            let length = random.int(0...160)
            let bytes: [UInt8] = random.chance(2)
                ? (0..<length).map { _ in random.byte() }
                : (0..<length).map { _ in random.element(alphabet) }
            if (try? Self.decode(bytes)) != nil { decoded += 1 }
            guard Self.check(bytes, seed: random.seed) else { return }
        }
        // Random text is almost never an envelope; what matters is that nothing trapped.
        #expect(decoded < 20_000)
    }

    @Test func mutatedMessagesDecodeOrThrowAnInputError() {
        var random = FuzzRandom(fallback: 0xE1E0_0002)
        var decoded = 0
        var refused = 0
        for _ in 0..<30_000 {
            let bytes = JSONMutation.mutatedText(of: random.element(Self.valid), using: &random)
            if (try? Self.decode(bytes)) != nil { decoded += 1 } else { refused += 1 }
            guard Self.check(bytes, seed: random.seed) else { return }
        }
        // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
        #expect(decoded > 1000, "only \(decoded) of 30,000 mutated messages decoded")
        #expect(refused > 1000, "only \(refused) of 30,000 mutated messages were refused")
    }

    /// Each field of each valid message, replaced by a value of every other type, or removed.
    @Test func wrongTypesPerFieldAreRefusedOrIgnored() {
        let seed: UInt64 = 0
        var checked = 0
        for message in Self.valid {
            for path in JSONMutation.paths(of: message) {
                for replacement in JSONMutation.palette + [nil] {
                    let bytes = Array(JSONMutation.replacing(path, in: message, with: replacement).jsonString.utf8)
                    guard Self.check(bytes, seed: seed) else { return }
                    checked += 1
                }
            }
        }
        #expect(checked > 1000)
    }

    /// `type` is the field every decoder branches on: every known type with every payload.
    @Test func everyTypeWithEveryPayload() {
        let seed: UInt64 = 0xE1E0_0004
        let payloads = Self.valid.compactMap { $0["payload"] } + [[:], ["task_id": 1, "attempt": "1"], ["task_id": "t", "attempt": 1e300], ["task_id": "t", "attempt": -5, "percent": 1e999]]
        for type in MessageType.allCases.map(\.rawValue) + ["", "REGISTER", "register ", "__proto__"] {
            for payload in payloads {
                let message: JSONValue = ["id": "x", "type": .string(type), "ts": "t", "agent_id": "a", "payload": payload]
                guard Self.check(Array(message.jsonString.utf8), seed: seed) else { return }
            }
        }
    }

    @Test func deepNestingIsRefusedWithoutRecursingIntoIt() throws {
        let seed: UInt64 = 0
        for opener in ["[", #"{"a":"#, #"{"type":"ready","payload":{"a":"#] {
            let bytes = Array(String(repeating: opener, count: 200_000).utf8)
            let start = ContinuousClock.now
            let error = caught { try JSONValue.parse(bytes) }
            #expect(error?.code == .malformedJSON && error?.message.contains("nested too deeply") == true, "\(opener)…: \(String(describing: error))")
            #expect(ContinuousClock.now - start < .seconds(2))
            Self.check(bytes, seed: seed)
        }
        // Just within the limit, a message decodes and survives a round trip.
        let nested = (0..<500).reduce(JSONValue.string("leaf")) { inner, _ in ["n": inner] }
        let message: JSONValue = ["id": "d", "type": "complete", "ts": "t", "payload": ["task_id": "t", "attempt": 1, "result": nested]]
        let envelope = try #require(try Self.decode(Array(message.jsonString.utf8)))
        #expect(envelope.payload["result"] == nested)
        #expect(Self.check(Array(message.jsonString.utf8), seed: seed))
    }

    @Test func hugeValuesDecodeOrThrowAnInputError() throws {
        let seed: UInt64 = 0
        let big = String(repeating: "x", count: 4 << 20)
        let members = Dictionary(uniqueKeysWithValues: (0..<50_000).map { ("k\($0)", JSONValue.int(Int64($0))) })
        let cases: [JSONValue] = [
            ["id": .string(big), "type": "ready", "ts": "t"],
            ["type": "progress", "payload": ["task_id": "t", "attempt": 1, "message": .string(big)]],
            ["type": "complete", "payload": ["task_id": "t", "attempt": 1, "result": .object(members)]],
            ["type": "register", "agent_id": "a", "payload": ["capabilities": .array((0..<100_000).map { .string("c\($0)") })]],
            ["type": "register", "agent_id": .string(String(repeating: "a", count: 129))],
            ["type": "register", "agent_id": "a", "payload": ["concurrency": .int(.max)]],
        ]
        for message in cases { Self.check(Array(message.jsonString.utf8), seed: seed) }
        // Numbers no integer holds are refused where an integer is needed, not wrapped around.
        for attempt in ["1e999", "-1e999", "99999999999999999999", "1.5", "9007199254740993.0"] {
            let text = #"{"type":"accept","payload":{"task_id":"t","attempt":"# + attempt + "}}"
            let error = caught { try AttemptReport(envelope: Envelope(text: text)) }
            #expect(error?.code == .missingField && error?.field == "payload.attempt", "attempt \(attempt): \(String(describing: error))")
        }
        let infinite = caught { try AttemptReport(envelope: Envelope(text: #"{"type":"progress","payload":{"task_id":"t","attempt":1,"percent":1e999}}"#)) }
        #expect(infinite?.code == .invalidField && infinite?.field == "payload.percent")
    }

    static func thrown(_ body: () throws(FlotillaError) -> Void) -> FlotillaError? {
        do { try body() } catch { return error }
        return nil
    }
}

/// The calling thread's CPU time so far.
private func threadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}
