import Foundation

extension CronSchedule {
    /// How far ahead ``next(after:in:)`` looks: 8 years holds a February 29 on any weekday.
    static let searchDays: Int64 = 8 * 366

    /// The first firing strictly after `date`, in `timeZone`; nil if none within 8 years.
    ///
    /// Across a DST change it does what Vixie cron does. A schedule with a fixed hour follows
    /// the wall clock: a time skipped by a gap fires once, as the gap ends; a time repeated by
    /// an overlap fires once, the first time. A schedule for every hour (`*/15 * * * *`) follows
    /// real time: it fires in the repeated hour too and not in the skipped one.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        let clock = WallClock(timeZone: timeZone)
        let after = Int64(date.timeIntervalSince1970.rounded(.down))
        if everyHour, let soon = nextByRealTime(after: after, clock: clock) {
            return Date(timeIntervalSince1970: TimeInterval(soon))
        }
        let start = (WallClock.floorDiv(clock.wall(after), 60) + 1) * 60
        let firstDay = WallClock.floorDiv(start, 86_400)
        for day in firstDay..<(firstDay + Self.searchDays) {
            let civil = WallClock.civil(day)
            guard allows(month: civil.month), allows(day: civil.day, weekday: WallClock.weekday(day)) else { continue }
            for hour in 0..<24 where allows(hour: hour) {
                for minute in 0..<60 where allows(minute: minute) {
                    let wall = day * 86_400 + Int64(hour * 3600 + minute * 60)
                    guard wall >= start else { continue }
                    let instant = clock.instant(wall)
                    if instant > after { return Date(timeIntervalSince1970: TimeInterval(instant)) }
                }
            }
        }
        return nil
    }

    /// For an every-hour schedule: the next minute in the coming two hours of real time whose
    /// wall-clock time matches, or nil to search by wall clock.
    private func nextByRealTime(after: Int64, clock: WallClock) -> Int64? {
        var instant = (WallClock.floorDiv(after, 60) + 1) * 60
        for _ in 0..<120 {
            let wall = clock.wall(instant)
            let day = WallClock.floorDiv(wall, 86_400)
            let civil = WallClock.civil(day)
            let secondOfDay = wall - day * 86_400
            if allows(month: civil.month), allows(day: civil.day, weekday: WallClock.weekday(day)),
               allows(hour: Int(secondOfDay / 3600)), allows(minute: Int(secondOfDay % 3600 / 60)), secondOfDay % 60 == 0 {
                return instant
            }
            instant += 60
        }
        return nil
    }

    /// The "missed firings run once" rule: the latest firing in `(lastFired, now]`, or nil when
    /// none is due. A scheduler calls it on each tick and after a restart, fires once when it
    /// gives a time, and records that time as `lastFired`: however many firings passed while
    /// the hub was down, one run starts. `lastFired` is the time the schedule was registered
    /// when it never fired (a new schedule does not fire for the past).
    public func dueFiring(lastFired: Date, now: Date, in timeZone: TimeZone) -> Date? {
        guard let first = next(after: lastFired, in: timeZone), first <= now else { return nil }
        // Look back from `now` in growing windows, so a long downtime costs no walk over every slot.
        for window: TimeInterval in [3600, 86_400, 32 * 86_400, 367 * 86_400] {
            let from = max(lastFired, now.addingTimeInterval(-window))
            guard var latest = next(after: from, in: timeZone), latest <= now else { continue }
            while let following = next(after: latest, in: timeZone), following <= now { latest = following }
            return latest
        }
        var latest = first
        while let following = next(after: latest, in: timeZone), following <= now { latest = following }
        return latest
    }
}
