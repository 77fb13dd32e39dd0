import Testing
@testable import FlotillaCore

/// What a person reads, what each kind of target is sent, and how a webhook is signed.
@Suite struct NotificationMessageTests {
    static func taskEvent(_ kind: EventKind, seq: Int64 = 7, role: String = "tester", details: [String: JSONValue] = [:]) -> EventRecord {
        let state: TaskState = kind == .taskFailed ? .failed : kind == .taskDead ? .dead : .succeeded
        var task = TaskRecord(id: "3f2a1b9c0d4e5f", spec: TaskSpec(id: "3f2a1b9c0d4e5f", type: "testing.unit", role: role), state: state, now: 1)
        task.attempt = 2
        return EventRecord(seq: seq, type: kind.rawValue, ts: 1_000, taskID: task.id, agentID: "w1", task: .init(task), details: details)
    }

    @Test func eachKindReadsAsOneSentenceForAPhone() {
        let failed = NotificationMessage(event: Self.taskEvent(.taskFailed, details: ["error": "2 tests failed", "outcome": "failed"]))
        #expect(failed.text == "Task 3f2a1b9c… (testing.unit, role tester) failed: 2 tests failed (attempt 2; it will be retried)")
        #expect(failed.title == "Task failed")
        let dead = NotificationMessage(event: Self.taskEvent(.taskDead, details: ["error": "exit status 1"]))
        #expect(dead.text.hasPrefix("Task 3f2a1b9c… (testing.unit, role tester) is dead: exit status 1"))
        #expect(dead.priority == 4)

        let approval = EventRecord(seq: 9, type: "approval.requested", ts: 1, taskID: "01abcdefghijkl", agentID: "w1", data: [
            "id": "apr_0123456789abcdef", "agent_id": "w1", "role": "coder", "tool": "Bash", "subject": "Bash(rm -rf build)",
        ])
        let asked = NotificationMessage(event: approval)
        #expect(asked.text.hasPrefix("Agent w1 waits for approval: Bash(rm -rf build)\nTask 01abcdef… (role coder)"))
        #expect(asked.text.contains("flotilla approvals allow apr_0123456789abcdef"))
        #expect(asked.priority == 4)

        let warning = EventRecord(seq: 10, type: EventKind.budgetWarning.rawValue, ts: 1, data: ["budget": "role:coder", "spent": 4.1, "limit": 5, "percent": 82])
        #expect(NotificationMessage(event: warning).text == "Budget of role coder (today) at 80 %: $4.10 of $5.00 spent (82.0 %).")
        let exceeded = EventRecord(seq: 11, type: EventKind.budgetExceeded.rawValue, ts: 1, data: ["budget": "day", "spent": 0.1025, "limit": 0.1, "percent": 102.5])
        #expect(NotificationMessage(event: exceeded).text.hasPrefix("Budget of the day exceeded: $0.1025 of $0.10 spent (102.5 %)."))

        let stuck = EventRecord(seq: 12, type: EventKind.agentStuck.rawValue, ts: 1, agentID: "claude-1", data: ["seconds_unchanged": 300])
        #expect(NotificationMessage(event: stuck).text == "Agent claude-1 seems stuck: its screen has not changed for 300 s.")
        let offline = EventRecord(seq: 13, type: EventKind.agentOffline.rawValue, ts: 1, agentID: "w2", data: ["held": ["a", "b"]])
        #expect(NotificationMessage(event: offline).text == "Agent w2 went offline holding 2 tasks (they will be retried).")
        let error = EventRecord(seq: 14, type: EventKind.agentError.rawValue, ts: 1, agentID: "w3", data: ["screen": "ok\nError: rate limited\n\n"])
        #expect(NotificationMessage(event: error).text == "Agent w3 shows an error: Error: rate limited")
    }

    @Test func filtersMatchByTypePrefixRoleTagAndAgent() {
        let event = Self.taskEvent(.taskFailed)
        var facts = NotificationFacts(event: event)
        #expect(facts == NotificationFacts(type: "testing.unit", roles: ["tester"], agentID: "w1"))
        facts.tags = ["nightly"]
        #expect(NotificationFilter(types: ["testing.*"]).matches(facts))
        #expect(!NotificationFilter(types: ["testing"]).matches(facts))
        #expect(NotificationFilter(roles: ["coder", "tester"]).matches(facts))
        #expect(!NotificationFilter(roles: ["coder"]).matches(facts))
        #expect(NotificationFilter(tags: ["nightly"], agents: ["w1"]).matches(facts))
        #expect(!NotificationFilter(tags: ["release"]).matches(facts))
        // A filter on what the event does not have does not match it.
        let budget = EventRecord(seq: 1, type: EventKind.budgetWarning.rawValue, ts: 1, data: ["budget": "role:coder"])
        #expect(NotificationFacts(event: budget).roles == ["coder"])
        #expect(!NotificationFilter(types: ["x"]).matches(NotificationFacts(event: budget)))
        let subscription = NotificationSubscription(name: "s", target: "t", events: ["task.failed"], filter: NotificationFilter(roles: ["tester"]))
        #expect(subscription.matches(event, facts: NotificationFacts(event: event)))
        #expect(!subscription.matches(Self.taskEvent(.taskFailed, role: "coder"), facts: NotificationFacts(event: Self.taskEvent(.taskFailed, role: "coder"))))
        #expect(!subscription.matches(Self.taskEvent(.taskDead), facts: NotificationFacts(event: Self.taskEvent(.taskDead))))
    }

    @Test func theWebhookSignatureVerifiesWithItsSecretOnlyAndWithinTheWindow() {
        let body = Array(#"{"id":"ntf_1"}"#.utf8)
        let header = NotificationSignature.header(timestamp: 1_700_000_000, body: body, secret: "s3cret")
        #expect(header.hasPrefix("sha256=") && header.count == 7 + 64)
        #expect(NotificationSignature.isValid(header, timestamp: "1700000000", body: body, secret: "s3cret", now: 1_700_000_100))
        #expect(!NotificationSignature.isValid(header, timestamp: "1700000000", body: body, secret: "other", now: 1_700_000_100))
        #expect(!NotificationSignature.isValid(header, timestamp: "1700000001", body: body, secret: "s3cret", now: 1_700_000_100), "the timestamp is signed")
        #expect(!NotificationSignature.isValid(header, timestamp: "1700000000", body: body + [32], secret: "s3cret", now: 1_700_000_100))
        #expect(!NotificationSignature.isValid(header, timestamp: "1700000000", body: body, secret: "s3cret", now: 1_700_001_000), "a replay 1000 s later")
        // Known answer: HMAC-SHA256("key", "1.{}") computed independently (Python's hmac).
        #expect(NotificationSignature.header(timestamp: 1, body: Array("{}".utf8), secret: "key") == "sha256=" + Self.knownDigest)
    }

    /// `python3 -c 'import hmac,hashlib;print(hmac.new(b"key",b"1.{}",hashlib.sha256).hexdigest())'`
    static let knownDigest = "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"

    @Test func eachTargetKindGetsItsDocumentedShape() throws {
        let configuration = try NotificationConfiguration(json: NotificationConfigurationTests.valid)
        let secrets = NotificationSecrets(files: ["/etc/ops.key": "s3cret", "slack.url": "https://hooks.slack.example/T/B/X", "ntfy.token": "tk_abc"])
        let event = Self.taskEvent(.taskFailed, details: ["error": "boom"])
        func request(_ target: String) throws -> NotificationRequest {
            let target = try #require(configuration.targets[target])
            let subscription = NotificationSubscription(name: "s", target: target.name, events: ["task.failed"])
            return try #require(NotificationRequest.make(NotificationDelivery(subscription: subscription, target: target, event: event, now: 1_000), target: target, secrets: secrets, now: 1_700_000_000))
        }
        guard case .http(let slackURL, let slackHeaders, let slackBody) = try request("team") else { Issue.record("slack is HTTP"); return }
        #expect(slackURL == "https://hooks.slack.example/T/B/X")
        #expect(slackHeaders == [.init("Content-Type", "application/json")])
        let slack = try JSONValue.parse(slackBody)
        #expect(slack.objectValue?.keys.sorted() == ["text"])
        #expect(slack["text"]?.stringValue == "*Task failed*\nTask 3f2a1b9c… (testing.unit, role tester) failed: boom (attempt 2; it will be retried)")

        guard case .http(let ntfyURL, let ntfyHeaders, let ntfyBody) = try request("phone") else { Issue.record("ntfy is HTTP"); return }
        #expect(ntfyURL == "https://ntfy.sh/fleet")
        #expect(String(decoding: ntfyBody, as: UTF8.self).hasPrefix("Task 3f2a1b9c… (testing.unit, role tester) failed: boom"))
        let named = Dictionary(uniqueKeysWithValues: ntfyHeaders.map { ($0.name, $0.value) })
        #expect(named["Title"] == "Flotilla: Task failed")
        #expect(named["Priority"] == "3")
        #expect(named["Tags"] == "warning")
        #expect(named["Authorization"] == "Bearer tk_abc")

        guard case .http(_, let hookHeaders, let hookBody) = try request("ops") else { Issue.record("webhook is HTTP"); return }
        let hook = Dictionary(uniqueKeysWithValues: hookHeaders.map { ($0.name, $0.value) })
        #expect(hook["X-Flotilla-Timestamp"] == "1700000000")
        #expect(hook["X-Flotilla-Event"] == "task.failed")
        #expect(hook["X-Flotilla-Delivery"]?.hasPrefix("ntf_") == true)
        #expect(NotificationSignature.isValid(hook["X-Flotilla-Signature"], timestamp: hook["X-Flotilla-Timestamp"], body: hookBody, secret: "s3cret", now: 1_700_000_010))
        let document = try JSONValue.parse(hookBody)
        #expect(document["event"]?["type"] == "task.failed")
        #expect(document["event"]?["data"]?["role"] == "tester")
        #expect(document["id"]?.stringValue == hook["X-Flotilla-Delivery"])

        guard case .command(let command, let stdin, let environment) = try request("log") else { Issue.record("a command"); return }
        #expect(command == "cat >> /tmp/notes")
        #expect(try JSONValue.parse(stdin)["event"]?["seq"] == 7)
        #expect(environment["FLOTILLA_EVENT_TYPE"] == "task.failed")
    }

    @Test func dedupeKeysAreStableAndRepeatsAreCollapsedWithinTheWindow() {
        let subscription = NotificationSubscription(name: "ops#1", target: "ops", events: ["task.failed"])
        let target = NotificationTarget(name: "ops", kind: .command)
        let first = NotificationDelivery(subscription: subscription, target: target, event: Self.taskEvent(.taskFailed, seq: 7), now: 1)
        let again = NotificationDelivery(subscription: subscription, target: target, event: Self.taskEvent(.taskFailed, seq: 7), now: 99)
        #expect(first.dedupeKey == "ops#1/7")
        #expect(first.id == again.id && first.id.count == 4 + 16)
        #expect(first.subject == "task:3f2a1b9c0d4e5f")
        var suppressor = NotificationSuppressor(window: 60)
        let admitted = [
            suppressor.admit(first.repeatKey, at: 0), suppressor.admit(first.repeatKey, at: 30),
            suppressor.admit("other", at: 30), suppressor.admit(first.repeatKey, at: 61),
        ]
        #expect(admitted == [true, false, true, true], "a repeat within the window is collapsed; the window restarts when one is sent")
        var none = NotificationSuppressor(window: 0)
        let unsuppressed = [none.admit("k", at: 0), none.admit("k", at: 0)]
        #expect(unsuppressed == [true, true])

        var delivery = first
        let backoff = NotificationBackoff(delays: [1])
        delivery.failed("HTTP 500", now: 10, backoff: backoff)
        #expect(delivery.status == .pending && delivery.attempts == 1 && delivery.nextAttemptAt == 11)
        delivery.failed("HTTP 500", now: 11, backoff: backoff)
        #expect(delivery.status == .failed && delivery.attempts == 2 && delivery.nextAttemptAt == nil && delivery.lastError == "HTTP 500")
    }
}
