import Foundation

/// Wall-clock time in a time zone as plain arithmetic: seconds since 1970 *as if the zone were
/// UTC*. Converting back to an instant is where DST gaps and overlaps are decided.
struct WallClock {
    let timeZone: TimeZone

    func offset(_ instant: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The wall-clock time at `instant`.
    func wall(_ instant: Int64) -> Int64 { instant + offset(instant) }

    /// The instant a wall-clock time means: in an overlap (the hour repeated when clocks go
    /// back) the first of the two; in a gap (the hour skipped when clocks go forward) the first
    /// instant after the gap, so a firing in it happens once, as the clocks change.
    func instant(_ wall: Int64) -> Int64 {
        // Offsets two days apart on both sides: a zone changes its offset at most once in that span.
        let before = offset(wall - 2 * 86_400)
        let after = offset(wall + 2 * 86_400)
        var candidates: [Int64] = []
        for o in Set([before, after]) where offset(wall - o) == o { candidates.append(wall - o) }
        if let first = candidates.min() { return first }
        // A gap: the transition lies in (wall - larger offset, wall - smaller offset].
        var low = wall - max(before, after)
        var high = wall - min(before, after)
        let lowOffset = offset(low)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(middle) == lowOffset { low = middle } else { high = middle }
        }
        return high
    }

    /// Days since 1970-01-01 → (year, month 1-12, day 1-31), after Howard Hinnant's `civil_from_days`.
    static func civil(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday; 1970-01-01 was a Thursday.
    static func weekday(_ days: Int64) -> Int {
        let r = (days + 4) % 7
        return Int(r >= 0 ? r : r + 7)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
