import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// `flotilla hub --autonomy …` (the real binary): the file's commands and the flags reach the
/// running initiative, which scans a real git repository at once and proposes one goal for
/// its failing tests; bad flags and files are refused before the hub opens anything.
@Suite struct AutonomyCLITests {
    /// A git repository whose unittest suite fails.
    static func failingRepository() async throws -> String {
        let path = Paths.temporaryDirectory("autonomy-repo")
        try "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(1 + 1, 3)\n"
            .write(toFile: path + "/test_math.py", atomically: true, encoding: .utf8)
        for arguments in [["init", "-q", "-b", "main"], ["add", "."], ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "m"]] {
            let (status, output) = try await runProgram("/usr/bin/git", ["-C", path] + arguments)
            guard status == 0 else { throw TestFailure("git \(arguments): \(output)") }
        }
        return path
    }

    @Test func theHubRunsItsInitiativeFromTheFlagsAndTheFile() async throws {
        let repo = try await Self.failingRepository()
        let other = Paths.temporaryDirectory("autonomy-other")
        let folder = Paths.temporaryDirectory("autonomy-file")
        try """
            scan_every: 6h
            repos:
              - path: \(repo)
                test: /usr/bin/python3 -m unittest -q
                allow_low_risk: true
            """.write(toFile: folder + "/autonomy.yaml", atomically: true, encoding: .utf8)
        let hub = try await HubChild.start(port: try LiveHub.freePort(), dataDirectory: Paths.temporaryDirectory("autonomy-hub"), arguments: [
            "--autonomy", "--autonomy-file", folder + "/autonomy.yaml", "--autonomy-repo", other, "--autonomy-budget", "2.5",
        ])
        defer { hub.terminate() }
        let client = HubClient(baseURL: hub.baseURL, token: try hub.adminToken)
        try await eventually("the first scan's proposal", within: 60) {
            try await client.autonomy()["findings"]?.arrayValue?.count == 1
        }
        let status = try await client.autonomy()
        #expect(status["budget"]?["day_usd"]?.doubleValue == 2.5, "the flag wins")
        #expect(status["scan_every"]?.doubleValue == 21_600, "from the file")
        let repos = try #require(status["repos"]?.arrayValue)
        #expect(repos.map { $0["path"] } == [.string(repo), .string(other)])
        #expect(repos[0]["test"] == "/usr/bin/python3 -m unittest -q")
        #expect(repos[0]["allow_low_risk"] == true)
        #expect(repos[1]["test"] == .null, "a flag's repository is scanned for TODOs only")
        #expect(status["findings"]?.arrayValue?.first?["kind"] == "failing_tests")
        let goals = try #require(try await client.goals()["goals"]?.arrayValue)
        #expect(goals.count == 1)
        #expect(goals.first?["details"]?["autonomy"]?["finding"]?["summary"] == "1 failing test: test_add (test_math.T.test_add)")
    }

    @Test func badAutonomyFlagsAndFilesAreRefusedBeforeTheHubOpens() async throws {
        let folder = Paths.temporaryDirectory("autonomy-bad")
        try "repos:\n  - path: \(folder)\n    tset: make test\n".write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        for (arguments, expected) in [
            (["--autonomy-repo", folder], "only apply with --autonomy"),
            (["--autonomy", "--autonomy-file", folder + "/bad.yaml"], "repos[0].tset"),
            (["--autonomy", "--autonomy-repo", folder + "/missing"], "is not a directory"),
            (["--autonomy", "--autonomy-scan-every", "soon"], "--autonomy-scan-every"),
            (["--autonomy", "--autonomy-budget", "-3"], "autonomy-budget"),
        ] {
            let data = Paths.temporaryDirectory("autonomy-never")
            let result = try await CLIProcess.run(["hub", "--port", "0", "--data-dir", data] + arguments, within: 30)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data + "/flotilla.sqlite"), "\(arguments): nothing was opened")
        }
    }
}
