import FlotillaCore
import Foundation
import Synchronization
import Testing

@testable import FlotillaTmux

/// The tmux fallback of approvals, in the monitor: a decided prompt's chosen key is typed into
/// a real pane, and only while the same prompt still shows.
@Suite(.serialized) struct PromptAnswerTests {
    static let script = Fixture.directory + "/numbered_prompt.py"

    @Test func theChosenKeyIsTypedOnlyIntoThePromptItWasChosenFor() async throws {
        try await TestServer.with { server in
            let out = server.directory + "/keys.txt"
            let trigger = server.directory + "/next"
            let command = "/usr/bin/python3 \(Self.script) \(out) --first 'rm -rf build' --then 'git push --force' --trigger \(trigger)"
            let pane = try await server.tmux.newSession("ask", command: PaneCommand(command), width: 100, height: 30)
            let classifier = try ScreenClassifier(kind: "claude")
            let screen = PaneScreen(tmux: server.tmux)
            let events = Mutex([AgentEvent]())
            let monitor = PaneMonitor(screen: screen) { event in events.withLock { $0.append(event) } }
            let target = PaneMonitor.Target(agent: "asker", pane: pane, classifier: classifier)
            func region() async -> String? {
                guard let text = try? await screen.capture(pane) else { return nil }
                return classifier.promptRegion(text)
            }
            #expect(await eventually { await region()?.contains("rm -rf build") == true })
            let first = try #require(await region())
            #expect(PromptChoices.parse(first).map(\.key) == ["1", "2", "3"])
            monitor.openPrompts.withLock { $0["apr_first"] = .init(target: target, prompt: first, choices: PromptChoices.parse(first)) }
            // The pane moves on to another prompt before the decision arrives.
            FileManager.default.createFile(atPath: trigger, contents: nil)
            #expect(await eventually { await region()?.contains("git push --force") == true })
            await monitor.answer(id: "apr_first", allow: true, choice: "2")
            let refused = try #require(events.withLock { $0.last { $0.kind == .approval } })
            #expect(refused.payload["approved"] == false)
            #expect(refused.payload["approval_id"] == "apr_first")
            #expect(refused.payload["reason"] == "the prompt changed before the keys were sent")
            #expect((try? String(contentsOfFile: out, encoding: .utf8)) == nil, "nothing reached the pane")
            // The prompt now showing, decided with choice 2: "2" is typed and the script reads it.
            let second = try #require(await region())
            monitor.openPrompts.withLock { $0["apr_second"] = .init(target: target, prompt: second, choices: PromptChoices.parse(second)) }
            await monitor.answer(id: "apr_second", allow: true, choice: "2")
            #expect(await eventually { (try? String(contentsOfFile: out, encoding: .utf8)) == "git push --force:2\n" })
            let typed = try #require(events.withLock { $0.last { $0.kind == .approval } })
            #expect(typed.payload["approved"] == true)
            #expect(typed.payload["choice"] == "2")
            // A decision the monitor no longer holds (answered already) types nothing more.
            await monitor.answer(id: "apr_second", allow: false, choice: nil)
            #expect(events.withLock { $0.filter { $0.kind == .approval }.count } == 2)
        }
    }

    @Test func letterAnswersTakeEnterUnlessTheKindUsesHotkeys() throws {
        let monitor = PaneMonitor(screen: PaneScreen(tmux: Tmux(configuration: TmuxConfiguration(socketName: "unused")))) { _ in }
        let yes = ApprovalChoice(key: "y", label: "Yes", allows: true)
        #expect(monitor.keys(for: yes, classifier: try ScreenClassifier(kind: "shell")) == ["y", "Enter"])
        #expect(monitor.keys(for: yes, classifier: try ScreenClassifier(kind: "aider")) == ["y", "Enter"])
        #expect(monitor.keys(for: yes, classifier: try ScreenClassifier(kind: "codex")) == ["y"])
        #expect(monitor.keys(for: ApprovalChoice(key: "3", label: "No", allows: false), classifier: try ScreenClassifier(kind: "claude")) == ["3"])
    }
}
