import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Issue 24, part 4's proof: a real hub notifying a local HTTP receiver (and a command) of what
/// real shell agents do: signed webhooks, a retry after a 500, one delivery per event across a
/// restart, subscriptions filtered by role, and Slack's and ntfy's request shapes.
@Suite struct NotificationDeliveryTests {
    static func secretFile(_ secret: String = "s3cret") throws -> String {
        let path = Paths.temporaryDirectory("secret") + "/hook.key"
        try (secret + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func deliveries(_ client: HubClient, status: String = "all") async throws -> [JSONValue] {
        try await client.notifications(query: ["status": status])["notifications"]?.arrayValue ?? []
    }

    /// A webhook whose receiver fails the first attempt: the hub is stopped after that attempt
    /// and started again on the same data directory, with its event cursor put back before the
    /// event as if it had never read it. The pending delivery is retried from its row, delivered
    /// on attempt 2, and the event read a second time makes no second delivery. Every request
    /// carries the same delivery id and a signature the receiver verifies with the secret
    /// (Python's hmac); another secret does not verify it.
    @Test func aSignedWebhookFailedWithA500IsRetriedAfterARestartAndDeliveredOnce() async throws {
        let secret = try Self.secretFile()
        let receiver = try await NotificationReceiver(statuses: ["/hook=500"], secretFile: secret)
        defer { receiver.stop() }
        let dataDirectory = Paths.temporaryDirectory("hub")
        let setup = try NotificationSetup.parse("""
            targets:
              hook: {kind: webhook, url: "\(receiver.url("/hook"))", secret_file: "\(secret)"}
            subscriptions:
              - {target: hook, events: [task.succeeded]}
            retry: [3s, 3s]
            """, directory: "/")
        let taskID = try await LiveHub.run(dataDirectory: dataDirectory, configure: { $0.notifications = setup }) { served, client in
            let agent = try AgentProcess(["--role", "ops", "--agent-id", "ops-1", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            let task = try await client.submit(["type": "ops.check", "role": "ops", "payload": ["command": "echo ok"]])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the first attempt fails with the receiver's 500") {
                try await Self.deliveries(client).first?["attempts"] == 1
            }
            let pending = try await Self.deliveries(client, status: "pending")
            #expect(pending.count == 1)
            #expect(pending.first?["last_error"]?.stringValue?.hasPrefix("HTTP 500") == true, "\(pending)")
            #expect(pending.first?["next_attempt_at"]?.stringValue != nil)
            return id
        }
        // The hub is down: put the cursor back, as if the event had never been read.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [dataDirectory + "/flotilla.sqlite", "UPDATE notification_cursor SET seq = 0"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)

        try await LiveHub.run(dataDirectory: dataDirectory, configure: { $0.notifications = setup }) { _, client in
            try await eventually("the delivery is retried after the restart") {
                try await Self.deliveries(client, status: "delivered").count == 1
            }
            let all = try await Self.deliveries(client)
            #expect(all.count == 1, "the event read again made no second delivery: \(all)")
            let delivery = try #require(all.first)
            #expect(delivery["attempts"] == 2)
            #expect(delivery["event_type"] == "task.succeeded")
            #expect(delivery["kind"] == "webhook")
            #expect(delivery["delivered_at"]?.stringValue != nil)
            #expect(delivery["next_attempt_at"] == .null)
        }
        let requests = receiver.requests("/hook")
        #expect(requests.map { $0["status"] } == [500, 200])
        #expect(Set(requests.compactMap { $0.header("X-Flotilla-Delivery") }).count == 1, "one delivery, sent twice")
        for request in requests {
            #expect(request["signature_valid"] == true, "the receiver verifies it with the secret: \(request)")
            let body = Array((request["body"]?.stringValue ?? "").utf8)
            #expect(!NotificationSignature.isValid(request.header("X-Flotilla-Signature"), timestamp: request.header("X-Flotilla-Timestamp"), body: body, secret: "another", now: Timestamp.now()))
            #expect(NotificationSignature.isValid(request.header("X-Flotilla-Signature"), timestamp: request.header("X-Flotilla-Timestamp"), body: body, secret: "s3cret", now: Timestamp.now()))
            let document = try JSONValue.parse(body)
            #expect(document["event"]?["type"] == "task.succeeded")
            #expect(document["event"]?["task_id"]?.stringValue == taskID)
            #expect(request.header("X-Flotilla-Event") == "task.succeeded")
        }
    }

    /// Failing tasks for two roles through real shell agents: the `task.failed` subscription
    /// filtered by role `tester` gets the tester's failure only (after one 500, on attempt 2;
    /// its second failure collapsed as a repeat); the Slack, ntfy and command targets get
    /// their shapes.
    @Test func aRoleFilteredSubscriptionGetsOnlyThatRolesFailuresAndEachTargetItsShape() async throws {
        let secret = try Self.secretFile()
        let receiver = try await NotificationReceiver(statuses: ["/ops=500"], secretFile: secret)
        defer { receiver.stop() }
        let commandOutput = Paths.temporaryDirectory("command-target")
        let setup = try NotificationSetup.parse("""
            targets:
              ops: {kind: webhook, url: "\(receiver.url("/ops"))", secret_file: "\(secret)"}
              team: {kind: slack, url: "\(receiver.url("/slack"))"}
              phone: {kind: ntfy, url: "\(receiver.url("/ntfy"))"}
              log: {kind: command, command: "cat > \(commandOutput)/$FLOTILLA_DELIVERY_ID.json; env > \(commandOutput)/$FLOTILLA_DELIVERY_ID.env"}
            subscriptions:
              - {target: ops, events: [task.failed], filter: {role: tester}}
              - {target: team, events: [task.dead], filter: {role: coder}}
              - {target: phone, events: [task.dead], filter: {role: tester, type: "testing.*"}}
              - {target: log, events: [task.dead]}
            retry: [200ms, 200ms]
            """, directory: "/")
        // A key in the hub's environment that a notification command has no business seeing.
        setenv("NOTIFY_TEST_API_KEY", "sk-not-for-commands", 1)
        try await LiveHub.run(configure: { $0.notifications = setup }) { served, client in
            let tester = try AgentProcess(["--role", "tester", "--agent-id", "tester-1", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { tester.stop() }
            let coder = try AgentProcess(["--role", "coder", "--agent-id", "coder-1", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { coder.stop() }
            let testerTask = try #require(try await client.submit(["type": "testing.unit", "role": "tester", "max_attempts": 3, "payload": ["command": "echo 2 tests failed >&2; exit 3"]])["id"]?.stringValue)
            let coderTask = try #require(try await client.submit(["type": "code.generate", "role": "coder", "max_attempts": 2, "payload": ["command": "exit 4"]])["id"]?.stringValue)
            for id in [testerTask, coderTask] {
                let task = try await client.task(id, wait: 60)
                #expect(task["state"] == "dead", "\(task)")
            }
            do {
                try await eventually("every delivery is delivered") {
                    let all = try await Self.deliveries(client)
                    return all.count == 6 && all.allSatisfy { $0["status"] == "delivered" || $0["status"] == "suppressed" }
                }
            } catch {
                Issue.record("the deliveries: \(try await Self.deliveries(client)); the receiver: \(receiver.requests())")
                throw error
            }
            let all = try await Self.deliveries(client)
            let byTarget = Dictionary(grouping: all, by: { $0["target"]?.stringValue ?? "" })
            // The tester's task failed twice before it died: the second failure, within the
            // suppression window, is collapsed into the first one's notification.
            let ops = byTarget["ops"]?.sorted { ($0["event_id"]?.intValue ?? 0) < ($1["event_id"]?.intValue ?? 0) } ?? []
            #expect(ops.map { $0["status"] } == ["delivered", "suppressed"], "\(ops)")
            #expect(ops.first?["attempts"] == 2, "a 500 then 200: delivered on attempt 2")
            #expect(ops.last?["attempts"] == 0)
            #expect(Set(ops.map { $0["subject"] }) == [.string("task:\(testerTask)")])
            #expect(byTarget["team"]?.count == 1)
            #expect(byTarget["phone"]?.count == 1)
            #expect(byTarget["log"]?.count == 2, "both tasks died: \(all)")

            // Only the tester's failure reached the role-filtered webhook (twice: 500, then 200).
            let opsRequests = receiver.requests("/ops")
            #expect(opsRequests.map { $0["status"] } == [500, 200])
            for request in opsRequests {
                let document = try JSONValue.parse(request["body"]?.stringValue ?? "")
                #expect(document["event"]?["task_id"]?.stringValue == testerTask)
                #expect(document["event"]?["data"]?["role"] == "tester")
                #expect(document["text"]?.stringValue?.contains("(testing.unit, role tester) failed:") == true, "\(document)")
                #expect(request["signature_valid"] == true)
            }
            // Slack: a JSON body with `text` only.
            let slack = try #require(receiver.requests("/slack").first)
            #expect(slack.header("Content-Type") == "application/json")
            let text = try JSONValue.parse(slack["body"]?.stringValue ?? "")
            #expect(text.objectValue?.keys.sorted() == ["text"])
            #expect(text["text"]?.stringValue?.contains("Task \(coderTask.prefix(8))… (code.generate, role coder) is dead") == true, "\(text)")
            // ntfy: the message as plain text, title, priority and tags as headers.
            let ntfy = try #require(receiver.requests("/ntfy").first)
            #expect(ntfy.header("Title") == "Flotilla: Task dead")
            #expect(ntfy.header("Priority") == "4")
            #expect(ntfy.header("Tags") == "x")
            #expect(ntfy["body"]?.stringValue?.hasPrefix("Task \(testerTask.prefix(8))… (testing.unit, role tester) is dead") == true)
            // The command read the delivery's JSON on stdin.
            let files = try FileManager.default.contentsOfDirectory(atPath: commandOutput).filter { $0.hasSuffix(".json") }.sorted()
            #expect(files.count == 2)
            for file in files {
                let environment = try String(contentsOfFile: commandOutput + "/" + file.replacingOccurrences(of: ".json", with: ".env"), encoding: .utf8)
                #expect(environment.contains("FLOTILLA_EVENT_TYPE=task.dead"))
                #expect(environment.contains("PATH="))
                #expect(!environment.contains("sk-not-for-commands"), "the hub's other variables stay with the hub")
            }
            let stdins = try files.map { try JSONValue.parse(String(contentsOfFile: commandOutput + "/" + $0, encoding: .utf8)) }
            #expect(Set(stdins.compactMap { $0["event"]?["task_id"]?.stringValue }) == [testerTask, coderTask])
            #expect(stdins.allSatisfy { $0["event_type"] == "task.dead" })

            // The list filters by status; a bad one is refused by name; a viewer may read it.
            #expect(try await Self.deliveries(client, status: "failed").isEmpty)
            let bad = try await client.raw(.GET, "/api/notifications?status=lost")
            #expect(bad.status == 400)
            #expect(try JSONValue.parse(bad.text)["error"]?["field"] == "status")
            let viewer = try await client.createToken(name: "v", scope: "viewer")
            let reader = HubClient(baseURL: served.baseURL, token: try #require(viewer["token"]?.stringValue))
            #expect(try await Self.deliveries(reader).count == 6)
        }
    }

    /// `flotilla hub --notifications FILE` refuses a bad file before it opens anything, naming
    /// the field.
    @Test func aBadNotificationsFileStopsTheHubNamingTheField() async throws {
        let folder = Paths.temporaryDirectory("bad-notifications")
        let secret = try Self.secretFile()
        let cases: [(String, String)] = [
            ("targets: {ops: {kind: webhook, url: 'http://127.0.0.1:1/x', secret_file: \(secret)}}\nsubscriptions: [{target: ops, events: [task.exploded]}]", "subscriptions[0].events[0]"),
            ("targets: {ops: {kind: webhook, url: 'http://127.0.0.1:1/x', secret_file: \(folder)/missing.key}}\nsubscriptions: [{target: ops, events: [task.dead]}]", "targets.ops.secret_file"),
            ("targets: {ops: {kind: slack, url: 'not a url'}}\nsubscriptions: [{target: ops, events: [task.dead]}]", "targets.ops.url"),
            ("targets: {}\nsubscriptions: [{target: pager, events: [task.dead]}]", "subscriptions[0].target"),
        ]
        for (index, (text, field)) in cases.enumerated() {
            let file = folder + "/n\(index).yaml"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let dataDirectory = folder + "/data\(index)"
            let result = try await CLIProcess.run(["hub", "--port", "0", "--data-dir", dataDirectory, "--notifications", file], within: 30)
            #expect(result.status == 1, "\(field): \(result.stderr)")
            #expect(result.stderr.contains(field), "\(field): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dataDirectory), "nothing was opened")
        }
    }
}
