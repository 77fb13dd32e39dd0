import FlotillaCore

/// A 5-field cron schedule (minute, hour, day of month, month, day of week), as Vixie cron
/// reads it: `*`, lists `1,15`, ranges `1-5`, steps `*/15` and `10-50/20`, month and day names
/// (`JAN`, `mon-fri`), 0 or 7 for Sunday, and the shorthands `@hourly`, `@daily`, `@midnight`,
/// `@weekly`, `@monthly`, `@yearly`, `@annually`. When both day fields are restricted, a day
/// matching either one fires (`0 0 1 * MON`: the 1st and every Monday).
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let source: String
    /// Bit `n` set when the field allows `n`.
    let minutes: UInt64
    let hours: UInt32
    let daysOfMonth: UInt32
    let months: UInt16
    let daysOfWeek: UInt8
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// The hour field is `*` (or covers every hour): the schedule follows real time across a
    /// DST change instead of wall-clock time (see ``next(after:in:)``).
    let everyHour: Bool

    public var description: String { source }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses a schedule; a bad one is ``WorkflowErrorCode/invalidCron`` naming the field.
    public init(_ text: String) throws(WorkflowError) {
        source = text
        let trimmed = String(text.trimmingWhitespace())
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let macro = Self.macros[trimmed.lowercased()] else {
                throw WorkflowError(.invalidCron, "unknown schedule '\(trimmed)': use 5 fields or one of \(Self.macros.keys.sorted().joined(separator: ", "))")
            }
            expanded = macro
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw WorkflowError(.invalidCron, "'\(trimmed)' has \(fields.count) field\(fields.count == 1 ? "" : "s"); a schedule has 5: minute hour day-of-month month day-of-week")
        }
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: [])
        let hourBits = try Self.field(fields[1], name: "hour", range: 0...23, names: [])
        hours = UInt32(hourBits)
        everyHour = hourBits == (1 << 24) - 1
        daysOfMonth = UInt32(try Self.field(fields[2], name: "day of month", range: 1...31, names: []))
        months = UInt16(try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, firstName: 1))
        var weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames)
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }  // 7 is Sunday too
        daysOfWeek = UInt8(weekdays)
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        if dayOfMonthRestricted, !dayOfWeekRestricted, !canEverMatchADay {
            throw WorkflowError(.invalidCron, "'\(trimmed)' never fires: no month in it has that day")
        }
    }

    /// Whether some allowed month has some allowed day of the month (February 29 counts).
    private var canEverMatchADay: Bool {
        let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains { month in
            months & (1 << month) != 0 && (1...longest[month - 1]).contains { daysOfMonth & (1 << $0) != 0 }
        }
    }

    /// One field as a bit set. `names` (if any) are accepted for values from `firstName` on.
    static func field(_ text: String, name: String, range: ClosedRange<Int>, names: [String], firstName: Int = 0) throws(WorkflowError) -> UInt64 {
        var bits: UInt64 = 0
        func value(_ raw: Substring) throws(WorkflowError) -> Int {
            if let number = Int(raw) {
                guard range.contains(number) else {
                    throw WorkflowError(.invalidCron, "\(name) \(number) is out of range \(range.lowerBound)-\(range.upperBound)")
                }
                return number
            }
            if let index = names.firstIndex(of: raw.lowercased()) { return index + firstName }
            let hint = names.isEmpty ? "a number" : "a number or a name (\(names.joined(separator: ", ")))"
            throw WorkflowError(.invalidCron, "'\(raw)' in the \(name) field is not \(hint)")
        }
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw WorkflowError(.invalidCron, "the \(name) field '\(text)' has an empty list item") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw WorkflowError(.invalidCron, "'\(item)' in the \(name) field has two '/'") }
            var step = 1
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed > 0 else {
                    throw WorkflowError(.invalidCron, "the step in '\(item)' (\(name)) must be a positive number")
                }
                step = parsed
            }
            var low = range.lowerBound
            var high = range.upperBound
            if parts[0] != "*" {
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { throw WorkflowError(.invalidCron, "'\(item)' in the \(name) field is not a range") }
                low = try value(bounds[0])
                if bounds.count == 2 {
                    high = try value(bounds[1])
                    guard low <= high else {
                        throw WorkflowError(.invalidCron, "the range '\(parts[0])' (\(name)) runs backwards")
                    }
                } else if parts.count == 1 {
                    high = low
                }
                // `5/15` means from 5 to the end, every 15 (as Vixie cron).
            }
            for n in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(n) }
        }
        return bits
    }

    func allows(minute: Int) -> Bool { minutes & (1 << UInt64(minute)) != 0 }
    func allows(hour: Int) -> Bool { hours & (1 << UInt32(hour)) != 0 }
    func allows(month: Int) -> Bool { months & (1 << UInt16(month)) != 0 }

    /// Whether a calendar day fires (weekday 0 = Sunday), with Vixie's either-day rule.
    func allows(day: Int, weekday: Int) -> Bool {
        let dom = daysOfMonth & (1 << UInt32(day)) != 0
        let dow = daysOfWeek & (1 << UInt8(weekday)) != 0
        if dayOfMonthRestricted, dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }
}
