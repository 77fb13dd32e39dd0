public import Crypto
import FlotillaCore
import Foundation

/// The hub's Ed25519 key, with which it signs what it sends agents over MQTT (issue 20, item 1).
///
/// Kept in `<data-dir>/hub-signing.key` (0600, created on first use), so it survives restarts
/// and agents can pin its public half once: `flotilla token create` prints it and `POST
/// /api/tokens` returns it as `hub_key`, beside the token the agent gets at the same time.
public enum HubSigningKey {
    public static func path(dataDirectory: String) -> String {
        DataDirectory(dataDirectory).signingKeyPath
    }

    /// The key in the data directory, created when there is none yet.
    public static func load(dataDirectory: String) throws -> Curve25519.Signing.PrivateKey {
        let path = path(dataDirectory: dataDirectory)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data) else {
                throw FlotillaError(.internalError, "\(path) does not hold an Ed25519 key; move it away and the hub makes a new one (agents must then pin the new hub_key).")
            }
            return key
        }
        let key = Curve25519.Signing.PrivateKey()
        // O_EXCL: two parts of the hub starting at once agree on one key.
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return try load(dataDirectory: dataDirectory) }
            throw FlotillaError(.internalError, "Cannot write \(path): errno \(errno)")
        }
        defer { close(descriptor) }
        let bytes = Array((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw FlotillaError(.internalError, "Cannot write \(path): errno \(errno)") }
        return key
    }

    /// The public half as agents take it (`--hub-key`): base64 of the raw 32 bytes.
    public static func publicKeyText(dataDirectory: String) throws -> String {
        try load(dataDirectory: dataDirectory).publicKey.rawRepresentation.base64EncodedString()
    }
}
