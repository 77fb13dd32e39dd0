import FlotillaCore
import Foundation

/// One firing a schedule owes: which of the workflow's schedules, and its slot.
public struct ScheduleFiring: Sendable, Hashable {
    /// The schedule's index in `on.schedule` (in file order, a list of crons flattened).
    public var index: Int
    /// The slot: the time the schedule was due, whole seconds.
    public var slot: Date
    public var schedule: ScheduleTrigger

    /// `schedule:<workflow>:<index>:<slot unix seconds>`: one run per slot, a restart included.
    public func key(workflow: String) -> String {
        ScheduleFiring.keyPrefix(workflow: workflow, index: index) + String(Int64(slot.timeIntervalSince1970.rounded(.down)))
    }

    /// The run's `trigger`: `{"kind":"schedule","cron","timezone","scheduled_at"}`.
    public var trigger: JSONValue {
        [
            "kind": "schedule", "cron": .string(schedule.cron.source), "timezone": .string(schedule.timeZone),
            "scheduled_at": .string(Timestamp.iso8601(slot.timeIntervalSince1970)),
        ]
    }

    /// The `trigger_key` prefix of schedule `index`'s runs.
    public static func keyPrefix(workflow: String, index: Int) -> String { "schedule:\(workflow):\(index):" }

    /// The slot a schedule run's `trigger_key` records, if it is one of schedule `index`.
    public static func slot(inKey key: String, workflow: String, index: Int) -> Date? {
        let prefix = keyPrefix(workflow: workflow, index: index)
        guard key.hasPrefix(prefix), let seconds = Int64(key.dropFirst(prefix.count)) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
