import Foundation
import Testing

@testable import FlotillaTmux

/// `send-keys -l` through the tmux CLI must type text exactly: tmux reads a trailing `;` as a
/// command separator (dropping it) and a trailing `\;` as an escaped `;`.
@Suite(.serialized) struct ExactTypingTests {
    static let texts = ["run the tests;", #"escaped \;"#, "--", ";", #"\;"#, "-l", "a; b ;", #"two \\;"#]

    @Test func trailingSemicolonsAndDashesArriveWhole() async throws {
        try await TestServer.with { server in
            let record = server.directory + "/rec.jsonl"
            let pane = try await server.tmux.newSession("exact", command: PaneCommand(Fixture.fakeAgentCommand(record: record)), width: 120, height: 40)
            let classifier = try ScreenClassifier(kind: "claude")
            try await ControlModeClient.withConnection(server.tmux, session: "exact") { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: server.tmux, control: control), configuration: SafeTypingTests.typing))
                for text in Self.texts {
                    let result = try await queue.send(text, to: pane, agent: "fake", classifier: classifier)
                    #expect(result.outcome == .sent, "\(text): \(result)")
                }
                #expect(queue.audit.records(agent: "fake").allSatisfy { $0.method == .literal })
                let received = await eventually { Fixture.recorded(record).count == Self.texts.count }
                #expect(received)
                #expect(Fixture.recorded(record) == Self.texts)
            }
        }
    }

    @Test func keyArgumentsAreSpelledForTmux() {
        #expect(Tmux.verbatim("a;") == #"a\;"#)
        #expect(Tmux.verbatim(#"a\;"#) == #"a\\;"#)
        #expect(Tmux.verbatim(";") == #"\;"#)
        #expect(Tmux.verbatim("a; b") == "a; b")
        #expect(Tmux.verbatim("Enter") == "Enter")
    }
}
