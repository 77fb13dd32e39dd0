import FlotillaCore
import Foundation
import Synchronization
import Testing

@testable import FlotillaTmux

@Suite struct ScreenClassifierTests {
    static let cases: [(String, String, String)] = [
        ("claude", ScreenFixtures.claude), ("codex", ScreenFixtures.codex), ("gemini", ScreenFixtures.gemini),
        ("aider", ScreenFixtures.aider), ("shell", ScreenFixtures.shell),
    ].flatMap { kind, fixtures in fixtures.map { (kind, $0.0, $0.1) } }

    @Test(arguments: 0..<cases.count)
    func classifiesFixture(_ index: Int) throws {
        let (kind, expected, screen) = Self.cases[index]
        let reading = try ScreenClassifier(kind: kind).classify(screen)
        #expect(reading.state?.rawValue == expected, "\(kind) fixture \(index) read as \(String(describing: reading.state))")
    }

    @Test func everyStateHasAFixture() {
        let covered = Set(Self.cases.map(\.1)).union(["stuck"])  // stuck comes from time, not a screen
        #expect(covered == Set(ObservedState.allCases.map(\.rawValue)))
        #expect(Set(Self.cases.map(\.0)) == ["claude", "codex", "gemini", "aider", "shell"])
    }

    @Test func readsTheInputBox() throws {
        let claude = try ScreenClassifier(kind: "claude")
        #expect(claude.classify(ScreenFixtures.claudeBox).inputText == "")
        #expect(claude.classify(ScreenFixtures.claudeBox.replacingOccurrences(of: "❯\u{00A0}", with: "❯ fix it")).inputText == "fix it")
        #expect(claude.classify(ScreenFixtures.claude[2].1).inputText == "")  // a placeholder is not text
    }

    @Test func userRulesExtendAndOverride() throws {
        let user = try ScreenRules.parse(yaml: """
            kinds:
              claude:
                rules:
                  - state: complete
                    any: ['SHIPPED IT']
              robot:
                input_box: '^robot> ?(.*)$'
                rules:
                  - state: working
                    any: ['^beep']
            """)
        let rules = ScreenRules.defaults.merged(with: user)
        let claude = try ScreenClassifier(kind: "claude", rules: rules)
        #expect(claude.classify("SHIPPED IT\n" + ScreenFixtures.claudeBox).state == .complete)
        #expect(claude.classify(ScreenFixtures.claude[3].1).state == .thinking)  // shipped rules still apply
        let robot = try ScreenClassifier(kind: "robot", rules: rules)
        #expect(robot.classify("beep boop\nrobot> ").state == .working)
        #expect(robot.classify("robot> ").state == .idle)
        #expect(throws: FleetError.self) { try ScreenRules.parse(yaml: "kinds: [1, 2]") }
    }

    @Test func trackerSettlesAndDetectsStuck() throws {
        let classifier = try ScreenClassifier(kind: "claude")
        let start = ContinuousClock.now
        var tracker = StateTracker(configuration: .init(settle: .milliseconds(500), stuckAfter: .seconds(300)), now: start)
        let busy = ScreenFixtures.claude[3].1, idle = ScreenFixtures.claude[1].1
        #expect(tracker.observe(screen: busy, reading: classifier.classify(busy), now: start)! == (from: .initializing, to: .thinking))
        #expect(tracker.observe(screen: idle, reading: classifier.classify(idle), now: start + .milliseconds(100)) == nil)  // not settled
        #expect(tracker.observe(screen: idle, reading: classifier.classify(idle), now: start + .milliseconds(700))! == (.thinking, .idle))
        #expect(tracker.observe(screen: busy, reading: classifier.classify(busy), now: start + .seconds(1))! == (.idle, .thinking))
        #expect(tracker.observe(screen: busy, reading: classifier.classify(busy), now: start + .seconds(302))! == (.thinking, .stuck))
        #expect(tracker.observe(screen: idle, reading: classifier.classify(idle), now: start + .seconds(303)) == nil)
        #expect(tracker.observe(screen: idle, reading: classifier.classify(idle), now: start + .seconds(304))! == (.stuck, .idle))
    }

    @Test func autoApprovePolicy() throws {
        let screen = ScreenFixtures.claude[8].1
        let classifier = try ScreenClassifier(kind: "claude")
        #expect(AutoApprovePolicy.off.approvedPrompt(on: screen, classifier: classifier) == nil)
        #expect(AutoApprovePolicy.on.approvedPrompt(on: screen, classifier: classifier) != nil)
        #expect(AutoApprovePolicy(enabled: true, deny: ["rm -rf"]).approvedPrompt(on: screen, classifier: classifier) == nil)
        #expect(AutoApprovePolicy(enabled: true, allow: ["Bash command"]).approvedPrompt(on: screen, classifier: classifier) != nil)
    }

    @Test func progressFromCheckboxes() {
        let spec = """
            # Task
            - [x] read the issue
            - [X] write the code
              * [ ] nested item
            + [ ] docs
            - [] not a box
            ```
            - [ ] inside code
            ```
            """
        let progress = TaskProgress.parse(spec)
        #expect(progress == TaskProgress(done: 2, total: 4))
        #expect(progress.percent == 50)
        #expect(TaskProgress.parse("no boxes").percent == 0)
    }
}

@Suite(.serialized) struct LiveStateTests {
    /// A fake agent walked through initializing → thinking → waiting_input → working → idle by
    /// one prompt; the monitor sees each state and raises its event (and auto-approves).
    @Test func walksFakeAgentThroughStates() async throws {
        try await TestServer.with { server in
            let record = server.directory + "/rec.jsonl"
            let spec = server.directory + "/TASK.md"
            try "- [x] one\n- [ ] two\n".write(toFile: spec, atomically: true, encoding: .utf8)
            let pane = try await server.tmux.newSession("walk", command: PaneCommand(Fixture.fakeAgentCommand(record: record, phase: 0.8) + " --init 0.8"), width: 120, height: 40)
            let classifier = try ScreenClassifier(kind: "claude")
            let events = Mutex([AgentEvent]())
            try await ControlModeClient.withConnection(server.tmux, session: "walk") { control in
                let screen = PaneScreen(tmux: server.tmux, control: control)
                let monitor = PaneMonitor(screen: screen, configuration: .init(settle: .milliseconds(150))) { event in
                    events.withLock { $0.append(event) }
                }
                let audit = CommandAudit()
                let queue = CommandQueue(typer: SafeTyper(screen: screen, configuration: SafeTypingTests.typing), audit: audit) { record in
                    events.withLock { $0.append(.command(record)) }
                }
                func states() -> [String] {
                    events.withLock { $0.filter { $0.kind == .stateChange }.compactMap { $0.payload["to"]?.stringValue } }
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await monitor.watch(.init(agent: "fake", pane: pane, classifier: classifier, autoApprove: .on, taskSpec: spec))
                    }
                    let sawIdle = await eventually { states().contains("idle") }
                    #expect(sawIdle)
                    let sent = try await queue.send("/approve delete the build", to: pane, agent: "fake", classifier: classifier)
                    #expect(sent.outcome == .sent)
                    let walked = await eventually(timeout: .seconds(15)) { states().suffix(4) == ["thinking", "waiting_input", "working", "idle"] }
                    #expect(walked, "states seen: \(states())")
                    try "- [x] one\n- [x] two\n".write(toFile: spec, atomically: true, encoding: .utf8)
                    let full = await eventually { monitor.snapshot().first?.progress?.percent == 100 }
                    #expect(full)
                    group.cancelAll()
                }
            }
            let all = events.withLock { $0 }
            let seen = all.filter { $0.kind == .stateChange }.compactMap { $0.payload["to"]?.stringValue }
            #expect(Self.isSubsequence(["initializing", "thinking", "waiting_input", "working", "idle"], of: seen), "\(seen)")
            #expect(all.contains { $0.kind == .commandSent })
            #expect(all.filter { $0.kind == .progress }.compactMap { $0.payload["percent"]?.intValue } == [50, 100])
        }
    }

    static func isSubsequence(_ wanted: [String], of seen: [String]) -> Bool {
        var index = wanted.startIndex
        for state in seen where index < wanted.endIndex && state == wanted[index] { index += 1 }
        return index == wanted.endIndex
    }
}
