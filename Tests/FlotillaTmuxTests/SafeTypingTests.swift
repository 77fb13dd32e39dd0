import Foundation
import Testing

@testable import FlotillaTmux

@Suite(.serialized) struct SafeTypingTests {
    static let typing = TypingConfiguration(settle: .milliseconds(100), readyTimeout: .seconds(30), submitGrace: .milliseconds(400), ratePerPane: 10)

    /// Prompt `index` of the zero-loss mix: short lines, multi-line text, 4 KiB bodies, shell
    /// metacharacters, tmux format and key-name lookalikes, unicode.
    static func prompt(_ index: Int) -> String {
        let tag = "p\(index)"
        switch index % 6 {
        case 0: return "\(tag) fix the failing test in Sources/main.swift"
        case 1: return "\(tag) line one\nline two with `backticks` and $HOME\n  indented 'single' \"double\" \\ back"
        case 2: return "\(tag) " + String(repeating: "0123456789abcdef", count: 256)
        case 3: return "\(tag) echo \"$PATH\" '$(rm -rf /)' `date` \\; #{pane_id} %s ~ Enter C-c"
        case 4: return "\(tag) héllo wörld ✻ 日本語 🚀 ❯ │ — ünïcödé"
        default: return "\(tag) big\n" + String(repeating: "línea ✓ `x` $y \"z\"\n", count: 200) + "end"
        }
    }

    @Test func typesShortAndLongTextAndConfirmsSubmission() async throws {
        try await TestServer.with { server in
            let record = server.directory + "/rec.jsonl"
            let pane = try await server.tmux.newSession("one", command: PaneCommand(Fixture.fakeAgentCommand(record: record)), width: 120, height: 40)
            let classifier = try ScreenClassifier(kind: "claude")
            try await ControlModeClient.withConnection(server.tmux, session: "one") { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: server.tmux, control: control), configuration: Self.typing))
                // Copy mode first: typed keys would go to tmux, not the program.
                try await server.tmux.run(["copy-mode", "-t", pane])
                let texts = [Self.prompt(0), Self.prompt(1), Self.prompt(2), Self.prompt(3), Self.prompt(4)]
                for text in texts {
                    let result = try await queue.send(text, to: pane, agent: "fake", classifier: classifier)
                    #expect(result.outcome == .sent, "\(result)")
                }
                let records = queue.audit.records(agent: "fake")
                #expect(records.map(\.method) == [.literal, .paste, .paste, .literal, .literal])
                let received = await eventually { Fixture.recorded(record).count == texts.count }
                #expect(received)
                #expect(Fixture.recorded(record) == texts)
            }
        }
    }

    @Test func waitsForBusyAgentUnlessForced() async throws {
        try await TestServer.with { server in
            let record = server.directory + "/rec.jsonl"
            let pane = try await server.tmux.newSession("busy", command: PaneCommand(Fixture.fakeAgentCommand(record: record, busy: 1.5)), width: 120, height: 40)
            let classifier = try ScreenClassifier(kind: "claude")
            try await ControlModeClient.withConnection(server.tmux, session: "busy") { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: server.tmux, control: control), configuration: Self.typing))
                // Timed from before the first send: the agent's busy 1.5 s start only once it has
                // "first", so both sends together cannot take less unless "second" did not wait.
                // (Timing from after the first send failed on a loaded host, where confirming the
                // first submission itself took a good part of the busy time.)
                let start = ContinuousClock.now
                let first = try await queue.send("first", to: pane, agent: "fake", classifier: classifier)
                #expect(first.outcome == .sent)
                // The agent is now busy for 1.5 s: the next command must wait, not be typed into it
                // (the fake agent throws away what is typed while busy, so the record shows it too).
                let second = try await queue.send("second", to: pane, agent: "fake", classifier: classifier)
                #expect(second.outcome == .sent)
                #expect(ContinuousClock.now - start > .milliseconds(1500))
                #expect(Fixture.recorded(record) == ["first", "second"])
            }
        }
    }

    /// The zero-loss proof: every prompt into 20 fake agents, each received exactly once and
    /// intact. FLOTILLA_ZERO_LOSS_PROMPTS sets the count (10000 for the benchmark in docs/fleet.md).
    @Test func zeroLossIntoTwentyPanes() async throws {
        let total = Int(ProcessInfo.processInfo.environment["FLOTILLA_ZERO_LOSS_PROMPTS"] ?? "") ?? 600
        let paneCount = 20
        try await TestServer.with { server in
            let tmux = server.tmux
            var panes: [(pane: String, record: String)] = []
            for index in 0..<paneCount {
                let record = server.directory + "/agent\(index).jsonl"
                let command = PaneCommand(Fixture.fakeAgentCommand(record: record))
                let pane = index == 0
                    ? try await tmux.newSession("zero", window: "a0", command: command, width: 160, height: 40)
                    : try await tmux.newWindow(session: "zero", name: "a\(index)", command: command)
                panes.append((pane, record))
            }
            let classifier = try ScreenClassifier(kind: "claude")
            let start = ContinuousClock.now
            let audit = CommandAudit(capacity: total + 10)
            try await ControlModeClient.withConnection(tmux, session: "zero") { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: tmux, control: control), configuration: Self.typing), audit: audit)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (slot, target) in panes.enumerated() {
                        group.addTask {
                            for index in stride(from: slot, to: total, by: paneCount) {
                                try await queue.send(Self.prompt(index), to: target.pane, agent: "a\(slot)", classifier: classifier)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let failed = audit.records().filter { $0.outcome != .sent }
            #expect(failed.isEmpty, "failed: \(failed.prefix(3))")
            var lost = 0, duplicated = 0, mangled = 0
            for (slot, target) in panes.enumerated() {
                let got = Fixture.recorded(target.record)
                let expected = Array(stride(from: slot, to: total, by: paneCount)).map(Self.prompt)
                let counts = Dictionary(got.map { ($0, 1) }, uniquingKeysWith: +)
                for text in expected {
                    let count = counts[text] ?? 0
                    if count == 0 { lost += 1 } else if count > 1 { duplicated += count - 1 }
                }
                mangled += got.filter { !Set(expected).contains($0) }.count
                #expect(got == expected, "pane \(slot): \(got.count) received, \(expected.count) sent")
            }
            #expect(lost == 0 && duplicated == 0 && mangled == 0)
            let presses = audit.records().map(\.enterPresses).reduce(0, +)
            print("zero-loss: \(total) prompts into \(paneCount) panes in \(String(format: "%.1f", seconds)) s = \(String(format: "%.1f", Double(total) / seconds)) prompts/s; lost \(lost), duplicated \(duplicated), mangled \(mangled); Enter presses \(presses)")
        }
    }

    /// The naive way (seeds/002): `send-keys TEXT Enter` with no waiting loses prompts against the
    /// same fake agent. Kept on record so the number is re-measured on every run.
    @Test func naiveSendKeysLosesPrompts() async throws {
        let perPane = 20
        try await TestServer.with { server in
            var panes: [(String, String)] = []
            for index in 0..<5 {
                let record = server.directory + "/naive\(index).jsonl"
                let command = PaneCommand(Fixture.fakeAgentCommand(record: record))
                let pane = index == 0
                    ? try await server.tmux.newSession("naive", command: command, width: 160, height: 40)
                    : try await server.tmux.newWindow(session: "naive", name: "n\(index)", command: command)
                panes.append((pane, record))
            }
            let classifier = try ScreenClassifier(kind: "claude")
            let typer = SafeTyper(screen: PaneScreen(tmux: server.tmux), configuration: Self.typing)
            for (pane, _) in panes { _ = try await typer.waitUntilIdle(pane, classifier: classifier, timeout: .seconds(20)) }
            var sent = 0
            for index in 0..<perPane {
                for (pane, _) in panes {
                    let text = "naive \(index) \(pane) single line"
                    try await server.tmux.run(["send-keys", "-t", pane, text, "Enter"])
                    sent += 1
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .seconds(1))
            var intact = 0
            for (pane, record) in panes {
                let expected = Set((0..<perPane).map { "naive \($0) \(pane) single line" })
                intact += Fixture.recorded(record).filter { expected.contains($0) }.count
            }
            let lossRate = Double(sent - intact) / Double(sent)
            print("naive send-keys TEXT Enter: \(sent) sent, \(intact) received intact, loss \(String(format: "%.0f", lossRate * 100)) %")
            #expect(intact < sent)
        }
    }
}
