import Crypto
import Foundation

/// HMAC-SHA256 signatures of webhook bodies, as GitHub sends them in `X-Hub-Signature-256`
/// (`sha256=` and the lowercase hex digest of the raw body, keyed with the webhook's secret;
/// docs.github.com, "Validating webhook deliveries").
enum WebhookSignature {
    /// Whether `header` signs `body` with `secret`. The digest is compared in constant time
    /// (swift-crypto's `isValidAuthenticationCode`), on the raw bytes as received. With
    /// `prefixRequired` (GitHub) the header must start with `sha256=`; otherwise it may.
    static func isValid(_ header: String?, body: some DataProtocol, secret: String, prefixRequired: Bool) -> Bool {
        guard var text = header?.trimmingCharacters(in: .whitespaces) else { return false }
        if text.lowercased().hasPrefix("sha256=") {
            text = String(text.dropFirst("sha256=".count))
        } else if prefixRequired {
            return false
        }
        guard let digest = hexBytes(text), digest.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: body, using: SymmetricKey(data: Array(secret.utf8)))
    }

    /// `sha256=<hex>` for `body` (what a sender puts in the header; the tests sign with it).
    static func header(body: some DataProtocol, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of `body` in hex: a generic delivery's id when it sends none.
    static func bodyDigest(_ body: some DataProtocol) -> String {
        SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    /// Hex (either case) to bytes; nil for anything else.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
