import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// `flotilla submit` builds a `TaskSpec` from its options and sends it with the typed client:
/// what the hub stores is that spec, a spec the hub would refuse is refused before anything is
/// sent, and the listing commands print the typed values back.
@Suite struct SubmitTypedCLITests {
    @Test func theOptionsBecomeTheStoredSpec() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            _ = try await client.submit(["type": "x", "role": "nobody", "id": "first"])
            let submitted = try await CLIProcess.run(["submit"] + hub + [
                "--type", "code.review", "--role", "review", "--priority", "high", "--payload", #"{"pr":42}"#,
                "--prompt", "Review it", "--depends-on", "first", "--capability", "swift", "--capability", "git",
                "--max-attempts", "5", "--timeout", "60", "--ttl", "600", "--idempotency-key", "cli-key",
                "--verify", "swift test", "--complexity", "complex", "--id", "cli-1",
            ])
            #expect(submitted.status == 0, "\(submitted.stderr)")
            #expect(submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "cli-1")
            let stored = try await client.task(id: "cli-1").record.spec
            let expected = TaskSpec(
                type: "code.review", role: "review", capabilities: ["git", "swift"], priority: .high, payload: ["pr": 42],
                prompt: "Review it", verify: ["swift test"], dependsOn: ["first"], timeoutSeconds: 60, maxAttempts: 5,
                idempotencyKey: "cli-key", complexity: .complex, ttlSeconds: 600
            )
            #expect(stored == expected)

            let listed = try await CLIProcess.run(["tasks", "list", "--state", "blocked"] + hub)
            #expect(listed.status == 0, "\(listed.stderr)")
            let row = listed.stdout.split(separator: "\n").first { $0.hasPrefix("cli-1") }.map { $0.split(separator: " ").map(String.init) }
            #expect(row == ["cli-1", "blocked", "code.review", "review", "high", "0", "-"], "\(listed.stdout)")
            let shown = try await CLIProcess.run(["tasks", "show", "cli-1"] + hub)
            #expect(shown.stdout.hasPrefix("id: cli-1\ntype: code.review\nstate: blocked\nrole: review\npriority: high\n"), "\(shown.stdout)")
            #expect(shown.stdout.contains("waiting: dependencies:"), "\(shown.stdout)")
            let cancelled = try await CLIProcess.run(["tasks", "cancel", "cli-1"] + hub)
            #expect(cancelled.stdout == "cli-1 cancelled\n", "\(cancelled.stdout)\(cancelled.stderr)")
            let retried = try await CLIProcess.run(["tasks", "retry", "cli-1"] + hub)
            #expect(retried.stdout == "cli-1 blocked\n", "\(retried.stdout)\(retried.stderr)")
        }
    }

    @Test func aSpecTheHubWouldRefuseIsNotSent() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            for (option, value, field) in [("--priority", "urgent", "priority"), ("--complexity", "huge", "complexity"), ("--max-attempts", "0", "max_attempts")] {
                let refused = try await CLIProcess.run(["submit"] + hub + ["--type", "x", option, value])
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("invalid_field") && refused.stderr.contains("(field: \(field))") && refused.stderr.contains("Nothing was submitted."), "\(refused.stderr)")
            }
            #expect(try await client.taskPage().tasks.isEmpty)
            let stats = try await CLIProcess.run(["stats"] + hub)
            #expect(stats.stdout.hasPrefix("tasks:  blocked 0 · queued 0 · assigned 0"), "\(stats.stdout)")
        }
    }
}
