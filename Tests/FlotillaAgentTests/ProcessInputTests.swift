import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// A child's stdin kept open: lines written while it runs (from the output handler, as a
/// conversation on stdio does), closed on demand, and a child that stops reading does not
/// take the agent down.
@Suite struct ProcessInputTests {
    @Test(.timeLimit(.minutes(1))) func aConversationOnStdinAnswersEachLineAndEndsOnClose() async throws {
        let input = ProcessInput()
        var spec = ProcessSpec(argv: ["/bin/sh", "-c", #"while IFS= read -r line; do echo "got:$line"; done; echo "eof""#])
        spec.input = input
        // Sent before the program has started: written once it has.
        input.send(line: "1")
        let seen = Mutex<[String]>([])
        let outcome = try await ProcessRunner.run(spec) { stream, line in
            guard stream == .stdout else { return }
            seen.withLock { $0.append(line) }
            // Each answer asks the next question, from inside the output handler.
            switch line {
            case "got:1": input.send(line: "two words")
            case "got:two words": input.send(line: #"{"type":"user"}"#)
            case #"got:{"type":"user"}"#: input.close()
            default: break
            }
        }
        #expect(outcome.exitCode == 0)
        #expect(seen.withLock { $0 } == ["got:1", "got:two words", #"got:{"type":"user"}"#, "eof"])
        #expect(input.isClosed)
        #expect(input.writtenBytes == "1\ntwo words\n{\"type\":\"user\"}\n".utf8.count)
        #expect(!input.send(line: "late"), "nothing is sent after the run")
    }

    @Test(.timeLimit(.minutes(1))) func aChildThatStopsReadingEndsTheConversationNotTheAgent() async throws {
        let input = ProcessInput()
        // `head` reads one line and exits: later writes meet a closed pipe (EPIPE, not SIGPIPE).
        var spec = ProcessSpec(argv: ["/bin/sh", "-c", "head -n 1; sleep 0.2"])
        spec.input = input
        input.send(line: "only")
        let outcome = try await ProcessRunner.run(spec) { _, line in
            guard line == "only" else { return }
            let chunk = String(repeating: "x", count: 64 * 1024)
            for _ in 0..<32 { input.send(line: chunk) }
        }
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout.text == "only\n")
        #expect(input.writtenBytes < 33 * 64 * 1024, "not everything could be written")
        #expect(!input.send(line: "after"))
    }

    @Test(.timeLimit(.minutes(1))) func aStopSignalEndsAProgramWaitingOnItsStdin() async throws {
        let input = ProcessInput()
        var spec = ProcessSpec(argv: ["/bin/sh", "-c", "echo ready; cat"])
        spec.input = input
        let stop = StopSignal()
        let outcome = try await ProcessRunner.run(spec, stop: stop) { _, line in
            if line == "ready" { stop.fire(.cancelled) }
        }
        #expect(outcome.stopped == .cancelled)
        #expect(!input.send(line: "after"))
    }
}
