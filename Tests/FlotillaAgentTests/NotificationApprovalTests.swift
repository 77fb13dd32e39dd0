import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// The notification people ask for most: an agent waits for their approval. A request a rule
/// decided at once waits for nobody and is not notified.
@Suite struct NotificationApprovalTests {
    @Test func aPendingApprovalIsNotifiedAndOneARuleDecidedIsNot() async throws {
        let receiver = try await NotificationReceiver()
        defer { receiver.stop() }
        let setup = try NotificationSetup.parse("""
            targets:
              phone: {kind: ntfy, url: "\(receiver.url("/phone"))"}
            subscriptions:
              - {target: phone, events: [approval.requested], filter: {role: coder}}
            """, directory: "/")
        let policy = try ApprovalPolicy(json: ["rules": [["allow": [#"^Bash\(swift test"#]]]])
        try await LiveHub.run(configure: { $0.notifications = setup; $0.approvals = policy }) { served, client in
            let engine = served.hub.engine
            // Decided by the rule as it is recorded: nobody to tell.
            let ruled = try await engine.requestApproval(ApprovalQuestion(source: .claudeHook, tool: "Bash", input: ["command": "swift test"]), agentID: "w1", role: "coder", ref: nil)
            #expect(ruled.state == .allowed)
            // Another role's request: filtered out.
            _ = try await engine.requestApproval(ApprovalQuestion(source: .claudeHook, tool: "Bash", input: ["command": "make deploy"]), agentID: "r1", role: "reviewer", ref: nil)
            let pending = try await engine.requestApproval(ApprovalQuestion(source: .claudeHook, tool: "Bash", input: ["command": "rm -rf build"]), agentID: "w1", role: "coder", ref: nil)
            #expect(pending.state == .pending)
            // Events are handled in order: once the last one's delivery is there, the others were seen.
            try await eventually("the pending approval is notified") {
                try await client.notifications(query: ["status": "delivered"])["notifications"]?.arrayValue?.count == 1
            }
            let all = try #require(try await client.notifications()["notifications"]?.arrayValue)
            #expect(all.count == 1, "\(all)")
            #expect(all.first?["subject"]?.stringValue == "approval:\(pending.id)")
            let request = try #require(receiver.requests("/phone").first)
            #expect(receiver.requests("/phone").count == 1)
            #expect(request["body"]?.stringValue?.hasPrefix("Agent w1 waits for approval: Bash(rm -rf build)") == true, "\(request)")
            #expect(request["body"]?.stringValue?.contains("flotilla approvals allow \(pending.id)") == true)
            #expect(request.header("Title") == "Flotilla: Approval needed")
            #expect(request.header("Priority") == "4")
            #expect(request.header("Tags") == "question")
        }
    }
}
