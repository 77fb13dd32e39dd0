import FlotillaCore
import Foundation
import Testing
@testable import FlotillaWorkflows

@Suite("Trigger matching")
struct TriggerMatchingTests {
    func taskEvent(_ type: String, seq: Int64 = 7, taskType: String = "deployment.deploy", role: String = "deployer", agent: String? = "a1") -> EventRecord {
        EventRecord(seq: seq, type: type, ts: 1_800_000_000, taskID: "t1", agentID: agent, data: ["type": .string(taskType), "role": .string(role), "state": "succeeded"])
    }

    @Test("event: type and task_type, role, agent filters; trigger.data carries the event's data")
    func eventFilters() throws {
        let workflow = try parse("""
        name: w
        on:
          event: [{type: task.succeeded, task_type: deployment.deploy, role: deployer, agent: a1}]
        steps: {a: {type: t}}
        """)
        let decision = TriggerMatcher.event(taskEvent("task.succeeded"), workflow: workflow)
        let trigger = try #require(decision.trigger)
        #expect(trigger["kind"] == "event" && trigger["type"] == "task.succeeded" && trigger["seq"] == 7)
        #expect(trigger["data"]?["type"] == "deployment.deploy" && trigger["task_id"] == "t1" && trigger["agent_id"] == "a1")
        #expect(!TriggerMatcher.event(taskEvent("task.dead"), workflow: workflow).fires)
        #expect(!TriggerMatcher.event(taskEvent("task.succeeded", taskType: "build.run"), workflow: workflow).fires)
        #expect(!TriggerMatcher.event(taskEvent("task.succeeded", role: "builder"), workflow: workflow).fires)
        #expect(!TriggerMatcher.event(taskEvent("task.succeeded", agent: "a2"), workflow: workflow).fires)
        #expect(TriggerMatcher.event(taskEvent("task.succeeded", taskType: "build.run"), workflow: workflow).reason?.contains("task type") == true)
        #expect(TriggerMatcher.eventKey(workflow: "w", seq: 7) == "event:w:7")
    }

    @Test("event: the trigger's if, on.if, and any one of a list firing")
    func eventConditions() throws {
        let workflow = try parse("""
        name: w
        on:
          event:
            - {type: workflow.failed, if: "trigger.data.workflow == 'ship'"}
            - {type: workflow.failed, if: "trigger.data.workflow == 'deploy'"}
          if: "trigger.data.status != 'ignored'"
        steps: {a: {type: t}}
        """)
        func failed(_ name: String, status: String = "failed") -> EventRecord {
            EventRecord(seq: 3, type: "workflow.failed", ts: 1, data: ["workflow": .string(name), "status": .string(status)])
        }
        #expect(TriggerMatcher.event(failed("ship"), workflow: workflow).fires)
        #expect(TriggerMatcher.event(failed("deploy"), workflow: workflow).fires)
        let other = TriggerMatcher.event(failed("other"), workflow: workflow)
        #expect(!other.fires && other.reason?.contains("'if' is false") == true)
        let onIf = TriggerMatcher.event(failed("ship", status: "ignored"), workflow: workflow)
        #expect(!onIf.fires && onIf.reason?.contains("'on.if'") == true)
    }

    @Test("event: a workflow's own runs never fire its event triggers")
    func noSelfTrigger() throws {
        let workflow = try parse("name: loop\non:\n  event: {type: workflow.succeeded}\nsteps: {a: {type: t}}\n")
        let event = EventRecord(seq: 9, type: "workflow.succeeded", ts: 1, data: ["workflow": "loop"])
        #expect(!TriggerMatcher.event(event, workflow: workflow, producedBy: "loop").fires)
        #expect(TriggerMatcher.event(event, workflow: workflow, producedBy: "other").fires)
        #expect(TriggerMatcher.waitsForEvents(of: "workflow.succeeded", workflow: workflow))
        #expect(!TriggerMatcher.waitsForEvents(of: "task.succeeded", workflow: workflow))
    }

    @Test("a condition that cannot be evaluated does not fire, and says why")
    func conditionError() throws {
        let workflow = try parse("name: w\non:\n  mqtt: {topic: a/b, if: \"fromJSON(trigger.payload)\"}\nsteps: {a: {type: t}}\n")
        let decision = TriggerMatcher.mqtt(topic: "a/b", payload: "not json", workflow: workflow, swarm: "s")
        #expect(!decision.fires && decision.reason?.contains("could not be evaluated") == true)
    }

    @Test("mqtt: {swarm}, + and # filters, the trigger's if; the payload is JSON or text")
    func mqtt() throws {
        let workflow = try parse("""
        name: w
        on:
          mqtt: ["{swarm}/ci/+/done", {topic: "{swarm}/deployment/#", if: "trigger.payload.status == 'failed'"}]
        steps: {a: {type: t}}
        """)
        #expect(TriggerMatcher.mqttFilters(of: workflow, swarm: "prod") == ["prod/ci/+/done", "prod/deployment/#"])
        let done = TriggerMatcher.mqtt(topic: "prod/ci/build/done", payload: "ok", workflow: workflow, swarm: "prod")
        #expect(done.trigger == ["kind": "mqtt", "topic": "prod/ci/build/done", "payload": "ok"])
        #expect(!TriggerMatcher.mqtt(topic: "prod/ci/build/x/done", payload: "ok", workflow: workflow, swarm: "prod").fires)
        #expect(!TriggerMatcher.mqtt(topic: "dev/ci/build/done", payload: "ok", workflow: workflow, swarm: "prod").fires)
        let failed = TriggerMatcher.mqttPayload(Array(#"{"status":"failed"}"#.utf8))
        #expect(failed == ["status": "failed"])
        #expect(TriggerMatcher.mqtt(topic: "prod/deployment/eu/status", payload: failed, workflow: workflow, swarm: "prod").fires)
        #expect(TriggerMatcher.mqtt(topic: "prod/deployment", payload: failed, workflow: workflow, swarm: "prod").fires)
        #expect(!TriggerMatcher.mqtt(topic: "prod/deployment/eu", payload: ["status": "ok"], workflow: workflow, swarm: "prod").fires)
        #expect(TriggerMatcher.mqttPayload(Array("plain text".utf8)) == "plain text")
    }

    @Test("MQTT topic filters follow the broker's rules", arguments: [
        ("a/b", "a/b", true), ("a/+", "a/b", true), ("a/+", "a/b/c", false), ("a/#", "a", true),
        ("a/#", "a/b/c", true), ("#", "a/b", true), ("+/+", "a/b", true), ("+", "a/b", false),
        ("#", "$SYS/x", false), ("+/x", "$SYS/x", false), ("$SYS/#", "$SYS/x", true),
        ("a/+/c", "a//c", true), ("a/b", "a/b/", false), ("/+", "/a", true),
    ])
    func topicFilters(filter: String, topic: String, matches: Bool) {
        #expect(MQTTTopicFilter.matches(filter: filter, topic: topic) == matches)
    }

    @Test("valid topic filters")
    func validFilters() {
        #expect(MQTTTopicFilter.isValid("a/+/#") && MQTTTopicFilter.isValid("#") && MQTTTopicFilter.isValid("+"))
        #expect(!MQTTTopicFilter.isValid("a/#/b") && !MQTTTopicFilter.isValid("a/b#") && !MQTTTopicFilter.isValid("a+/b") && !MQTTTopicFilter.isValid(""))
    }

    @Test("webhook: GitHub events listed or *, the trigger object, the kind of webhook, if")
    func webhook() throws {
        let workflow = try parse("""
        name: ship
        on:
          webhook: {github: [push, pull_request], if: "trigger.event != 'push' || startsWith(trigger.payload.ref, 'refs/heads/')"}
        steps: {a: {type: t}}
        """)
        let push = WebhookDelivery(source: .github, event: "push", delivery: "d-1", payload: ["ref": "refs/heads/main"])
        let trigger = try #require(TriggerMatcher.webhook(push, workflow: workflow).trigger)
        #expect(trigger == ["kind": "webhook", "source": "github", "event": "push", "delivery": "d-1", "payload": ["ref": "refs/heads/main"]])
        #expect(push.key(workflow: "ship") == "github:ship:d-1")
        let issues = TriggerMatcher.webhook(WebhookDelivery(source: .github, event: "issues", delivery: "d-2", payload: [:]), workflow: workflow)
        #expect(!issues.fires && issues.reason?.contains("'issues'") == true)
        #expect(!TriggerMatcher.webhook(WebhookDelivery(source: .github, event: "push", delivery: "d-3", payload: ["ref": "refs/tags/v1"]), workflow: workflow).fires)
        #expect(!TriggerMatcher.webhook(WebhookDelivery(source: .generic, event: nil, delivery: "d-4", payload: [:]), workflow: workflow).fires)
        #expect(TriggerMatcher.acceptsWebhooks(from: .github, workflow: workflow))
        #expect(!TriggerMatcher.acceptsWebhooks(from: .generic, workflow: workflow))
        let any = try parse("name: any\non:\n  webhook: {github: '*'}\nsteps: {a: {type: t}}\n")
        #expect(TriggerMatcher.webhook(WebhookDelivery(source: .github, event: "issues", delivery: "d", payload: [:]), workflow: any).fires)
        let generic = try parse("name: ci\non:\n  webhook: {generic: {delivery_header: X-CI-Delivery}}\nsteps: {a: {type: t}}\n")
        let delivery = WebhookDelivery(source: .generic, event: nil, delivery: "abc", payload: ["ok": true])
        #expect(TriggerMatcher.webhook(delivery, workflow: generic).trigger?["source"] == "generic")
        #expect(delivery.key(workflow: "ci") == "generic:ci:abc")
        #expect(!TriggerMatcher.acceptsWebhooks(from: .github, workflow: generic))
    }

    @Test("schedule: due once per slot, missed slots fire once, the trigger and its key")
    func schedule() throws {
        let workflow = try parse("""
        name: nightly
        on:
          schedule: ["*/15 * * * *", {cron: "0 3 * * *", timezone: Europe/Paris}]
        steps: {a: {type: t}}
        """)
        let applied = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        #expect(TriggerMatcher.dueFiring(0, of: workflow, lastFired: applied, now: applied.addingTimeInterval(899)) == nil)
        let first = try #require(TriggerMatcher.dueFiring(0, of: workflow, lastFired: applied, now: applied.addingTimeInterval(900)))
        #expect(first.slot == applied.addingTimeInterval(900))
        #expect(first.key(workflow: "nightly") == "schedule:nightly:0:1800000900")
        #expect(ScheduleFiring.slot(inKey: first.key(workflow: "nightly"), workflow: "nightly", index: 0) == first.slot)
        #expect(ScheduleFiring.slot(inKey: first.key(workflow: "nightly"), workflow: "nightly", index: 1) == nil)
        #expect(first.trigger == ["kind": "schedule", "cron": "*/15 * * * *", "timezone": "UTC", "scheduled_at": "2027-01-15T08:15:00.000Z"])
        #expect(TriggerMatcher.dueFiring(0, of: workflow, lastFired: first.slot, now: first.slot.addingTimeInterval(60)) == nil)
        // Down for three slots and a bit: one firing, for the latest slot.
        let missed = try #require(TriggerMatcher.dueFiring(0, of: workflow, lastFired: first.slot, now: first.slot.addingTimeInterval(3 * 900 + 100)))
        #expect(missed.slot == first.slot.addingTimeInterval(3 * 900))
        #expect(TriggerMatcher.nextFiring(0, of: workflow, after: first.slot) == first.slot.addingTimeInterval(900))
        // 03:00 in Paris is 02:00 UTC in January.
        let paris = try #require(TriggerMatcher.dueFiring(1, of: workflow, lastFired: applied, now: applied.addingTimeInterval(86_400)))
        #expect(paris.trigger["scheduled_at"] == "2027-01-16T02:00:00.000Z" && paris.trigger["timezone"] == "Europe/Paris")
        #expect(TriggerMatcher.schedule(paris, workflow: workflow).fires)
        #expect(TriggerMatcher.dueFiring(2, of: workflow, lastFired: applied, now: applied.addingTimeInterval(86_400)) == nil)
    }

    @Test("schedule: on.if applies")
    func scheduleCondition() throws {
        let workflow = try parse("name: w\non:\n  schedule: '@hourly'\n  if: \"trigger.kind != 'schedule'\"\nsteps: {a: {type: t}}\n")
        let firing = try #require(TriggerMatcher.dueFiring(0, of: workflow, lastFired: Date(timeIntervalSince1970: 0), now: Date(timeIntervalSince1970: 3600)))
        #expect(!TriggerMatcher.schedule(firing, workflow: workflow).fires)
    }
}
