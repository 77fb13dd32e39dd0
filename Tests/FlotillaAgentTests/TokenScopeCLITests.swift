import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 22 item 2: `flotilla token create --scope viewer|submitter` against a live hub, shown by
/// `token list`; the new tokens work as their scope says; an unknown scope is refused.
@Suite struct TokenScopeCLITests {
    @Test func createsViewerAndSubmitterTokensAndListsTheirScopes() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            var secrets: [String: String] = [:]
            for scope in ["viewer", "submitter"] {
                let created = try await CLIProcess.run(["token", "create", "--name", "cli-\(scope)", "--scope", scope] + hub)
                #expect(created.status == 0, "\(created.stderr)")
                #expect(created.stdout.contains("scope: \(scope)"), "\(created.stdout)")
                secrets[scope] = created.stdout.split(separator: "\n").last.map(String.init)
            }
            let listed = try await CLIProcess.run(["token", "list"] + hub)
            #expect(listed.status == 0, "\(listed.stderr)")
            let rows = listed.stdout.split(separator: "\n")
            #expect(rows.contains { $0.contains("cli-viewer") && $0.contains("viewer") }, "\(listed.stdout)")
            #expect(rows.contains { $0.contains("cli-submitter") && $0.contains("submitter") }, "\(listed.stdout)")

            // The viewer token reads but may not submit; the submitter token submits.
            let viewer = ["--hub", served.baseURL, "--token", try #require(secrets["viewer"])]
            let read = try await CLIProcess.run(["stats"] + viewer)
            #expect(read.status == 0, "\(read.stderr)")
            let refused = try await CLIProcess.run(["submit", "--type", "x", "--role", "nobody"] + viewer)
            #expect(refused.status != 0 && refused.stderr.contains("forbidden"), "\(refused.stderr)")
            let submitter = ["--hub", served.baseURL, "--token", try #require(secrets["submitter"])]
            let submitted = try await CLIProcess.run(["submit", "--type", "x", "--role", "nobody", "--json"] + submitter)
            #expect(submitted.status == 0, "\(submitted.stderr)")
            let task = try JSONValue.parse(submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(task["state"] == "queued", "\(submitted.stdout)")
        }
    }

    @Test func anUnknownScopeIsRefusedBeforeAnythingIsCreated() async throws {
        try await LiveHub.run { served, client in
            let before = try await client.tokens().count
            let result = try await CLIProcess.run(["token", "create", "--name", "x", "--scope", "owner", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(result.status != 0)
            #expect(result.stderr.contains("--scope must be 'agent', 'viewer', 'submitter' or 'admin'"), "\(result.stderr)")
            #expect(try await client.tokens().count == before)
        }
    }
}
