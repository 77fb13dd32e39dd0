import FlotillaClient
import FlotillaCore
import FlotillaEngine
@testable import FlotillaHub
import FlotillaWorkflows
import Foundation
import Testing

/// `on.schedule` on a real hub whose scheduler reads an injected clock: a slot fires on time and
/// once, and after downtime the missed slots fire once, for the latest.
@Suite struct ScheduleTriggerTests {
    static let tick = """
    name: tick
    on:
      schedule: "*/15 * * * *"
    steps:
      a: {type: report.write, prompt: "slot ${{ trigger.scheduled_at }}"}
    """

    func scheduledAt(_ hub: TestHub) async throws -> [String] {
        try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "tick")).compactMap { $0.json["trigger"]?["scheduled_at"]?.stringValue }.sorted()
    }

    static func iso(_ date: Date) -> String { Timestamp.iso8601(date.timeIntervalSince1970) }

    @Test("cron with an injected clock: on time, once per slot, one catch-up after downtime")
    func cron() async throws {
        let directory = TestHub.temporaryDirectory()
        let clock = ManualScheduleClock(Date())
        let slot1: Date = try await TestHub.run(dataDirectory: directory, configure: { $0.triggers.clock = clock }) { hub in
            let (info, _) = try await hub.hub.engine.applyWorkflow(source: Self.tick, file: "tick.yaml")
            let applied = try #require(info.json["applied_at"]?.stringValue.flatMap(Timestamp.parse))
            let slot1 = try #require(try CronSchedule("*/15 * * * *").next(after: Date(timeIntervalSince1970: applied), in: TimeZone(identifier: "UTC")!))
            try await clock.advance(to: slot1.addingTimeInterval(-1))
            #expect(try await scheduledAt(hub).isEmpty, "fired early")
            try await clock.advance(to: slot1)
            #expect(try await scheduledAt(hub) == [Self.iso(slot1)])
            let run = try #require(try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "tick")).first?.json)
            #expect(run["trigger"]?["kind"] == "schedule" && run["trigger"]?["cron"] == "*/15 * * * *" && run["trigger"]?["timezone"] == "UTC")
            try await clock.advance(to: slot1.addingTimeInterval(600))
            #expect(try await scheduledAt(hub) == [Self.iso(slot1)], "fired twice in a slot")
            try await clock.advance(to: slot1.addingTimeInterval(900))
            #expect(try await scheduledAt(hub) == [Self.iso(slot1), Self.iso(slot1.addingTimeInterval(900))])
            return slot1
        }
        // The hub is down for three more slots and a bit: on restart the latest one fires, once.
        let slot2 = slot1.addingTimeInterval(900)
        let back = slot2.addingTimeInterval(3 * 900 + 30)
        clock.set(back)
        try await TestHub.run(dataDirectory: directory, configure: { $0.triggers.clock = clock }) { hub in
            try await clock.advance(to: back)
            try await clock.advance(to: back.addingTimeInterval(60))
            #expect(try await scheduledAt(hub) == [Self.iso(slot1), Self.iso(slot2), Self.iso(slot2.addingTimeInterval(3 * 900))])
            try await clock.advance(to: slot2.addingTimeInterval(4 * 900))
            #expect(try await scheduledAt(hub).count == 4)
        }
    }
}
