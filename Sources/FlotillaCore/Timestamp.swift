#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Time as seconds since the Unix epoch (`Double`), and its RFC 3339 rendering.
public enum Timestamp {
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// `2026-11-21T13:20:02.123Z`. Hand-rolled: it runs for every event.
    public static func iso8601(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        let millis = Int((seconds - Double(time)) * 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(min(999, max(0, millis))), 3))Z"
    }
}
