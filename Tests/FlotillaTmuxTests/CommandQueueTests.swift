import Foundation
import Synchronization
import Testing

@testable import FlotillaTmux

/// The command queue around agents that are not idle (real tmux, the fake agent): an error
/// screen takes the next prompt; a forced command is not held behind a queued one; a queued
/// command cancelled through its ticket types nothing; typing, once started, cannot be cancelled.
@Suite struct CommandQueueTests {
    /// A short ready timeout: on a queue that took an error screen for busy, the first
    /// expectation below would run into it.
    static let typing = TypingConfiguration(settle: .milliseconds(100), readyTimeout: .seconds(8), submitGrace: .milliseconds(400))

    @Test func errorScreenTakesPromptsForcedSkipsTheQueueAndQueuedOnesCancel() async throws {
        try await TestServer.with { server in
            let record = server.directory + "/rec.jsonl"
            let pane = try await server.tmux.newSession("q", command: PaneCommand(Fixture.fakeAgentCommand(record: record)), width: 120, height: 40)
            let classifier = try ScreenClassifier(kind: "claude")
            try await ControlModeClient.withConnection(server.tmux, session: "q") { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: server.tmux, control: control), configuration: Self.typing))
                #expect(try await queue.send("/fail", to: pane, agent: "fake", classifier: classifier).outcome == .sent)
                let erring = await eventually { classifier.classify((try? await server.tmux.capture(pane)) ?? "").state == .error }
                #expect(erring)
                let start = ContinuousClock.now
                let afterError = try await queue.send("after the error", to: pane, agent: "fake", classifier: classifier)
                #expect(afterError.outcome == .sent && afterError.attempts == 1, "\(afterError)")
                #expect(ContinuousClock.now - start < .seconds(5))

                // A screen that never reads ready (a busy line that stays).
                #expect(try await queue.send("/hold", to: pane, agent: "fake", classifier: classifier).outcome == .sent)
                #expect(await Self.holding(pane, server))

                let ticket = CommandTicket()
                let outcome = Shared<String?>(nil)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            let record = try await queue.send("queued", to: pane, agent: "fake", classifier: classifier, ticket: ticket)
                            outcome.value.withLock { $0 = "finished: \(record.outcome)" }
                        } catch is CancellationError {
                            outcome.value.withLock { $0 = "cancelled" }
                        }
                    }
                    // The forced command does not wait for the queued one (which waits for a
                    // ready screen until the ready timeout).
                    let forcedStart = ContinuousClock.now
                    let forced = try await queue.send("/hold forced", to: pane, agent: "fake", classifier: classifier, force: true)
                    #expect(forced.outcome == .sent && forced.attempts == 1 && ContinuousClock.now - forcedStart < .seconds(3), "\(forced)")
                    #expect(ticket.current == .waiting)
                    #expect(ticket.cancel())
                    group.cancelAll()
                    try await group.waitForAll()
                }
                #expect(outcome.value.withLock { $0 } == "cancelled")
                #expect(ticket.current == .cancelled && ticket.cancel(), "cancelling twice is harmless")

                // Once typing began, a ticket no longer cancels.
                #expect(await Self.holding(pane, server))
                let typed = CommandTicket()
                #expect(try await queue.send("/done", to: pane, agent: "fake", classifier: classifier, force: true, ticket: typed).outcome == .sent)
                #expect(typed.current == .typing && !typed.cancel())
                let received = await eventually { Fixture.recorded(record).count == 5 }
                #expect(received)
                #expect(Fixture.recorded(record) == ["/fail", "after the error", "/hold", "/hold forced", "/done"])
            }
        }
    }

    /// An agent that never becomes ready costs one ready timeout, not one per retry.
    @Test func waitingForReadyIsBoundedByOneReadyTimeout() async throws {
        try await TestServer.with { server in
            let record = server.directory + "/rec.jsonl"
            let pane = try await server.tmux.newSession("t", command: PaneCommand(Fixture.fakeAgentCommand(record: record)), width: 120, height: 40)
            let classifier = try ScreenClassifier(kind: "claude")
            try await ControlModeClient.withConnection(server.tmux, session: "t") { control in
                // "/hold" goes with the usual 8 s ready timeout: with 1 s, a loaded machine had not
                // started the fake agent in time and the test went wrong from there. Only the
                // stuck command gets the 1 s under test.
                let screen = PaneScreen(tmux: server.tmux, control: control)
                let patient = CommandQueue(typer: SafeTyper(screen: screen, configuration: Self.typing))
                #expect(try await patient.send("/hold", to: pane, agent: "fake", classifier: classifier).outcome == .sent)
                #expect(await Self.holding(pane, server))
                var typing = Self.typing
                typing.readyTimeout = .seconds(1)
                let queue = CommandQueue(typer: SafeTyper(screen: screen, configuration: typing))
                let start = ContinuousClock.now
                let stuck = try await queue.send("never typed", to: pane, agent: "fake", classifier: classifier)
                #expect(stuck.outcome == .failed && stuck.errorCode == "timed_out" && stuck.attempts == 1, "\(stuck)")
                #expect(ContinuousClock.now - start < .seconds(3))
                #expect(Fixture.recorded(record) == ["/hold"])
            }
        }
    }

    /// Waits until the fake agent shows its lying busy line and is in fact idle (its own
    /// spinner gone): typed keys are taken then. While it is really busy it drops them.
    static func holding(_ pane: String, _ server: TestServer) async -> Bool {
        await eventually {
            let screen = (try? await server.tmux.capture(pane)) ?? ""
            return screen.contains("Stalled… (esc to interrupt)") && !screen.contains("received · esc to interrupt")
        }
    }

    @Test func cancelledWaiterLeavesTheGateLineAndOthersKeepTheirOrder() async throws {
        let gate = SerialGate()
        let order = Shared<[String]>([])
        let (held, release) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await gate.run("pane") {
                    order.value.withLock { $0.append("first") }
                    for await _ in held {}
                }
            }
            #expect(await eventually { order.value.withLock { $0 } == ["first"] })
            try await withThrowingTaskGroup(of: Void.self) { waiter in
                waiter.addTask { try await gate.run("pane") { order.value.withLock { $0.append("cancelled") } } }
                #expect(await eventually { gate.waiting("pane") == 1 })
                waiter.cancelAll()
                await #expect(throws: CancellationError.self) { try await waiter.next() }
            }
            #expect(gate.waiting("pane") == 0)
            group.addTask { try await gate.run("pane") { order.value.withLock { $0.append("third") } } }
            #expect(await eventually { gate.waiting("pane") == 1 })
            release.finish()
            try await group.waitForAll()
        }
        #expect(order.value.withLock { $0 } == ["first", "third"])
    }

    @Test func readyForInputIsIdleOrErrorOrCompleteAtTheInputBox() throws {
        let claude = try ScreenClassifier(kind: "claude")
        for (name, screen) in ScreenFixtures.claude {
            let reading = claude.classify(screen)
            let expected = ["idle", "error", "complete"].contains(name)
            #expect(reading.acceptsInput == expected, "\(name): \(reading)")
        }
        // An error banner without an input box (a crashed TUI) is not ready.
        let crashed = claude.classify("  ⎿  API Error: 500 {\"type\":\"error\"}\n")
        #expect(crashed.state == .error && !crashed.acceptsInput)
    }
}

/// A value shared between a test and the tasks it starts.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
}
