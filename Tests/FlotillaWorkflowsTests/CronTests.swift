import Foundation
import Testing
@testable import FlotillaWorkflows

@Suite("Cron schedules")
struct CronTests {
    static let utcZone = TimeZone(identifier: "UTC")!
    static let paris = TimeZone(identifier: "Europe/Paris")!

    func next(_ cron: String, after: String, in zone: TimeZone = utcZone) throws -> String? {
        utc(try CronSchedule(cron).next(after: date(after), in: zone))
    }

    @Test("steps, ranges, lists and the next minute strictly after")
    func basics() throws {
        #expect(try next("*/15 * * * *", after: "2026-12-04T10:07:30Z") == "2026-12-04T10:15:00Z")
        #expect(try next("*/15 * * * *", after: "2026-12-04T10:15:00Z") == "2026-12-04T10:30:00Z")
        #expect(try next("0 9-17/4 * * *", after: "2026-12-04T13:00:00Z") == "2026-12-04T17:00:00Z")
        #expect(try next("5,35 * * * *", after: "2026-12-04T10:36:00Z") == "2026-12-04T11:05:00Z")
        #expect(try next("* * * * *", after: "2026-12-31T23:59:59Z") == "2027-01-01T00:00:00Z")
        #expect(try next("10/20 * * * *", after: "2026-12-04T10:31:00Z") == "2026-12-04T10:50:00Z")
    }

    @Test("month and day names, 7 as Sunday, and shorthands")
    func names() throws {
        // 2026-12-04 is a Friday.
        #expect(try next("0 8 * * mon-fri", after: "2026-12-04T09:00:00Z") == "2026-12-07T08:00:00Z")
        #expect(try next("0 0 * * 7", after: "2026-12-04T00:00:00Z") == "2026-12-06T00:00:00Z")
        #expect(try next("0 0 * * SUN", after: "2026-12-04T00:00:00Z") == "2026-12-06T00:00:00Z")
        #expect(try next("0 0 1 JAN *", after: "2026-12-04T00:00:00Z") == "2027-01-01T00:00:00Z")
        #expect(try next("@hourly", after: "2026-12-04T10:00:00Z") == "2026-12-04T11:00:00Z")
        #expect(try next("@daily", after: "2026-12-04T10:00:00Z") == "2026-12-05T00:00:00Z")
        #expect(try next("@weekly", after: "2026-12-04T10:00:00Z") == "2026-12-06T00:00:00Z")
        #expect(try next("@monthly", after: "2026-12-04T10:00:00Z") == "2027-01-01T00:00:00Z")
        #expect(try next("@yearly", after: "2026-12-04T10:00:00Z") == "2027-01-01T00:00:00Z")
    }

    @Test("both day fields restricted: either one fires (Vixie cron)")
    func eitherDay() throws {
        // The 10th, or a Monday: Monday 2026-12-07 comes first.
        #expect(try next("0 0 10 * mon", after: "2026-12-04T12:00:00Z") == "2026-12-07T00:00:00Z")
        // Only the day of month restricted: the 10th.
        #expect(try next("0 0 10 * *", after: "2026-12-04T12:00:00Z") == "2026-12-10T00:00:00Z")
        // February 29 comes back in a leap year.
        #expect(try next("0 0 29 2 *", after: "2026-12-04T12:00:00Z") == "2028-02-29T00:00:00Z")
    }

    @Test("a time zone's wall clock")
    func timeZone() throws {
        // 09:00 in Paris in winter is 08:00 UTC, in summer 07:00 UTC.
        #expect(try next("0 9 * * *", after: "2026-12-04T10:00:00Z", in: Self.paris) == "2026-12-05T08:00:00Z")
        #expect(try next("0 9 * * *", after: "2026-07-04T10:00:00Z", in: Self.paris) == "2026-07-05T07:00:00Z")
    }

    @Test("DST gap: a skipped wall time fires once, as the clocks jump")
    func gap() throws {
        // Paris, 2026-03-29: 02:00 local (01:00 UTC) jumps to 03:00.
        #expect(try next("30 2 * * *", after: "2026-03-29T00:00:00Z", in: Self.paris) == "2026-03-29T01:00:00Z")
        #expect(try next("30 2 * * *", after: "2026-03-29T01:00:00Z", in: Self.paris) == "2026-03-30T00:30:00Z")
        // Every 15 minutes in the skipped hour: fires at the jump once, then on.
        let schedule = try CronSchedule("*/15 2 * * *")
        let first = try #require(schedule.next(after: date("2026-03-29T00:50:00Z"), in: Self.paris))
        #expect(utc(first) == "2026-03-29T01:00:00Z")
        #expect(utc(schedule.next(after: first, in: Self.paris)) == "2026-03-30T00:00:00Z")
        // An every-hour schedule follows real time: nothing in the skipped hour.
        #expect(try next("30 * * * *", after: "2026-03-29T00:40:00Z", in: Self.paris) == "2026-03-29T01:30:00Z")
    }

    @Test("DST overlap: a repeated wall time fires once; every-hour schedules fire in both hours")
    func overlap() throws {
        // Paris, 2026-10-25: 03:00 local (01:00 UTC) goes back to 02:00; 02:30 happens at 00:30 and 01:30 UTC.
        let daily = try CronSchedule("30 2 * * *")
        let first = try #require(daily.next(after: date("2026-10-24T12:00:00Z"), in: Self.paris))
        #expect(utc(first) == "2026-10-25T00:30:00Z")
        #expect(utc(daily.next(after: first, in: Self.paris)) == "2026-10-26T01:30:00Z")
        let hourly = try CronSchedule("30 * * * *")
        let a = try #require(hourly.next(after: date("2026-10-25T00:00:00Z"), in: Self.paris))
        let b = try #require(hourly.next(after: a, in: Self.paris))
        let c = try #require(hourly.next(after: b, in: Self.paris))
        #expect([a, b, c].map { utc($0)! } == ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"])
    }

    @Test("missed firings while down run once: the latest due slot, or none")
    func catchUp() throws {
        let schedule = try CronSchedule("*/15 * * * *")
        // Down from 10:05 to 13:20: twelve slots passed, one firing, for the latest (13:15).
        #expect(utc(schedule.dueFiring(lastFired: date("2026-12-04T10:05:00Z"), now: date("2026-12-04T13:20:00Z"), in: Self.utcZone)) == "2026-12-04T13:15:00Z")
        // After recording 13:15, nothing more is due until 13:30.
        #expect(schedule.dueFiring(lastFired: date("2026-12-04T13:15:00Z"), now: date("2026-12-04T13:29:59Z"), in: Self.utcZone) == nil)
        #expect(utc(schedule.dueFiring(lastFired: date("2026-12-04T13:15:00Z"), now: date("2026-12-04T13:30:00Z"), in: Self.utcZone)) == "2026-12-04T13:30:00Z")
        // Down for two weeks with a daily schedule: one firing, for today's 03:00.
        let daily = try CronSchedule("0 3 * * *")
        #expect(utc(daily.dueFiring(lastFired: date("2026-11-20T03:00:00Z"), now: date("2026-12-04T12:00:00Z"), in: Self.utcZone)) == "2026-12-04T03:00:00Z")
        // A yearly schedule missed two years ago and last year: the latest.
        let yearly = try CronSchedule("@yearly")
        #expect(utc(yearly.dueFiring(lastFired: date("2024-01-01T00:00:00Z"), now: date("2026-12-04T12:00:00Z"), in: Self.utcZone)) == "2026-01-01T00:00:00Z")
    }

    @Test("an injected clock ticking each minute fires each slot exactly once")
    func ticking() throws {
        let schedule = try CronSchedule("*/5 * * * *")
        var lastFired = date("2026-12-04T10:00:00Z")
        var fired: [String] = []
        var now = lastFired
        for _ in 0..<60 {
            now = now.addingTimeInterval(60)
            if let slot = schedule.dueFiring(lastFired: lastFired, now: now, in: Self.utcZone) {
                fired.append(utc(slot)!)
                lastFired = slot
            }
        }
        let expected: [String] = (1...12).map { (slot: Int) -> String in
            let minutes = 600 + slot * 5
            return "2026-12-04T\(minutes / 60):\(String(minutes % 60).count == 1 ? "0" : "")\(minutes % 60):00Z"
        }
        #expect(fired == expected)
    }

    @Test("bad schedules name the field")
    func errors() {
        for (text, phrase) in [
            ("61 * * * *", "minute 61 is out of range"),
            ("* 24 * * *", "hour 24"),
            ("* * 0 * *", "day of month 0"),
            ("* * * 13 *", "month 13"),
            ("* * * * 8", "day of week 8"),
            ("* * * foo *", "'foo' in the month field"),
            ("*/0 * * * *", "positive"),
            ("5-1 * * * *", "backwards"),
            ("* * * *", "has 4 fields"),
            ("@reboot", "unknown schedule"),
            ("1,,2 * * * *", "empty list item"),
            ("0 0 31 2,4 *", "never fires"),
        ] {
            do {
                _ = try CronSchedule(text)
                Issue.record("'\(text)' parsed")
            } catch {
                #expect(error.code == .invalidCron)
                #expect(error.message.contains(phrase), "\(text): \(error.message)")
            }
        }
    }
}
