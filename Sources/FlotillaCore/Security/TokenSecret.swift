import Crypto
import Foundation

/// How a token's secret is kept and compared: only its SHA-256 is stored (hex), and hashes are
/// compared in constant time, so response timing reveals nothing about the secret.
public enum TokenSecret {
    /// Lowercase hex SHA-256 of the secret.
    public static func hash(_ secret: some StringProtocol) -> String {
        // Runs on every authenticated request: hex by table, not String(format:) per byte.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Whether two strings are equal, in time that depends on their length only.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
