import FlotillaCore
import Testing
@testable import FlotillaWorkflows

/// Every kind of bad workflow file, each refused with its code at its line and column.
@Suite("Workflow file errors")
struct WorkflowErrorTests {
    @Test("YAML syntax errors and empty files")
    func yaml() {
        expectRefusal("name: w\nsteps:\n  a: {type: t\n", .invalidYAML, at: 4, 1)
        expectRefusal("", .invalidYAML, at: 1, 1, mentioning: "empty")
        expectRefusal("- a\n- b\n", .wrongType, at: 1, 1, mentioning: "the workflow must be a mapping")
    }

    @Test("a duplicate key is named at its second place")
    func duplicateKey() {
        expectRefusal("""
        name: w
        steps:
          a:
            type: t
            needs: []
            type: u
        """, .duplicateKey, at: 6, 5, mentioning: "'type'")
    }

    @Test("unknown fields, with did-you-mean, at every level")
    func unknownField() {
        expectRefusal("name: w\nstep:\n  a: {type: t}\n", .unknownField, at: 2, 1, mentioning: "did you mean 'steps'")
        expectRefusal("""
        name: w
        steps:
          a:
            type: t
            neds: [b]
        """, .unknownField, at: 5, 5, mentioning: "did you mean 'needs'")
        expectRefusal("name: w\ninputs:\n  x: {typ: string}\nsteps: {a: {type: t}}\n", .unknownField, at: 3, 7, mentioning: "'type'")
        expectRefusal("name: w\non:\n  webhok: {github: [push]}\nsteps: {a: {type: t}}\n", .unknownField, at: 3, 3, mentioning: "'webhook'")
        expectRefusal("name: w\non:\n  event: {type: task.failed, tasktype: x}\nsteps: {a: {type: t}}\n", .unknownField, at: 3, 30, mentioning: "'task_type'")
        expectRefusal("name: w\non:\n  schedule: {cron: '@daily', time_zone: UTC}\nsteps: {a: {type: t}}\n", .unknownField, at: 3, 30, mentioning: "'timezone'")
    }

    @Test("wrong types")
    func wrongType() {
        expectRefusal("name: w\nsteps:\n  a:\n    type: [t]\n", .wrongType, at: 4, 11, mentioning: "must be a string, got a list")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    timeout: soon\n", .wrongType, at: 5, 14, mentioning: "whole number")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    continue_on_error: 'yes'\n", .wrongType, at: 5, 24, mentioning: "true or false")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    needs: {b: 1}\n", .wrongType, at: 5, 12, mentioning: "a string or a list")
        expectRefusal("name: w\nsteps: [a]\n", .wrongType, at: 2, 8, mentioning: "mapping from step id")
        expectRefusal("name: w\ninputs:\n  n: {type: number, default: many}\nsteps: {a: {type: t}}\n", .wrongType, at: 3, 30, mentioning: "must be a number")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    matrix: {os: linux}\n", .wrongType, at: 5, 18, mentioning: "must be a list")
    }

    @Test("missing required fields")
    func missingField() {
        expectRefusal("steps:\n  a: {type: t}\n", .missingField, at: 1, 1, mentioning: "'name'")
        expectRefusal("name: w\n", .missingField, at: 1, 1, mentioning: "'steps'")
        expectRefusal("name: w\nsteps:\n  a:\n    prompt: hi\n", .missingField, at: 4, 5, mentioning: "'type'")
        expectRefusal("name: w\nsteps: {}\n", .missingField, at: 2, 8, mentioning: "empty")
        expectRefusal("name: w\non:\n  webhook: {secret_env: X}\nsteps: {a: {type: t}}\n", .missingField, at: 3, 12)
    }

    @Test("invalid values: priorities, timeouts, event types, roles")
    func invalidValue() {
        expectRefusal("name: w\nsteps:\n  a: {type: t, priority: urgent}\n", .invalidValue, at: 3, 26, mentioning: "critical, high, normal or low")
        expectRefusal("name: w\nsteps:\n  a: {type: t, timeout: 0}\n", .invalidValue, at: 3, 25, mentioning: "between 1 and")
        expectRefusal("name: w\non:\n  event: {type: task.succeded}\nsteps: {a: {type: t}}\n", .invalidValue, at: 3, 17, mentioning: "did you mean 'task.succeeded'")
        expectRefusal("name: w\nsteps:\n  a: {type: t, role: 'bad role'}\n", .invalidValue, at: 3, 22, mentioning: "'role'")
        expectRefusal("name: 'bad name'\nsteps: {a: {type: t}}\n", .invalidValue, at: 1, 7)
        expectRefusal("name: w\nsteps:\n  a: {type: t, needs: [b, b]}\n  b: {type: t}\n", .invalidValue, at: 3, 27, mentioning: "twice")
    }

    @Test("invalid step ids")
    func invalidStepID() {
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n  1st:\n    type: t\n", .invalidStepID, at: 5, 3)
        expectRefusal("name: w\nsteps:\n  'with space': {type: t}\n", .invalidStepID, at: 3, 3)
    }

    @Test("needs, on_failure and expressions naming no step")
    func unknownStep() {
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    needs: [buld]\n  build: {type: t}\n", .unknownStep, at: 5, 13, mentioning: "did you mean 'build'")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    on_failure: undo\n", .unknownStep, at: 5, 17)
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    prompt: \"use ${{ steps.b.result }}\"\n", .unknownStep, at: 5, 28, mentioning: "steps.b")
    }

    @Test("a step reading a step it does not come after")
    func stepNotNeeded() {
        expectRefusal("""
        name: w
        steps:
          a: {type: t}
          b:
            type: t
            if: steps.a.outcome == 'success'
        """, .stepNotNeeded, at: 6, 15, mentioning: "add 'a' to its needs")
        // A transitive need is enough, and a rollback may read the step it handles.
        #expect(throws: Never.self) {
            try WorkflowParser.parse(yaml: """
            name: w
            steps:
              a: {type: t, on_failure: [undo]}
              b: {type: t, needs: a}
              c: {type: t, needs: b, prompt: "${{ steps.a.result }}"}
              undo: {type: t, prompt: "${{ steps.a.error }}"}
            """)
        }
    }

    @Test("cycles name their steps")
    func cycle() {
        expectRefusal("""
        name: w
        steps:
          a: {type: t, needs: c}
          b: {type: t, needs: a}
          c: {type: t, needs: b}
        """, .cycle, at: 3, 3, mentioning: "a → b → c → a")
        expectRefusal("name: w\nsteps:\n  a: {type: t, needs: a}\n", .cycle, at: 3, 23, mentioning: "itself")
        // A rollback that needs the step it handles: a → undo → a.
        expectRefusal("name: w\nsteps:\n  a: {type: t, on_failure: undo, needs: undo}\n  undo: {type: t}\n", .cycle, at: 3, 3)
    }

    @Test("expressions that do not parse point inside themselves")
    func invalidExpression() {
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    if: inputs.x ==\n", .invalidExpression, at: 5, 20)
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    if: \"inputs.x = 1\"\n", .invalidExpression, at: 5, 19, mentioning: "'=='")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    prompt: \"go ${{ inputs.x && }}\"\n", .invalidExpression, at: 5, 33)
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    if: ${{ inptus.x }}\n", .invalidExpression, at: 5, 13, mentioning: "did you mean 'inputs'")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    payload: {x: \"${{ steps.*.result }}\"}\n", .invalidExpression, at: 5, 23, mentioning: "without naming a step")
        expectRefusal("name: w\non:\n  mqtt: {topic: t, if: \"trigger.x ==\"}\nsteps: {a: {type: t}}\n", .invalidExpression, at: 3, 37)
    }

    @Test("bad cron schedules and time zones")
    func invalidCron() {
        expectRefusal("name: w\non:\n  schedule: '61 * * * *'\nsteps: {a: {type: t}}\n", .invalidCron, at: 3, 13, mentioning: "out of range")
        expectRefusal("name: w\non:\n  schedule: ['@hourly', '* * *']\nsteps: {a: {type: t}}\n", .invalidCron, at: 3, 25, mentioning: "5")
        expectRefusal("name: w\non:\n  schedule: {cron: '@daily', timezone: Mars/Olympus}\nsteps: {a: {type: t}}\n", .invalidCron, at: 3, 40, mentioning: "time zone")
        expectRefusal("name: w\non:\n  schedule: '0 0 30 2 *'\nsteps: {a: {type: t}}\n", .invalidCron, at: 3, 13, mentioning: "never")
    }

    @Test("matrices are bounded and not empty")
    func matrix() {
        let big = (0..<17).map(String.init).joined(separator: ", ")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    matrix: {x: [\(big)], y: [\(big)]}\n", .matrixTooLarge, at: 5, 17 + big.count + 7, mentioning: "256")
        expectRefusal("name: w\nsteps:\n  a:\n    type: t\n    matrix: {x: []}\n", .invalidValue, at: 5, 17, mentioning: "empty")
    }

    @Test("errors print as code: file:line:column: message")
    func printed() throws {
        let error = try #require(refusal("name: w\nstep: {}\n", file: "flows/deploy.yaml"))
        #expect("\(error)".hasPrefix("workflow_unknown_field: flows/deploy.yaml:2:1: unknown field 'step'"))
    }
}
