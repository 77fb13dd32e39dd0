import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Templates")
struct TemplateTests {
    static let context = ExpressionContext([
        "inputs": ["branch": "main", "count": 3, "tags": ["a", "b"]],
        "steps": ["build": ["result": ["artifact": "app.tar"]]],
    ])

    @Test("parts are replaced by their value's text; text around them stays")
    func render() throws {
        let template = try Template("deploy ${{ steps.build.result.artifact }} from ${{inputs.branch}}!")
        #expect(try template.render(in: Self.context) == "deploy app.tar from main!")
        #expect(try Template("n=${{ inputs.count }} tags=${{ inputs.tags }} none=${{ inputs.x }}.").render(in: Self.context) == #"n=3 tags=["a","b"] none=."#)
        #expect(try Template("no expressions").isLiteral)
        #expect(try Template("$ {{ not one }}").render(in: Self.context) == "$ {{ not one }}")
    }

    @Test("a template that is one expression renders to the value itself")
    func wholeValue() throws {
        #expect(try Template("${{ inputs.count }}").value(in: Self.context) == 3)
        #expect(try Template(" ${{ inputs.tags }} ").value(in: Self.context) == ["a", "b"])
        #expect(try Template("x${{ inputs.count }}").value(in: Self.context) == "x3")
        let payload = TemplateValue.object(["n": .template(try Template("${{ inputs.count }}")), "fixed": .literal(true)])
        #expect(try payload.render(in: Self.context) == ["n": 3, "fixed": true])
    }

    @Test("'}}' inside a quoted string does not end the expression")
    func quotedBraces() throws {
        #expect(try Template("${{ format('{0}}}', 1) }}").render(in: Self.context) == "1}")
        #expect(try Template("echo ${{ '${{' }} HOME }}").render(in: Self.context) == "echo ${{ HOME }}")
    }

    @Test("errors give the position in the whole template")
    func positions() throws {
        do {
            _ = try Template("ok ${{ inputs.a == }}")
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 19)
            #expect(error.kind == .syntax)
        }
        do {
            _ = try Template("ok ${{ inputs.a")
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 3)
            #expect(error.message.contains("not closed"))
        }
        do {
            _ = try Template("x ${{ fromJSON('{') }}").render(in: Self.context)
            Issue.record("rendered")
        } catch {
            #expect(error.offset == 6)
            #expect(error.kind == .evaluation)
        }
    }
}
