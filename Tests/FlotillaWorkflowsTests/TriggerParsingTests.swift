import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Workflow triggers")
struct TriggerParsingTests {
    @Test("event triggers: one or a list, filters and a condition")
    func events() throws {
        let workflow = try parse("""
        name: w
        on:
          event:
            - {type: task.dead, role: deployer, agent: a1}
            - {type: workflow.failed, if: "trigger.data.workflow == 'ship'"}
        steps: {a: {type: t}}
        """)
        #expect(workflow.triggers.events.map(\.type) == ["task.dead", "workflow.failed"])
        #expect(workflow.triggers.events[0].role == "deployer" && workflow.triggers.events[0].agent == "a1")
        #expect(workflow.triggers.events[1].condition?.source == "trigger.data.workflow == 'ship'")
    }

    @Test("schedules: a string, a list, {cron, timezone} with a list of crons")
    func schedules() throws {
        let workflow = try parse("""
        name: w
        on:
          schedule:
            - "*/5 * * * *"
            - {cron: ["0 9 * * mon-fri", "0 12 * * sat"], timezone: America/New_York}
        steps: {a: {type: t}}
        """)
        #expect(workflow.triggers.schedules.map(\.cron.source) == ["*/5 * * * *", "0 9 * * mon-fri", "0 12 * * sat"])
        #expect(workflow.triggers.schedules.map(\.timeZone) == ["UTC", "America/New_York", "America/New_York"])
    }

    @Test("mqtt: a topic or {topic, if}; on.if applies to every trigger")
    func mqtt() throws {
        let workflow = try parse("""
        name: w
        on:
          mqtt: ["{swarm}/ci/+", {topic: "{swarm}/deployment/status", if: "trigger.payload.status == 'failed'"}]
          if: "trigger.kind != 'manual'"
        steps: {a: {type: t}}
        """)
        #expect(workflow.triggers.mqtt.map(\.topic) == ["{swarm}/ci/+", "{swarm}/deployment/status"])
        #expect(workflow.triggers.mqtt[0].condition == nil)
        #expect(workflow.triggers.condition?.source == "trigger.kind != 'manual'")
    }

    @Test("webhooks: GitHub events, or a generic signed one with its headers")
    func webhooks() throws {
        let github = try parse("name: w\non:\n  webhook: {github: '*'}\nsteps: {a: {type: t}}\n")
        #expect(github.triggers.webhook == WebhookTrigger(kind: .github(events: ["*"]), secretEnv: WebhookTrigger.defaultSecretEnv, condition: nil))
        let generic = try parse("""
        name: w
        on:
          webhook:
            generic: {signature_header: X-CI-Signature, delivery_header: X-CI-Delivery}
            secret_env: CI_SECRET
        steps: {a: {type: t}}
        """)
        #expect(generic.triggers.webhook?.kind == .generic(signatureHeader: "X-CI-Signature", deliveryHeader: "X-CI-Delivery"))
        #expect(generic.triggers.webhook?.secretEnv == "CI_SECRET")
        let inner = try parse("name: w\non:\n  webhook: {generic: {secret_env: JENKINS_SECRET}}\nsteps: {a: {type: t}}\n")
        #expect(inner.triggers.webhook?.secretEnv == "JENKINS_SECRET")
        let plain = try parse("name: w\non:\n  webhook: {generic: }\nsteps: {a: {type: t}}\n")
        #expect(plain.triggers.webhook?.kind == .generic(signatureHeader: WebhookTrigger.defaultSignatureHeader, deliveryHeader: nil))
    }

    @Test("bad triggers are refused at their place")
    func refused() {
        expectRefusal("name: w\non:\n  webhook: {github: [push], generic: {}}\nsteps: {a: {type: t}}\n", .invalidValue, at: 3, 12, mentioning: "one or the other")
        expectRefusal("name: w\non:\n  webhook: {github: [Push]}\nsteps: {a: {type: t}}\n", .invalidValue, at: 3, 22)
        expectRefusal("name: w\non:\n  webhook: {github: []}\nsteps: {a: {type: t}}\n", .invalidValue, at: 3, 21, mentioning: "no events")
        expectRefusal("name: w\non:\n  mqtt: {if: 'true'}\nsteps: {a: {type: t}}\n", .missingField, at: 3, 9, mentioning: "'topic'")
        expectRefusal("name: w\non:\n  mqtt: ''\nsteps: {a: {type: t}}\n", .invalidValue, at: 3, 9)
        expectRefusal("name: w\non: [push]\nsteps: {a: {type: t}}\n", .wrongType, at: 2, 5)
    }
}
