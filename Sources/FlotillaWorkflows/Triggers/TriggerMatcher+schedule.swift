import FlotillaCore
import Foundation

extension TriggerMatcher {
    /// The firing schedule `index` of `workflow` owes at `now`, given when it last fired (or
    /// when the workflow was registered, if it never did): the latest slot after `lastFired`
    /// up to `now`, once, however many passed (a hub that was down runs a missed firing once).
    /// nil when none is due.
    public static func dueFiring(_ index: Int, of workflow: WorkflowDefinition, lastFired: Date, now: Date) -> ScheduleFiring? {
        guard workflow.triggers.schedules.indices.contains(index) else { return nil }
        let schedule = workflow.triggers.schedules[index]
        let zone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
        guard let slot = schedule.cron.dueFiring(lastFired: lastFired, now: now, in: zone) else { return nil }
        return ScheduleFiring(index: index, slot: slot, schedule: schedule)
    }

    /// When schedule `index` of `workflow` fires next after `date` (for a scheduler's sleep).
    public static func nextFiring(_ index: Int, of workflow: WorkflowDefinition, after date: Date) -> Date? {
        guard workflow.triggers.schedules.indices.contains(index) else { return nil }
        let schedule = workflow.triggers.schedules[index]
        let zone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
        return schedule.cron.next(after: date, in: zone)
    }

    /// Whether a due firing starts a run: `on.if` over its trigger (a schedule has no `if` of
    /// its own).
    public static func schedule(_ firing: ScheduleFiring, workflow: WorkflowDefinition) -> TriggerDecision {
        decide(firing.trigger, own: nil, workflow: workflow, what: "schedule")
    }
}
