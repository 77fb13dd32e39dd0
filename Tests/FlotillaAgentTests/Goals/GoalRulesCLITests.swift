import Foundation
import Testing

/// `flotilla hub --goal-rules FILE` with a bad file: the hub does not start, and says which
/// line and field of the file to fix.
@Suite struct GoalRulesCLITests {
    @Test func aHubWithABadRulesFileRefusesToStartNamingTheLineAndField() async throws {
        let folder = Paths.temporaryDirectory("goal-rules")
        let file = folder + "/rules.yaml"
        try "risk:\n  paths:\n    - name: payments\n      tier: severe\n      globs: [src]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try await CLIProcess.run(["hub", "--port", "0", "--data-dir", folder + "/data", "--goal-rules", file], within: 60)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--goal-rules \(file): rules.yaml line 4, risk.paths[0].tier:"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/data/flotilla.sqlite"), "nothing was started")
    }
}
