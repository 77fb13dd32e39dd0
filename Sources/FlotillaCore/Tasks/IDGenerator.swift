import Foundation
import Synchronization

/// Makes short, unique, time-sortable ids: 10 Crockford base-32 digits of milliseconds since
/// the epoch followed by 4 of a per-millisecond counter seeded randomly (14 characters).
///
/// Ids made by one generator sort in creation order even within one millisecond; ids from
/// different processes sort by millisecond.
public final class IDGenerator: Sendable {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private let state = Mutex<(millis: UInt64, counter: UInt32)>((0, 0))

    public init() {}

    public func next(now: Double = Date().timeIntervalSince1970) -> String {
        let (millis, counter) = state.withLock { state -> (UInt64, UInt32) in
            let current = UInt64(max(0, now * 1000))
            if current > state.millis {
                state.millis = current
                state.counter = UInt32.random(in: 0..<(1 << 19))
            } else {
                // Same or earlier millisecond (clock step back): keep ordering by counting on.
                state.counter += 1
                if state.counter >= (1 << 20) {
                    state.millis += 1
                    state.counter = 0
                }
            }
            return (state.millis, state.counter)
        }
        var bytes = [UInt8](repeating: 0, count: 14)
        var time = millis
        for index in stride(from: 9, through: 0, by: -1) {
            bytes[index] = Self.alphabet[Int(time & 31)]
            time >>= 5
        }
        var count = counter
        for index in stride(from: 13, through: 10, by: -1) {
            bytes[index] = Self.alphabet[Int(count & 31)]
            count >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A random secret of `byteCount` bytes in lowercase hex (for tokens).
    public static func secret(byteCount: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        var out = ""
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: 0...255, using: &generator)
            out += String(byte >> 4, radix: 16) + String(byte & 15, radix: 16)
        }
        return out
    }
}
