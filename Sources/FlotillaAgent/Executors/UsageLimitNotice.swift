import Foundation

/// A subscription's usage limit as a CLI reports it, read into the time it resets (seconds since
/// the epoch). Claude Code's notice is read by ``ClaudeStreamParser``; this reads Codex's.
public enum UsageLimitNotice {
    /// When no reset time can be read from a notice: try again after this long.
    public static let fallbackPause = 15.0 * 60

    /// Codex's usage limit, from the text it printed: its API error
    /// (`{"type":"usage_limit_reached",…,"resets_at":<epoch>,"resets_in_seconds":<n>}`) or its
    /// notice (`You've hit your usage limit. … try again in 2 hours 5 minutes`, or `try again at …`,
    /// a local date it cannot be read back from reliably: then ``fallbackPause``). Nil when the
    /// text holds no such notice.
    public static func codexReset(in text: String, now: Double) -> Double? {
        if text.contains("usage_limit_reached") {
            if let epoch = number(after: "\"resets_at\":", in: text) { return epoch }
            if let seconds = number(after: "\"resets_in_seconds\":", in: text) { return now + seconds }
            return now + fallbackPause
        }
        guard let notice = text.range(of: "hit your usage limit", options: .caseInsensitive) else { return nil }
        let rest = text[notice.upperBound...].lowercased()
        if let again = rest.range(of: "try again in ") {
            let words = rest[again.upperBound...].prefix { $0 != "." && $0 != "\n" }.split(separator: " ")
            var seconds = 0.0
            var index = 0
            while index + 1 < words.count, let amount = Double(words[index]) {
                let unit = words[index + 1]
                if unit.hasPrefix("day") { seconds += amount * 86_400 }
                else if unit.hasPrefix("hour") { seconds += amount * 3600 }
                else if unit.hasPrefix("min") { seconds += amount * 60 }
                else if unit.hasPrefix("sec") { seconds += amount }
                else { break }
                index += 2
                if index < words.count, words[index] == "and" { index += 1 }
            }
            if seconds > 0 { return now + seconds }
        }
        return now + fallbackPause
    }

    private static func number(after key: String, in text: String) -> Double? {
        guard let range = text.range(of: key) else { return nil }
        let digits = text[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
        return Double(digits)
    }
}
