public import Crypto
import Foundation

/// The proof an MQTT message carries in `metadata.auth` (issue 20, item 1): who signed it, for
/// whom, when, a nonce, and the signature over everything else in the message.
///
/// A broker lets anyone who may publish on a topic say anything there, so the hub and its agents
/// trust a message for what it proves, not for the topic it came on:
/// - the hub signs what it sends an agent with its Ed25519 key (`ed25519`, key id `hub`, `to` =
///   the agent), which agents pin when they get their credentials;
/// - an agent authenticates what it sends with HMAC-SHA256 keyed by SHA-256 of its token's
///   secret (`hmac-sha256`, key id = the token's id), which is what the hub stores for the token.
///
/// The signed bytes are a fixed prefix, the proof's own fields and the message's JSON without
/// `metadata.auth`, written by ``JSONValue/write(to:)`` (sorted keys, one spelling per value), so
/// both ends compute them from the parsed message alike.
public struct MessageAuth: Sendable, Hashable {
    public enum Algorithm: String, Sendable {
        case ed25519
        case hmacSHA256 = "hmac-sha256"
    }

    public var algorithm: Algorithm
    /// `hub` for the hub's key; a token id for an agent's.
    public var keyID: String
    /// The agent a hub message is meant for (a message for one agent is no good to another).
    public var recipient: String?
    /// When it was signed, in milliseconds since 1970.
    public var timestamp: Int64
    /// Unique per message (a session id for an agent's will).
    public var nonce: String
    /// Base64 signature or MAC.
    public var signature: String

    public static let hubKeyID = "hub"

    public var json: JSONValue {
        var out: [String: JSONValue] = [
            "alg": .string(algorithm.rawValue), "kid": .string(keyID), "ts": .int(timestamp),
            "nonce": .string(nonce), "sig": .string(signature),
        ]
        if let recipient { out["to"] = .string(recipient) }
        return .object(out)
    }

    public init(algorithm: Algorithm, keyID: String, recipient: String?, timestamp: Int64, nonce: String, signature: String = "") {
        self.algorithm = algorithm
        self.keyID = keyID
        self.recipient = recipient
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }

    /// Reads `metadata.auth`; nil when the message has none or it is malformed.
    public init?(json: JSONValue) {
        guard let object = json.objectValue,
              let algorithm = object["alg"]?.stringValue.flatMap(Algorithm.init(rawValue:)),
              let keyID = object["kid"]?.stringValue, let timestamp = object["ts"]?.intValue,
              let nonce = object["nonce"]?.stringValue, !nonce.isEmpty,
              let signature = object["sig"]?.stringValue else { return nil }
        self.init(algorithm: algorithm, keyID: keyID, recipient: object["to"]?.stringValue, timestamp: Int64(timestamp), nonce: nonce, signature: signature)
    }

    /// The bytes the signature covers: the proof's fields and `message` without its proof.
    func signedBytes(of message: JSONValue) -> [UInt8] {
        var out = Array("flotilla-mqtt-auth-1\n\(algorithm.rawValue)\n\(keyID)\n\(recipient ?? "")\n\(timestamp)\n\(nonce)\n".utf8)
        Self.stripped(message).write(to: &out)
        return out
    }

    /// `message` without `metadata.auth` (and without `metadata` when that was all it held).
    public static func stripped(_ message: JSONValue) -> JSONValue {
        guard case .object(var object) = message, case .object(var metadata)? = object["metadata"] else { return message }
        metadata["auth"] = nil
        object["metadata"] = metadata.isEmpty ? nil : .object(metadata)
        return .object(object)
    }

    /// The proof in `message`'s `metadata.auth`, if any.
    public static func of(_ message: JSONValue) -> MessageAuth? {
        message["metadata"]?["auth"].flatMap(MessageAuth.init(json:))
    }

    /// `message` with `auth` in its `metadata`.
    static func attach(_ auth: MessageAuth, to message: JSONValue) -> JSONValue {
        guard case .object(var object) = message else { return message }
        var metadata = object["metadata"]?.objectValue ?? [:]
        metadata["auth"] = auth.json
        object["metadata"] = .object(metadata)
        return .object(object)
    }

    public static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    public static func newNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }
}

// MARK: - Signing and checking

extension MessageAuth {
    /// The hub's signature on a message for agent `recipient`.
    public static func signedByHub(_ message: JSONValue, for recipient: String?, key: Curve25519.Signing.PrivateKey, at timestamp: Int64 = MessageAuth.nowMilliseconds(), nonce: String = MessageAuth.newNonce()) -> JSONValue {
        var auth = MessageAuth(algorithm: .ed25519, keyID: hubKeyID, recipient: recipient, timestamp: timestamp, nonce: nonce)
        let signature = (try? key.signature(for: auth.signedBytes(of: message))) ?? Data()
        auth.signature = signature.base64EncodedString()
        return attach(auth, to: message)
    }

    /// An agent's MAC on a message, with the key of its token (``agentKey(secretHash:)``).
    public static func signedByAgent(_ message: JSONValue, tokenID: String, key: SymmetricKey, at timestamp: Int64 = MessageAuth.nowMilliseconds(), nonce: String = MessageAuth.newNonce()) -> JSONValue {
        var auth = MessageAuth(algorithm: .hmacSHA256, keyID: tokenID, recipient: nil, timestamp: timestamp, nonce: nonce)
        let mac = HMAC<SHA256>.authenticationCode(for: auth.signedBytes(of: message), using: key)
        auth.signature = Data(mac).base64EncodedString()
        return attach(auth, to: message)
    }

    /// Whether the hub's key signed `message` with this proof.
    public func isValid(hubSignatureOn message: JSONValue, publicKey: Curve25519.Signing.PublicKey) -> Bool {
        guard algorithm == .ed25519, keyID == Self.hubKeyID, let signature = Data(base64Encoded: signature) else { return false }
        return publicKey.isValidSignature(signature, for: signedBytes(of: message))
    }

    /// Whether the holder of the token with `key` authenticated `message` with this proof.
    public func isValid(agentMACOn message: JSONValue, key: SymmetricKey) -> Bool {
        guard algorithm == .hmacSHA256, let mac = Data(base64Encoded: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signedBytes(of: message), using: key)
    }

    /// The MAC key of a token: the hex SHA-256 of its secret, as the hub stores it.
    public static func agentKey(secretHash: String) -> SymmetricKey {
        SymmetricKey(data: Data(secretHash.utf8))
    }

    /// The MAC key of a whole token (`flt_<id>_<secret>`), with its id; nil for another shape.
    public static func agentKey(token: String) -> (tokenID: String, key: SymmetricKey)? {
        guard token.hasPrefix("flt_") else { return nil }
        let body = token.dropFirst(4)
        guard let separator = body.firstIndex(of: "_") else { return nil }
        let id = String(body[..<separator])
        let secret = body[body.index(after: separator)...]
        guard !id.isEmpty, !secret.isEmpty else { return nil }
        return (id, agentKey(secretHash: TokenSecret.hash(secret)))
    }

    /// Reads an Ed25519 public key written as base64 (what `flotilla token create` prints).
    public static func hubPublicKey(base64: String) -> Curve25519.Signing.PublicKey? {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: data)
    }
}
