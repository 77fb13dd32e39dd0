import Crypto

/// The signature of a webhook delivery (docs/notifications.md, "Verifying a delivery").
///
/// `X-Flotilla-Signature: sha256=<hex>` where `<hex>` is the lowercase hex HMAC-SHA256, keyed
/// with the target's secret, of `"<timestamp>.<body>"`: the `X-Flotilla-Timestamp` header's
/// value (Unix seconds), a dot, and the raw body bytes. Signing the timestamp with the body
/// lets a receiver refuse a replayed delivery: it checks the signature, then that the
/// timestamp is within a few minutes of its clock (we advise 5), then that it has not seen the
/// `X-Flotilla-Delivery` id before (a retried delivery keeps its id, with a new timestamp).
public enum NotificationSignature {
    public static let signatureHeader = "X-Flotilla-Signature"
    public static let timestampHeader = "X-Flotilla-Timestamp"
    public static let deliveryHeader = "X-Flotilla-Delivery"
    public static let eventHeader = "X-Flotilla-Event"

    /// `sha256=<hex>` for `body` sent at `timestamp` (Unix seconds).
    public static func header(timestamp: Int64, body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: signedBytes(timestamp: String(timestamp), body: body), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + hex(Array(code))
    }

    /// Whether `header` signs `body` at `timestamp` with `secret` (compared in constant time),
    /// and `timestamp` is within `tolerance` seconds of `now`.
    public static func isValid(_ header: String?, timestamp: String?, body: [UInt8], secret: String, now: Double, tolerance: Double = 300) -> Bool {
        guard let header, let timestamp, let seconds = Int64(timestamp), abs(Double(seconds) - now) <= tolerance else { return false }
        guard header.hasPrefix("sha256="), let digest = bytes(fromHex: String(header.dropFirst(7))), digest.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: signedBytes(timestamp: timestamp, body: body), using: SymmetricKey(data: Array(secret.utf8)))
    }

    static func signedBytes(timestamp: String, body: [UInt8]) -> [UInt8] {
        Array(timestamp.utf8) + [UInt8(ascii: ".")] + body
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            case 0x41...0x46: digit - 0x41 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }
}
