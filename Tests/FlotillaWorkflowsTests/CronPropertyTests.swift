import Foundation
import Testing
@testable import FlotillaWorkflows

/// Random schedules and times checked against Foundation's calendar, which the implementation
/// does not use: the next firing matches the schedule, and no minute before it does.
@Suite("Cron properties")
struct CronPropertyTests {
    static let zones = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"].map { TimeZone(identifier: $0)! }

    struct Fields {
        var minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
        var daysRestricted: Bool, weekdaysRestricted: Bool

        func matches(_ date: Date, in zone: TimeZone) -> Bool {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
            let dom = days.contains(c.day!)
            let dow = weekdays.contains(c.weekday! - 1)
            let day = daysRestricted && weekdaysRestricted ? (dom || dow) : (dom && dow)
            return minutes.contains(c.minute!) && hours.contains(c.hour!) && months.contains(c.month!) && day
        }
    }

    /// A field as cron text and as the set it means: `*`, a list, a range or a step.
    static func field(_ range: ClosedRange<Int>, _ random: inout WorkflowFuzzTests.Seeded, star: Double) -> (String, Set<Int>, Bool) {
        let roll = Double(random.next() % 1000) / 1000
        if roll < star { return ("*", Set(range), false) }
        switch random.next() % 3 {
        case 0:
            let values = Set((0..<Int.random(in: 1...3, using: &random)).map { _ in Int.random(in: range, using: &random) })
            return (values.sorted().map(String.init).joined(separator: ","), values, true)
        case 1:
            let low = Int.random(in: range, using: &random)
            let high = Int.random(in: low...range.upperBound, using: &random)
            return ("\(low)-\(high)", Set(low...high), true)
        default:
            let step = Int.random(in: 2...5, using: &random)
            return ("*/\(step)", Set(stride(from: range.lowerBound, through: range.upperBound, by: step)), false)
        }
    }

    @Test("the next firing matches the schedule in its zone, and nothing matches before it")
    func nextIsTheFirstMatch() throws {
        var random = WorkflowFuzzTests.Seeded(state: 0xC4A7)
        let start = date("2026-01-01T00:00:00Z").timeIntervalSince1970
        var checkedMinimal = 0
        for _ in 0..<150 {
            let (m, minutes, _) = Self.field(0...59, &random, star: 0.2)
            let (h, hours, _) = Self.field(0...23, &random, star: 0.6)
            let (d, days, dr) = Self.field(1...31, &random, star: 0.7)
            let (mo, months, _) = Self.field(1...12, &random, star: 0.8)
            let (w, weekdays, wr) = Self.field(0...6, &random, star: 0.7)
            let text = "\(m) \(h) \(d) \(mo) \(w)"
            guard let schedule = try? CronSchedule(text) else { continue }  // a day no month has
            let fields = Fields(minutes: minutes, hours: hours, days: days, months: months, weekdays: weekdays, daysRestricted: dr && d.first != "*", weekdaysRestricted: wr && w.first != "*")
            let zone = Self.zones.randomElement(using: &random)!
            let after = Date(timeIntervalSince1970: start + Double(random.next() % (365 * 86_400)))
            guard let next = schedule.next(after: after, in: zone) else {
                Issue.record("\(text) in \(zone.identifier): no firing after \(after)")
                continue
            }
            #expect(next > after)
            let atTransition = zone.isDaylightSavingTime(for: next) != zone.isDaylightSavingTime(for: next.addingTimeInterval(-1))
            #expect(fields.matches(next, in: zone) || atTransition, "\(text) in \(zone.identifier) after \(after): \(next)")
            // Minimal: no minute between matches, when no clock change lies between (where the
            // wall-clock rules decide on purpose).
            let span = next.timeIntervalSince(after)
            let changes = zone.isDaylightSavingTime(for: after) != zone.isDaylightSavingTime(for: next)
            guard span <= 2 * 86_400, !changes else { continue }
            var minute = (after.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
            while minute < next.timeIntervalSince1970 {
                #expect(!fields.matches(Date(timeIntervalSince1970: minute), in: zone), "\(text) in \(zone.identifier): \(Date(timeIntervalSince1970: minute)) matches before \(next)")
                minute += 60
            }
            checkedMinimal += 1
        }
        #expect(checkedMinimal > 30)
    }
}
