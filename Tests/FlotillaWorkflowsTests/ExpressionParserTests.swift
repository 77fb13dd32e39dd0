import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Expression parsing")
struct ExpressionParserTests {
    @Test("precedence: && binds tighter than ||, comparisons tighter than &&, ! tightest")
    func precedence() throws {
        #expect(try evaluate("true || false && false") == true)
        #expect(try evaluate("(true || false) && false") == false)
        #expect(try evaluate("1 < 2 && 2 < 3") == true)
        #expect(try evaluate("!false == true") == true)
        #expect(try evaluate("!(1 == 1)") == false)
    }

    @Test("literals: single-quoted strings with '' for a quote, numbers, hex, true, false, null")
    func literals() throws {
        #expect(try evaluate("'it''s'") == "it's")
        #expect(try evaluate("42") == 42)
        #expect(try evaluate("-3.5") == -3.5)
        #expect(try evaluate("0x1F") == 31)
        #expect(try evaluate("1e3") == 1000.0)
        #expect(try evaluate("null") == .null)
        #expect(try evaluate("false") == false)
    }

    @Test("syntax errors give the position inside the expression")
    func positions() throws {
        #expect(syntaxError("inputs.a ==")?.offset == 11)
        #expect(syntaxError("inputs.a = 1")?.offset == 9)
        #expect(syntaxError("(1 == 1")?.message.contains("')'") == true)
        #expect(syntaxError("'open")?.offset == 0)
        #expect(syntaxError("inputs.")?.offset == 7)
        #expect(syntaxError("1 2")?.offset == 2)
        #expect(syntaxError("a & b")?.offset == 2)  // the lexer finds the lone '&' first
        #expect(syntaxError("inputs.x & 1")?.offset == 9)
        #expect(syntaxError("")?.offset == 0)
        #expect(syntaxError("inputs.x $")?.offset == 9)
    }

    @Test("unknown names and functions are refused with a suggestion")
    func unknownNames() throws {
        let name = try #require(syntaxError("input.branch"))
        #expect(name.message.contains("did you mean 'inputs'"))
        #expect(name.kind == .syntax)
        let function = try #require(syntaxError("contain(inputs.a, 'x')"))
        #expect(function.message.contains("did you mean 'contains'"))
        let startsWith = try #require(syntaxError("startWith(inputs.a, 'x')"))
        #expect(startsWith.message.contains("startsWith"))
    }

    @Test("argument counts are checked when parsed")
    func arity() throws {
        #expect(syntaxError("contains('a')")?.message.contains("takes 2 arguments, got 1") == true)
        #expect(syntaxError("success(1)")?.message.contains("takes 0 arguments") == true)
        #expect(syntaxError("format()")?.message.contains("at least 1") == true)
    }

    @Test("length and depth are bounded")
    func bounds() throws {
        let long = "'" + String(repeating: "a", count: ExpressionParser.maxLength) + "'"
        #expect(syntaxError(long)?.message.contains("at most \(ExpressionParser.maxLength)") == true)
        let deep = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(syntaxError(deep)?.message.contains("deeper than") == true)
        let nots = String(repeating: "!", count: 100) + "true"
        #expect(syntaxError(nots)?.message.contains("deeper than") == true)
        #expect(try evaluate(String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)) == 1)
    }

    @Test("function names ignore case; step ids with '-' are one name")
    func names() throws {
        #expect(try evaluate("STARTSWITH('abc', 'a')") == true)
        let steps: JSONValue = ["run-tests": ["outcome": "success"]]
        #expect(try evaluate("steps.run-tests.outcome", ["steps": steps]) == "success")
    }

    @Test("status functions and the steps an expression reads are found")
    func analysis() throws {
        #expect(try Expression("always() && inputs.x").callsStatusFunction)
        #expect(try !Expression("inputs.x == 'always()'").callsStatusFunction)
        let reads = try Expression("steps.build.result.ok && steps['test'].outcome == 'success'").referencedSteps.map(\.id)
        #expect(reads == ["build", "test"])
        #expect(try Expression("steps.*.outcome").dynamicStepsOffset == 0)
        #expect(try Expression("steps[inputs.name]").dynamicStepsOffset == 0)
        #expect(try Expression("steps.a.result").dynamicStepsOffset == nil)
    }
}
