import FlotillaCore
import FlotillaEngine
import FlotillaWorkflows
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Fires the registered workflows' `on.schedule` triggers: each slot once, by the injected
/// ``ScheduleClock``.
///
/// A run started by a slot has `trigger_key` `schedule:<workflow>:<index>:<slot>`, so a slot is
/// never started twice (a restart, or two passes racing). After downtime each schedule owes at
/// most one firing, for the latest missed slot: "last fired" is the slot in the newest such key
/// (``Engine/latestTriggerKey(workflow:prefix:)``), else the time the workflow was last applied,
/// and ``TriggerMatcher/dueFiring(_:of:lastFired:now:)`` gives the latest slot after it.
final class ScheduleTriggerService: Service {
    let hub: Hub
    let clock: any ScheduleClock
    let rescan: TimeInterval
    let logger: Logger
    /// Last fired per schedule, by ``Schedule`` (its text and zone included, so a re-applied
    /// workflow whose schedule changed starts from the store again).
    let lastFired = Mutex<[Schedule: Date]>([:])

    struct Schedule: Hashable {
        var workflow: String
        var index: Int
        var cron: String
        var timeZone: String
    }

    init(hub: Hub, configuration: WorkflowTriggerConfiguration, logger: Logger) {
        self.hub = hub
        self.clock = configuration.clock
        self.rescan = configuration.scheduleRescan
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                let now = clock.now()
                let next = await pass(now: now)
                do {
                    try await clock.sleep(until: min(next ?? .distantFuture, now.addingTimeInterval(rescan)))
                } catch {
                    return
                }
            }
        }
    }

    /// Fires what is due at `now`; returns the earliest next slot of any schedule.
    func pass(now: Date) async -> Date? {
        var earliest: Date?
        for workflow in hub.engine.registeredWorkflows() {
            for index in workflow.triggers.schedules.indices {
                let schedule = workflow.triggers.schedules[index]
                let key = Schedule(workflow: workflow.name, index: index, cron: schedule.cron.source, timeZone: schedule.timeZone)
                guard let last = await lastFired(key) else { continue }
                var fired = last
                if let firing = TriggerMatcher.dueFiring(index, of: workflow, lastFired: last, now: now) {
                    await fire(firing, of: workflow)
                    fired = firing.slot
                    lastFired.withLock { $0[key] = fired }
                }
                if let next = TriggerMatcher.nextFiring(index, of: workflow, after: max(fired, now)) {
                    earliest = min(earliest ?? next, next)
                }
            }
        }
        return earliest
    }

    /// When schedule `key` last fired: remembered, else from the store, else the time the
    /// workflow was last applied (a new schedule does not fire for the past). nil when the store
    /// cannot say (tried again next pass).
    private func lastFired(_ key: Schedule) async -> Date? {
        if let known = lastFired.withLock({ $0[key] }) { return known }
        do {
            let prefix = ScheduleFiring.keyPrefix(workflow: key.workflow, index: key.index)
            var since: Date
            if let latest = try await hub.engine.latestTriggerKey(workflow: key.workflow, prefix: prefix),
               let slot = ScheduleFiring.slot(inKey: latest, workflow: key.workflow, index: key.index) {
                since = slot
            } else {
                since = try await registered(key.workflow)
            }
            lastFired.withLock { $0[key] = since }
            return since
        } catch {
            logger.warning("schedule of workflow \(key.workflow): cannot read when it last fired: \(error)")
            return nil
        }
    }

    /// When `workflow` was last applied: a schedule that never fired owes nothing from before
    /// (a schedule a re-apply added does not fire for the past either).
    private func registered(_ workflow: String) async throws -> Date {
        Date(timeIntervalSince1970: try await hub.engine.workflow(name: workflow).updatedAt)
    }

    private func fire(_ firing: ScheduleFiring, of workflow: WorkflowDefinition) async {
        let decision = TriggerMatcher.schedule(firing, workflow: workflow)
        guard let trigger = decision.trigger else {
            logger.debug("schedule \(firing.index) of workflow \(workflow.name) at \(firing.slot): not started, \(decision.reason ?? "")")
            return
        }
        do {
            let (run, created) = try await hub.engine.startRun(workflow: workflow.name, inputs: [:], trigger: trigger, triggerKey: firing.key(workflow: workflow.name))
            if created { logger.info("schedule \(firing.index) of workflow \(workflow.name) started run \(run.id) for \(firing.slot)") }
        } catch {
            // Not retried: a slot whose run cannot start (a required input without a default)
            // would fail the same way on every pass.
            logger.warning("schedule \(firing.index) of workflow \(workflow.name) at \(firing.slot): cannot start a run: \(error)")
        }
    }
}
