import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Workflow files")
struct WorkflowParserTests {
    static let deploy = """
    name: deploy
    description: Review, test and scan a push, then deploy.
    inputs:
      branch: {type: string, default: main}
      replicas: {type: number, required: true, description: how many}
      dry_run: {type: boolean, default: false}
    on:
      webhook: {github: [push, pull_request], secret_env: GITHUB_SECRET}
      schedule: [{cron: "0 3 * * *", timezone: Europe/Paris}, "@hourly"]
      event: {type: task.succeeded, task_type: deployment.deploy}
      mqtt: {topic: "{swarm}/deployment/status", if: "trigger.payload.status == 'failed'"}
    steps:
      test:
        type: testing.run
        prompt: "Test ${{ inputs.branch }}"
        verify: [swift test]
        matrix: {os: [linux, macos], swift: ["6.2", "6.3"]}
      review:
        type: code.review
        role: reviewer
        priority: high
        payload: {ref: "${{ trigger.payload.ref }}", replicas: "${{ inputs.replicas }}", fixed: 1}
      deploy:
        type: deployment.deploy
        needs: [test, review]
        if: ${{ !inputs.dry_run }}
        timeout: 600
        max_attempts: 1
        on_failure: rollback
        payload: {artifact: "${{ steps.review.result.artifact }}"}
      rollback:
        type: deployment.rollback
        continue_on_error: true
    """

    @Test("a full workflow reads into its typed definition, order kept")
    func full() throws {
        let workflow = try parse(Self.deploy)
        #expect(workflow.name == "deploy")
        #expect(workflow.inputs.map(\.name) == ["branch", "replicas", "dry_run"])
        #expect(workflow.inputs[0].defaultValue == "main")
        #expect(workflow.inputs[1].required && workflow.inputs[1].type == .number)
        #expect(workflow.inputs[2].defaultValue == false)
        #expect(workflow.steps.map(\.id) == ["test", "review", "deploy", "rollback"])
        let deploy = try #require(workflow.step("deploy"))
        #expect(deploy.needs == ["test", "review"])
        #expect(deploy.onFailure == ["rollback"])
        #expect(deploy.condition?.source == " !inputs.dry_run ")
        #expect(deploy.timeoutSeconds == 600 && deploy.maxAttempts == 1)
        #expect(deploy.reads.map(\.step) == ["review"])
        #expect(deploy.location == WorkflowLocation(file: "w.yaml", line: 23, column: 3))
        let test = try #require(workflow.step("test"))
        #expect(test.matrix?.dimensions.map(\.name) == ["os", "swift"])
        #expect(test.matrix?.dimensions[1].values == .list(["6.2", "6.3"]))
        #expect(test.verify.map(\.source) == ["swift test"])
        #expect(workflow.step("review")?.priority == .high)
        #expect(workflow.step("rollback")?.continueOnError == true)
        #expect(workflow.handlerIDs == ["rollback"])
        let triggers = workflow.triggers
        #expect(triggers.webhook == WebhookTrigger(kind: .github(events: ["push", "pull_request"]), secretEnv: "GITHUB_SECRET", condition: nil))
        #expect(triggers.schedules.map(\.cron.source) == ["0 3 * * *", "@hourly"])
        #expect(triggers.schedules.map(\.timeZone) == ["Europe/Paris", "UTC"])
        #expect(triggers.events.first?.taskType == "deployment.deploy")
        #expect(triggers.mqtt.first?.topic == "{swarm}/deployment/status")
        #expect(triggers.mqtt.first?.condition != nil)
    }

    @Test("YAML 1.1 words stay strings: no, on, yes are not booleans")
    func yamlCore() throws {
        let workflow = try parse("""
        name: w
        steps:
          a:
            type: t
            payload: {answer: no, when: on, count: 010, pi: 3.5, nothing: ~}
        """)
        #expect(workflow.step("a")?.payload == .literal(["answer": "no", "when": "on", "count": 10, "pi": 3.5, "nothing": .null]))
    }

    @Test("needs as one string, if as a bare expression or a boolean")
    func shorthands() throws {
        let workflow = try parse("""
        name: w
        steps:
          a: {type: t}
          b: {type: t, needs: a, if: "steps.a.outcome == 'success'"}
          c: {type: t, needs: [b], if: false}
        """)
        #expect(workflow.step("b")?.needs == ["a"])
        #expect(workflow.step("b")?.reads.map(\.step) == ["a"])
        #expect(workflow.step("c")?.condition?.source == "false")
    }

    @Test("a workflow with no triggers is run by hand; inputs may be null")
    func minimal() throws {
        let workflow = try parse("name: w\ninputs:\n  who:\nsteps:\n  a: {type: t}\n")
        #expect(workflow.triggers.isEmpty)
        #expect(workflow.inputs.first?.type == .string)
    }
}
