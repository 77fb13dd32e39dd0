import FlotillaAgent
import FlotillaCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A task whose program exits but leaves a process behind holding its output does not keep the
/// agent's slot: the group is ended after the grace period and the attempt reports.
@Suite struct LeftoverProcessTests {
    @Test(.timeLimit(.minutes(1))) func aBackgroundProcessHoldingStdoutIsEndedAfterTheMainOneExits() async throws {
        let workdir = Paths.temporaryDirectory()
        let pidFile = workdir + "/leftover.pid"
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: workdir)
        let started = ContinuousClock.now
        let report = await runner.run(
            Assignment.make(["payload": ["command": .string("sleep 600 & echo $! > \(pidFile); echo main done")]]), stop: StopSignal()
        ) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        #expect(result["status"] == "succeeded")
        #expect(result["output_tail"] == "main done\n")
        #expect(result["ended_background_processes"] == true)
        #expect(ContinuousClock.now - started < .seconds(30))
        let pid = try #require(pid_t(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await eventually("the leftover sleep \(pid) ends") { kill(pid, 0) != 0 || Self.isZombie(pid) }
    }

    @Test func aLeftoverThatFinishesWithinTheGraceIsLeftToFinish() async throws {
        let directory = Paths.temporaryDirectory()
        let outcome = try await ProcessRunner.run(ProcessSpec(argv: ["/bin/sh", "-c", "(sleep 0.3; touch \(directory)/finished) & echo started"], leftoverGrace: .seconds(20)))
        #expect(outcome.exitCode == 0)
        #expect(!outcome.endedLeftovers)
        #expect(FileManager.default.fileExists(atPath: directory + "/finished"), "the run waited for it, and it was not killed")
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false
    }
}
