#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Time as seconds since the Unix epoch (`Double`), and its RFC 3339 rendering.
public enum Timestamp {
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// `2026-11-21T13:20:02.123Z`. Written digit by digit into one fixed-size string: it runs
    /// for every envelope, event and task shown, several times per task.
    public static func iso8601(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        // A microsecond's allowance: a time read back from its own text (`Timestamp.parse`) may
        // sit a rounding error below its millisecond, and must write the same text again.
        let millis = Int32(min(999, max(0, Int((seconds - Double(time)) * 1000 + 0.001))))
        var parts = tm()
        gmtime_r(&time, &parts)
        let year = parts.tm_year + 1900
        guard (0...9999).contains(year) else {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, millis)
        }
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int32, width: Int, at offset: Int) {
                var value = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    out[position] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
            }
            put(year, width: 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(parts.tm_mon + 1, width: 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(parts.tm_mday, width: 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(parts.tm_hour, width: 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(parts.tm_min, width: 2, at: 14)
            out[16] = UInt8(ascii: ":")
            put(parts.tm_sec, width: 2, at: 17)
            out[19] = UInt8(ascii: ".")
            put(millis, width: 3, at: 20)
            out[23] = UInt8(ascii: "Z")
            return 24
        }
    }
}
