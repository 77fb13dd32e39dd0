import FlotillaCore
import Testing

/// The hand-written JSON writer and parser: exact text, and text read back unchanged.
@Suite struct JSONTextTests {
    @Test func integersAtTheirLimits() {
        let values: [Int64] = [0, 7, 9, 10, -1, -10, 1_234_567_890, .max, .min]
        #expect(JSONValue.array(values.map(JSONValue.int)).jsonString == "[0,7,9,10,-1,-10,1234567890,9223372036854775807,-9223372036854775808]")
        #expect(JSONValue.double(3).jsonString == "3")
        #expect(JSONValue.double(-2.5).jsonString == "-2.5")
        #expect(JSONValue.double(.infinity).jsonString == "null")
    }

    @Test func numbersParseToIntegersWhenIntegralAndInRange() throws {
        let parsed = try JSONValue.parse("[0,-0,7,-42,999999999999999999,-999999999999999999,9223372036854775807,-9223372036854775808,9223372036854775808,1.5,1e3,-2.5E-1]")
        #expect(parsed == [0, 0, 7, -42, 999_999_999_999_999_999, -999_999_999_999_999_999, .int(.max), .int(.min), .double(9_223_372_036_854_775_808), 1.5, 1000.0, -0.25])
        #expect(throws: FlotillaError.self) { try JSONValue.parse("[01]") }
        #expect(throws: FlotillaError.self) { try JSONValue.parse("[-]") }
    }

    @Test func stringsAreEscapedWhereJSONRequires() {
        let text = "quote\" backslash\\ newline\n tab\t return\r bell\u{07} unit\u{1F} é 🚢 \u{2028}"
        #expect(JSONValue.string(text).jsonString == #""quote\" backslash\\ newline\n tab\t return\r bell\u0007 unit\u001f é 🚢 \#u{2028}""#)
        #expect((try? JSONValue.parse(JSONValue.string(text).jsonString)) == .string(text))
    }

    @Test func objectKeysAreSortedAndNestedValuesRoundTrip() throws {
        let value: JSONValue = ["b": [1, 2.5, "x", nil, true], "a": ["z": false, "é": "accent", "A": .object([:])], "": []]
        #expect(value.jsonString == #"{"":[],"a":{"A":{},"z":false,"é":"accent"},"b":[1,2.5,"x",null,true]}"#)
        #expect(try JSONValue.parse(value.jsonString) == value)
        #expect(value.jsonBytes == Array(value.jsonString.utf8))
    }

    @Test func nestedObjectsKeepTheirOwnMembersAndRepeatedKeysKeepTheLastValue() throws {
        let parsed = try JSONValue.parse(#"{"a":1,"b":{"c":2,"c":3,"d":[{"e":{}},{"f":[{"g":5}]}]},"h":{},"a":4}"#)
        #expect(parsed == ["a": 4, "b": ["c": 3, "d": [["e": .object([:])], ["f": [["g": 5]]]]], "h": .object([:])])
    }
}
