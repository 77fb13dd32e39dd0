import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Expression evaluation")
struct ExpressionEvaluationTests {
    static let context: [String: JSONValue] = [
        "inputs": ["branch": "main", "count": 3, "flag": true, "empty": ""],
        "trigger": ["payload": ["ref": "refs/heads/main", "commits": [["id": "a1"], ["id": "b2"]]]],
        "steps": ["build": ["outcome": "success", "result": ["artifact": "app.tar", "size": 10]]],
    ]

    @Test("property access, index by name and position, missing members are null")
    func access() throws {
        #expect(try evaluate("steps.build.result.artifact", Self.context) == "app.tar")
        #expect(try evaluate("trigger.payload['ref']", Self.context) == "refs/heads/main")
        #expect(try evaluate("trigger.payload.commits[1].id", Self.context) == "b2")
        #expect(try evaluate("trigger.payload.commits[5]", Self.context) == .null)
        #expect(try evaluate("inputs.nothing.deeper", Self.context) == .null)
        #expect(try evaluate("inputs.BRANCH", Self.context) == "main")  // names ignore case
        #expect(try evaluate("trigger.payload.commits.*.id", Self.context) == ["a1", "b2"])
    }

    @Test("loose equality: strings ignore case, other types compare as numbers")
    func equality() throws {
        #expect(try evaluate("'ABC' == 'abc'") == true)
        #expect(try evaluate("'1' == 1") == true)
        #expect(try evaluate("null == 0") == true)
        #expect(try evaluate("true == 1") == true)
        #expect(try evaluate("'' == 0") == true)
        #expect(try evaluate("'abc' == 0") == false)  // NaN equals nothing
        #expect(try evaluate("'abc' != 0") == true)
        #expect(try evaluate("inputs.count == '3'", Self.context) == true)
        #expect(try evaluate("inputs.flag == true", Self.context) == true)
        #expect(try evaluate("steps.build.result == steps.build.result", Self.context) == true)
    }

    @Test("ordering: strings by text ignoring case, else numbers; NaN orders nothing")
    func ordering() throws {
        #expect(try evaluate("'a' < 'B'") == true)
        #expect(try evaluate("2 <= 2") == true)
        #expect(try evaluate("'10' > 9") == true)
        #expect(try evaluate("'x' > 1") == false)
        #expect(try evaluate("'x' <= 1") == false)
        #expect(try evaluate("1.5 >= 1") == true)
    }

    @Test("&& and || short-circuit and give an operand, as GitHub Actions")
    func logic() throws {
        #expect(try evaluate("inputs.empty || 'fallback'", Self.context) == "fallback")
        #expect(try evaluate("inputs.branch && 'yes'", Self.context) == "yes")
        #expect(try evaluate("inputs.empty && fromJSON('not json')", Self.context) == "")
        #expect(try evaluate("!inputs.empty", Self.context) == true)
    }

    @Test("truthiness: false, 0, '', null and NaN are false; arrays and objects true")
    func truthiness() throws {
        for falsy: JSONValue in [false, 0, 0.0, "", .null, .double(.nan)] { #expect(!falsy.isTruthy) }
        for truthy: JSONValue in [true, 1, -1, "0", "false", [], [:]] { #expect(truthy.isTruthy) }
    }

    @Test("contains, startsWith, endsWith ignore case; contains looks into arrays")
    func stringFunctions() throws {
        #expect(try evaluate("contains('Hello world', 'WORLD')") == true)
        #expect(try evaluate("contains(fromJSON('[\"push\", \"pull_request\"]'), 'push')") == true)
        #expect(try evaluate("contains(fromJSON('[1, 2]'), '2')") == true)
        #expect(try evaluate("contains(fromJSON('[1, 2]'), 3)") == false)
        #expect(try evaluate("startsWith(trigger.payload.ref, 'refs/heads/')", Self.context) == true)
        #expect(try evaluate("endsWith('release.tar.GZ', '.gz')") == true)
        #expect(try evaluate("endsWith('release', 'x')") == false)
    }

    @Test("format, join, toJSON, fromJSON")
    func conversions() throws {
        #expect(try evaluate("format('{0} of {1} ({{literal}})', 3, 'ten')") == "3 of ten ({literal})")
        #expect(try evaluate("join(trigger.payload.commits.*.id, '+')", Self.context) == "a1+b2")
        #expect(try evaluate("join(fromJSON('[1, true, null]'))") == "1,true,")
        #expect(try evaluate("toJSON(steps.build.result)", Self.context) == #"{"artifact":"app.tar","size":10}"#)
        #expect(try evaluate("fromJSON('{\"a\": [1, 2]}').a[1]") == 2)
    }

    @Test("evaluation errors name the position of the failing call")
    func evaluationErrors() throws {
        do {
            _ = try evaluate("inputs.x || fromJSON('nope')")
            Issue.record("evaluated")
        } catch {
            #expect(error.kind == .evaluation)
            #expect(error.offset == 12)
            #expect(error.code == .evaluationFailed)
        }
        #expect(throws: ExpressionError.self) { try evaluate("format('{2}', 1)") }
        #expect(throws: ExpressionError.self) { try evaluate("format('{x}')") }
        #expect(throws: ExpressionError.self) { try evaluate("fromJSON(3)") }
    }

    @Test("status functions report the step's position in the run")
    func statusFunctions() throws {
        let failed = ExpressionContext.Status(success: false, failure: true, cancelled: false)
        #expect(try evaluate("success()", status: failed) == false)
        #expect(try evaluate("failure()", status: failed) == true)
        #expect(try evaluate("always()", status: failed) == true)
        #expect(try evaluate("cancelled()", status: failed) == false)
        let cancelled = ExpressionContext.Status(success: true, failure: false, cancelled: true)
        #expect(try evaluate("success()", status: cancelled) == false)
        #expect(try evaluate("cancelled()", status: cancelled) == true)
    }
}
