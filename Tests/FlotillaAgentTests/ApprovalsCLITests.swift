import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import Foundation
import Testing

/// `flotilla approvals list/show/allow/deny` and `flotilla hub --approvals FILE`, as a person
/// runs them against a real hub.
@Suite struct ApprovalsCLITests {
    @Test func listShowAllowAndDenyAnswerTheQueueAndARefusalExitsOneWithItsCode() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let q = ApprovalQuestion(source: .tmuxScreen, tool: "prompt", detail: "Run `make deploy`?", choices: [
                ApprovalChoice(key: "1", label: "Yes", allows: true), ApprovalChoice(key: "2", label: "Yes, always", allows: true),
                ApprovalChoice(key: "3", label: "No", allows: false),
            ])
            let first = try await served.hub.engine.requestApproval(q, agentID: "pane-1", role: nil, ref: nil)
            let second = try await served.hub.engine.requestApproval(ApprovalQuestion(source: .claudeHook, tool: "Bash", input: ["command": "rm -rf build"]), agentID: "pane-2", role: nil, ref: nil)

            let list = try await CLIProcess.run(["approvals"] + hub)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains(first.id) && list.stdout.contains(second.id))
            #expect(list.stdout.contains("Bash(rm -rf build)"))
            #expect(list.stdout.contains("expires in"))

            let show = try await CLIProcess.run(["approvals", "show", first.id] + hub)
            #expect(show.status == 0)
            #expect(show.stdout.contains("[2] Yes, always"))
            #expect(show.stdout.contains("Run `make deploy`?"), "the exact prompt is shown")

            let allow = try await CLIProcess.run(["approvals", "allow", first.id, "--choice", "2", "--reason", "once is fine"] + hub)
            #expect(allow.status == 0, "\(allow.stderr)")
            #expect(allow.stdout.contains("allowed"))
            #expect(try await client.approval(id: first.id)["choice"] == "2")

            let deny = try await CLIProcess.run(["approvals", "deny", second.id, "--reason", "not the build dir"] + hub)
            #expect(deny.status == 0)
            #expect(deny.stdout.contains("reason:  not the build dir"))

            // Deciding again: refused, exit 1, the code printed; nothing changes.
            let again = try await CLIProcess.run(["approvals", "allow", second.id] + hub)
            #expect(again.status == 1)
            #expect(again.stderr.contains("approval_decided"))
            #expect(try await client.approval(id: second.id)["state"] == "denied")
            let unknown = try await CLIProcess.run(["approvals", "show", "apr_ffffffffffffffff"] + hub)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("approval_not_found"))
            let badState = try await CLIProcess.run(["approvals", "list", "--state", "maybe"] + hub)
            #expect(badState.status == 1)
            #expect(badState.stderr.contains("field: state"))
            // A deny needs its reason.
            #expect(try await CLIProcess.run(["approvals", "deny", first.id] + hub).status != 0)

            let history = try await CLIProcess.run(["approvals", "list", "--state", "all"] + hub)
            #expect(history.stdout.contains("person"))
            #expect(try await CLIProcess.run(["approvals"] + hub).stdout.contains("no pending approval requests"))
        }
    }

    @Test func theHubRefusesABadApprovalsFileNamingTheFieldAndStartsNothing() async throws {
        let directory = Paths.temporaryDirectory("approvals-file")
        let bad = directory + "/approvals.yaml"
        try "timeout: 10m\nrules:\n  - role: coder\n    deny: ['rm -rf', '(unclosed']\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await CLIProcess.run(["hub", "--port", "0", "--data-dir", directory + "/data", "--approvals", bad], within: 30)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("rules[0].deny[1]"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/flotilla.sqlite"), "nothing was opened")
        let missing = try await CLIProcess.run(["hub", "--port", "0", "--data-dir", directory + "/data", "--approvals", directory + "/none.yaml"], within: 30)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Cannot read the approvals file"))
    }
}
