import Crypto
@testable import FlotillaCore
import Foundation
import Testing

/// The proofs MQTT messages carry (issue 20, item 1): what verifies, what does not, and replays.
struct MessageAuthTests {
    let hubKey = Curve25519.Signing.PrivateKey()
    static let token = "flt_tok1_s3cret"

    static func assignment() -> JSONValue {
        var record = TaskRecord(id: "t-1", spec: TaskSpec(type: "code.generate", payload: ["command": "true"]), state: .assigned, now: 0)
        record.attempt = 2
        return try! JSONValue.parse(Envelope(id: "m-1", type: .assignment, body: .assignment(task: record, leaseSeconds: 30)).text)
    }

    @Test func aHubSignatureVerifiesAfterTheTextIsReadAgainAndNotOnceAnythingChanges() throws {
        let signed = MessageAuth.signedByHub(Self.assignment(), for: "agent-a", key: hubKey)
        // What the agent reads: the text as sent, parsed again.
        let received = try JSONValue.parse(signed.jsonString)
        let auth = try #require(MessageAuth.of(received))
        #expect(auth.recipient == "agent-a")
        #expect(auth.isValid(hubSignatureOn: received, publicKey: hubKey.publicKey))
        #expect(!auth.isValid(hubSignatureOn: received, publicKey: Curve25519.Signing.PrivateKey().publicKey))

        var tampered = received
        if case .object(var object) = tampered, case .object(var payload)? = object["payload"] {
            payload["attempt"] = 3
            object["payload"] = .object(payload)
            tampered = .object(object)
        }
        #expect(!auth.isValid(hubSignatureOn: tampered, publicKey: hubKey.publicKey))
        // Re-addressed: the recipient is part of what is signed.
        var readdressed = auth
        readdressed.recipient = "agent-b"
        #expect(!readdressed.isValid(hubSignatureOn: received, publicKey: hubKey.publicKey))
    }

    @Test func anAgentMACVerifiesWithTheStoredHashOfItsTokenOnly() throws {
        let (tokenID, key) = try #require(MessageAuth.agentKey(token: Self.token))
        #expect(tokenID == "tok1")
        let message: JSONValue = ["id": "r-1", "type": "complete", "agent_id": "a", "payload": ["task_id": "t-1", "attempt": 1], "metadata": ["priority": "high"]]
        let signed = try JSONValue.parse(MessageAuth.signedByAgent(message, tokenID: tokenID, key: key).jsonString)
        let auth = try #require(MessageAuth.of(signed))
        // The hub keys the MAC with what it stores: hex SHA-256 of the secret.
        let stored = SHA256.hash(data: Data("s3cret".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(auth.isValid(agentMACOn: signed, key: MessageAuth.agentKey(secretHash: stored)))
        #expect(!auth.isValid(agentMACOn: signed, key: MessageAuth.agentKey(secretHash: String(stored.reversed()))))
        // Other metadata is covered; the proof is taken out before checking.
        #expect(MessageAuth.stripped(signed) == message)
        #expect(!auth.isValid(hubSignatureOn: signed, publicKey: hubKey.publicKey))
        #expect(MessageAuth.agentKey(token: "not-a-token") == nil)
        #expect(MessageAuth.of(message) == nil)
    }

    @Test func theReplayGuardTakesEachNonceOnceWithinItsWindow() {
        var guard_ = ReplayGuard(windowMilliseconds: 1000)
        let first = MessageAuth(algorithm: .hmacSHA256, keyID: "k", recipient: nil, timestamp: 10_000, nonce: "n1")
        #expect(guard_.admit(first, now: 10_100) == .fresh)
        #expect(guard_.admit(first, now: 10_200) == .replayed)
        var other = first
        other.keyID = "k2"
        #expect(guard_.admit(other, now: 10_200) == .fresh, "nonces are per key")
        var stale = first
        stale.nonce = "n2"
        stale.timestamp = 8_000
        #expect(guard_.admit(stale, now: 10_200) == .outsideWindow)
        // Long after, the first is forgotten, and refused for its age instead.
        #expect(guard_.admit(first, now: 20_000) == .outsideWindow)
    }
}
