import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// The hub's pane command queue around an agent that is not idle: an error screen takes the
/// next prompt, a forced command is not held up by queued ones, and queued commands can be
/// listed and cancelled (API and CLI) before anything of them is typed.
@Suite struct CommandQueueLiveTests {
    static let agents = """
          - {name: erring, command: '\(Fixture.fakeAgentCommand())', kind: claude}
        """

    @Test func errorScreenTakesCommandsAndQueuedOnesCanBeCancelledWhileForcedOnesPass() async throws {
        try await TestFleet.with(agents: Self.agents) { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                let events = EventLog()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await events.follow(hub.client) }
                    defer { group.cancelAll() }
                    try await Self.exercise(hub: hub, events: events, fleet: fleet)
                }
            }
        }
    }

    static func exercise(hub: WatchHub, events: EventLog, fleet: TestFleet) async throws {
        try await events.wait("erring idle") { $0.states("erring").contains("idle") }

        // An agent showing an error at its input box is waiting for the next prompt: an
        // unforced command is typed, not held for the ready timeout (20 s here, 4 × 600 s by
        // default before).
        let failed = try await hub.post("/api/agents/erring/command?wait=20", #"{"text": "/fail"}"#)
        #expect(failed.json["status"] == "sent", "\(failed.json)")
        try await events.wait("agent.error") { !$0.of("erring", "agent.error").isEmpty }
        let started = ContinuousClock.now
        let afterError = try await hub.post("/api/agents/erring/command?wait=15", #"{"text": "after the error"}"#)
        #expect(afterError.status == 200 && afterError.json["status"] == "sent", "\(afterError.json)")
        #expect(ContinuousClock.now - started < .seconds(10))

        // A screen that never reads ready: unforced commands queue up behind it…
        let hold = try await hub.post("/api/agents/erring/command?wait=20", #"{"text": "/hold"}"#)
        #expect(hold.json["status"] == "sent", "\(hold.json)")
        try await events.wait("erring looks busy") { $0.states("erring").last == "thinking" }
        // …while it is in fact idle (its own spinner gone), so typed keys are taken.
        let settled = try await UpWatchTests.eventually("the lying busy line alone on screen") {
            let screen = try await hub.get("/api/agents/erring/output").json["output"]?.stringValue ?? ""
            return screen.contains("Stalled… (esc to interrupt)") && !screen.contains("received · esc to interrupt")
        }
        #expect(settled)
        let first = try await hub.post("/api/agents/erring/command", #"{"text": "queued one"}"#)
        let second = try await hub.post("/api/agents/erring/command", #"{"text": "queued two"}"#)
        #expect(first.status == 202 && second.status == 202 && first.json["status"] == "queued" && second.json["status"] == "queued")

        // …and a forced one skips them.
        let forced = try await hub.post("/api/agents/erring/command?wait=15", #"{"text": "/hold forced", "force": true}"#)
        #expect(forced.status == 200 && forced.json["status"] == "sent" && forced.json["force"] == true && forced.json["attempts"] == 1, "\(forced.json)")

        // Listed as queued, through the API and the CLI.
        let listed = try await hub.get("/api/agents/erring/commands")
        let statuses = (listed.json["commands"]?.arrayValue ?? []).map { "\($0["text"]?.stringValue ?? "?")=\($0["status"]?.stringValue ?? "?")" }
        #expect(statuses == ["/fail=sent", "after the error=sent", "/hold=sent", "/hold forced=sent", "queued one=queued", "queued two=queued"])
        let base = ["--hub", "http://127.0.0.1:\(hub.port)", "--token", hub.adminToken]
        let cliList = try await UpWatchTests.flotilla(["commands", "erring", "--queued", "--json"] + base)
        #expect(cliList.status == 0, "\(cliList.output)")
        let cliQueued = (try? JSONValue.parse(cliList.output))?["commands"]?.arrayValue?.compactMap { $0["text"]?.stringValue }
        #expect(cliQueued == ["queued one", "queued two"], "\(cliList.output)")

        // Cancelled: the first through the API, the second through the CLI (DELETE works too).
        let firstID = first.json["id"]?.intValue ?? 0
        let secondID = second.json["id"]?.intValue ?? 0
        let cancelled = try await hub.post("/api/agents/erring/commands/\(firstID)/cancel", nil)
        #expect(cancelled.status == 200 && cancelled.json["status"] == "failed" && cancelled.json["error"]?["code"] == "cancelled", "\(cancelled.json)")
        let cliCancel = try await UpWatchTests.flotilla(["commands", "erring", "--cancel", "\(secondID)"] + base)
        #expect(cliCancel.status == 0 && cliCancel.output.contains("cancelled command \(secondID)"), "\(cliCancel.output)")

        // Bad cancels change nothing and say why.
        let again = try await hub.post("/api/agents/erring/commands/\(firstID)/cancel", nil)
        #expect(again.status == 409 && again.json["error"]?["code"] == "invalid_state", "\(again.json)")
        let unknown = try await hub.post("/api/agents/erring/commands/99999/cancel", nil)
        #expect(unknown.status == 404 && unknown.json["error"]?["code"] == "not_found", "\(unknown.json)")
        let garbage = try await hub.post("/api/agents/erring/commands/abc/cancel", nil)
        #expect(garbage.status == 400 && garbage.json["error"]?["code"] == "invalid_field", "\(garbage.json)")

        try await events.wait("both cancels on the event stream") { log in
            log.of("erring", "agent.command_failed").filter { $0["error"] == "cancelled" }.count == 2
        }
        let trail = try await hub.get("/api/agents/erring/commands")
        let ends = (trail.json["commands"]?.arrayValue ?? []).suffix(2).map { "\($0["status"]?.stringValue ?? "?"):\($0["error"]?["code"]?.stringValue ?? "-")" }
        #expect(ends == ["failed:cancelled", "failed:cancelled"])
        // Nothing of a cancelled command reached the agent.
        #expect(fleet.recorded("erring") == ["/fail", "after the error", "/hold", "/hold forced"])
    }
}
