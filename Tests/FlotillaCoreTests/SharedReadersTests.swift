import Testing
@testable import FlotillaCore

/// The readers several decoders share (the JSON parser's step past a separator, a field that
/// names an enum's case) refuse bad input with the words each decoder used on its own.
@Suite struct SharedReadersTests {
    private func parseFailure(_ text: String) -> String {
        do {
            _ = try JSONValue.parse(text)
            return "parsed"
        } catch {
            return error.message
        }
    }

    @Test func objectsAndArraysEndOrGoOnAlike() throws {
        #expect(try JSONValue.parse(#" { "a" : [ 1 , 2 , { "b" : [ ] } ] , "c" : { } } "#) == ["a": [1, 2, ["b": []]], "c": .object([:])])
        #expect(parseFailure("[1 2]").contains("expected ',' or ']' in an array"))
        #expect(parseFailure(#"{"a":1 "b":2}"#).contains("expected ',' or '}' in an object"))
        #expect(parseFailure(#"{"a":1]"#).contains("expected ',' or '}' in an object"))
        #expect(parseFailure("[1").contains("unexpected end of input in an array"))
        #expect(parseFailure(#"{"a":1"#).contains("unexpected end of input in an object"))
    }

    @Test func aFieldNamingAnUnknownCaseIsRefusedWithItsName() {
        #expect(throws: FlotillaError(.invalidField, "Unknown task state 'bogus'.", field: "state")) {
            try TaskRecord(json: ["id": "t1", "type": "x", "state": "bogus"])
        }
        #expect(throws: FlotillaError(.invalidField, "Unknown agent state 'asleep'.", field: "state")) {
            try AgentStatus(json: ["state": "asleep"])
        }
        #expect(throws: FlotillaError(.invalidField, "Unknown agent source 'elsewhere'.", field: "source")) {
            try AgentView(json: ["source": "elsewhere"])
        }
        #expect(throws: FlotillaError(.invalidField, "Unknown waiting reason 'nope'.", field: "waiting.reason")) {
            try WaitingReason(json: ["reason": "nope", "message": "m"])
        }
        #expect(throws: FlotillaError(.missingField, "'state' is required.", field: "state")) {
            try AgentStatus(json: [:])
        }
    }
}
