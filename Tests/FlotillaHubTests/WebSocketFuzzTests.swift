import FlotillaClient
import FlotillaCore
import Foundation
import FuzzSupport
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import Testing

/// Issue 20's fuzzing proof on `/ws`: a real WebSocket client with an agent token sends a real
/// hub thousands of mutated envelopes (bit flips, truncation, wrong-typed fields, deep nesting,
/// invalid UTF-8 in binary frames, oversized frames), aimed at another agent's running attempt.
/// The hub answers what it can read with coded errors, stays up, and nothing changes: the
/// victim's task is exactly as it was, no task appears, the victim is handed nothing, and a
/// normal submit → complete works afterwards.
///
/// Seeded: a failure names its seed; `FLOTILLA_FUZZ_SEED=<seed>` replays it.
@Suite struct WebSocketFuzzTests {
    /// What the hub answered the fuzzer.
    final class Replies: Sendable {
        private let state = Mutex<(codes: [String: Int], refs: Set<String>, other: [String])>(([:], [], []))
        func record(_ envelope: Envelope) {
            state.withLock { state in
                if let ref = envelope.payload["ref"]?.stringValue { state.refs.insert(ref) }
                switch envelope.type {
                case .error: state.codes[envelope.payload["code"]?.stringValue ?? "?", default: 0] += 1
                case .ack, .registered: state.codes[envelope.type.rawValue, default: 0] += 1
                default: state.other.append(envelope.type.rawValue)
                }
            }
        }
        var codes: [String: Int] { state.withLock { $0.codes } }
        var other: [String] { state.withLock { $0.other } }
        func answered(_ ref: String) -> Bool { state.withLock { $0.refs.contains(ref) } }
    }

    /// Envelopes an attacker holding the `fuzzer` agent token would try against `victim`'s attempt.
    static func bases(taskID: String, attempt: Int) -> [JSONValue] {
        let report = { (type: String, extra: [String: JSONValue]) -> JSONValue in
            var payload: [String: JSONValue] = ["task_id": .string(taskID), "attempt": .int(Int64(attempt))]
            payload.merge(extra) { _, new in new }
            return ["id": "r", "type": .string(type), "ts": "2026-12-04T15:00:00Z", "agent_id": "victim", "payload": .object(payload)]
        }
        return [
            ["id": "g1", "type": "register", "agent_id": "victim", "payload": ["roles": ["general"], "capabilities": ["victim-only"], "concurrency": 4]],
            ["id": "g2", "type": "register", "agent_id": "fuzzer", "payload": ["roles": ["general"], "capabilities": ["python"], "concurrency": 2]],
            ["id": "g3", "type": "ready", "agent_id": "fuzzer"],
            ["id": "g4", "type": "heartbeat", "agent_id": "fuzzer", "payload": ["rss_mb": 10]],
            ["id": "g5", "type": "drain", "agent_id": "victim"],
            report("accept", [:]),
            report("progress", ["percent": 50, "message": "forged"]),
            report("complete", ["result": ["status": "success", "output_tail": "forged"]]),
            report("fail", ["error": "forged", "retryable": false]),
            report("release", ["reason": "forged"]),
            ["id": "g6", "type": "message", "agent_id": "fuzzer", "payload": ["to": "victim", "body": ["hello": "there"]]],
            ["id": "g7", "type": "assignment", "payload": ["task_id": "forged", "attempt": 1, "task": ["id": "forged", "type": "code.generate", "payload": ["command": "touch /tmp/forged"]]]],
            ["id": "g8", "type": "cancel", "payload": ["task_id": .string(taskID), "attempt": .int(Int64(attempt))]],
            ["id": "g9", "type": "status", "agent_id": "victim", "payload": ["status": "offline"]],
        ]
    }

    /// A number shared between the writer and the reader of a socket.
    final class Counter: Sendable {
        private let count: Mutex<Int>
        init(_ value: Int) { count = Mutex(value) }
        var value: Int { count.withLock { $0 } }
        func set(_ value: Int) { count.withLock { $0 = value } }
    }

    /// One frame: mutated text, or raw bytes (possibly not UTF-8) in a binary frame.
    enum Frame: Sendable {
        case text(String)
        case binary([UInt8])
    }

    /// `rounds` sockets' worth of mutated frames (``send(_:url:token:replies:)`` ends each socket
    /// with a message over the hub's limit).
    static func rounds(_ rounds: Int, of count: Int, taskID: String, attempt: Int, random: inout FuzzRandom) -> [[Frame]] {
        let bases = bases(taskID: taskID, attempt: attempt)
        return (0..<rounds).map { _ in
            (0..<count).map { _ in
                let bytes = JSONMutation.mutatedText(of: random.element(bases), using: &random)
                return random.chance(4) ? .binary(bytes) : .text(String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// Sends each round on a socket of its own: its frames, then a sentinel whose answer shows the
    /// hub read everything before it, then a frame over the limit, which must end the socket.
    /// Returns how many sockets the hub closed on the oversized frame.
    static func send(_ rounds: [[Frame]], url: String, token: String, replies: Replies) async throws -> Int {
        let closed = Counter(0)
        for (round, frames) in rounds.enumerated() {
            let sentinel = "sentinel-\(round)"
            let ended = Counter(0)
            var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 24)
            configuration.additionalHeaders[.authorization] = "Bearer \(token)"
            var logger = Logger(label: "test.fuzzer")
            logger.logLevel = .critical
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await message in inbound.messages(maxSize: 1 << 24) {
                                if case .text(let text) = message, let envelope = try? Envelope(text: text) { replies.record(envelope) }
                            }
                        } catch {}
                        ended.set(1)
                    }
                    for frame in frames {
                        switch frame {
                        case .text(let text): try await outbound.write(.text(text))
                        case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                        }
                    }
                    try await outbound.write(.text(Envelope(id: sentinel, type: .ready).text))
                    try await eventually("round \(round): the hub answered the sentinel after \(frames.count) frames", within: 30) {
                        replies.answered(sentinel) || ended.value == 1
                    }
                    #expect(replies.answered(sentinel), "round \(round): the hub closed the socket before the sentinel")
                    try await outbound.write(.text(String(repeating: "[", count: (1 << 20) + 10)))
                    try await eventually("round \(round): the hub closed the socket on a message over its limit", within: 30) { ended.value == 1 }
                    closed.set(closed.value + 1)
                    group.cancelAll()
                }
            }
        }
        return closed.value
    }

    @Test func thousandsOfMutatedEnvelopesChangeNothingAndTheHubCarriesOn() async throws {
        // A lease far longer than the test, so only a fuzzed message could take the attempt away.
        let policy = SchedulerPolicy(leaseDuration: 600, backoff: Backoff(base: 0.05, cap: 0.2, jitter: 0))
        try await TestHub.run(policy: policy) { hub in
            let victimToken = try #require(try await hub.client.createToken(name: "victim", agentID: "victim")["token"]?.stringValue)
            let fuzzerToken = try #require(try await hub.client.createToken(name: "fuzzer", agentID: "fuzzer")["token"]?.stringValue)
            try await TestAgent.run(hub, id: "victim", capabilities: ["victim-only"], token: victimToken) { victim in
                _ = try await hub.client.submit(["id": "held-1", "type": "code.generate", "capabilities": ["victim-only"], "payload": ["command": "true"]])
                let held = try await victim.assignment()
                #expect(try await victim.report(.accept, taskID: held.taskID, attempt: held.attempt).type == .ack)
                let before = try await hub.client.task(held.taskID)
                let statsBefore = try await hub.client.stats()["tasks"]

                var random = FuzzRandom(fallback: 0x5753_F022)
                let rounds = Self.rounds(4, of: 800, taskID: held.taskID, attempt: held.attempt, random: &random)
                let replies = Replies()
                let started = ContinuousClock.now
                let closed = try await Self.send(rounds, url: hub.socketURL, token: fuzzerToken, replies: replies)
                #expect(ContinuousClock.now - started < .seconds(60))

                // Every answer is an ack or a coded error the protocol defines; the hub sent the
                // fuzzer nothing else (no assignment, no cancel).
                let known = Set(FlotillaError.Code.allCases.map(\.rawValue) + ["ack", "registered"])
                #expect(replies.codes.keys.allSatisfy(known.contains), "unexpected answers: \(replies.codes) (seed \(random.seed))")
                #expect(replies.other.allSatisfy { $0 == "message" }, "the hub sent the fuzzer \(replies.other)")
                #expect((replies.codes["malformed_json"] ?? 0) > 100 && (replies.codes["forbidden"] ?? 0) + (replies.codes["stale_attempt"] ?? 0) > 0,
                        "the mutations did not reach the decoders and the checks behind them: \(replies.codes)")
                #expect(closed == rounds.count)

                // The hub is up, and nothing changed.
                let health = try await hub.client.send(.GET, "/health")
                #expect(health.status == 200)
                #expect(try await hub.client.task(held.taskID) == before, "the victim's task changed (seed \(random.seed))")
                #expect(try await hub.client.stats()["tasks"] == statsBefore)
                #expect(try await hub.client.tasks()["tasks"]?.arrayValue?.count == 1)

                // The victim still holds its attempt and finishes it; a new task runs normally.
                #expect(try await victim.complete(held.taskID, attempt: held.attempt).type == .ack)
                let fresh = try await hub.client.submit(["type": "code.generate", "capabilities": ["victim-only"], "payload": ["command": "true"]])
                let next = try await victim.assignment()
                #expect(next.taskID == fresh["id"]?.stringValue, "the victim was handed \(next.taskID), not the new task")
                #expect(try await victim.complete(next.taskID, attempt: next.attempt).type == .ack)
                #expect(try await hub.client.task(next.taskID, wait: 10)["state"] == "succeeded")
                #expect(try await hub.client.task(held.taskID)["state"] == "succeeded")
                #expect(try await hub.client.task(held.taskID)["result"] == ["ok": true])
            }
        }
    }
}
