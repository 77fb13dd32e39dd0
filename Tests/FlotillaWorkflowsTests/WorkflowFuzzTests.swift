import FlotillaCore
import Foundation
import Testing
@testable import FlotillaWorkflows

/// Seeded random input for the parsers: whatever the text, they answer with a value or an error
/// that points inside it, and never crash or hang.
@Suite("Workflow fuzzing")
struct WorkflowFuzzTests {
    /// A small deterministic generator (xorshift64*), so a failure reproduces from its seed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    static let pieces = [
        "inputs", "steps", "trigger", "matrix", "run", ".", "a", "b-c", "[", "]", "(", ")", "'x'", "''", "1", "-2.5", "0x1f",
        "==", "!=", "<", ">=", "&&", "||", "!", ",", "*", "contains(", "format(", "fromJSON(", "success()", "always()",
        " ", "true", "null", "'{0}'", "$", "{", "}", "'", "=", "&",
    ]

    @Test("random expressions parse or fail with a position inside them, and evaluate without crashing")
    func expressions() {
        var random = Seeded(state: 0x5EED_F00D)
        let context = ExpressionContext(["inputs": ["a": 1, "b-c": ["x", "y"]], "steps": ["a": ["result": "r"]]])
        var parsed = 0
        for _ in 0..<5000 {
            let count = Int.random(in: 1...12, using: &random)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            do {
                let expression = try Expression(text)
                parsed += 1
                do { _ = try expression.evaluate(in: context) } catch {
                    #expect(error.kind == .evaluation && (0...text.unicodeScalars.count).contains(error.offset), "\(text): \(error)")
                }
            } catch {
                #expect(error.kind == .syntax && (0...text.unicodeScalars.count).contains(error.offset), "\(text): \(error)")
            }
        }
        #expect(parsed > 100)  // the mix is not all noise
    }

    @Test("random edits of a workflow file parse or fail at a line and column inside the file")
    func files() {
        var random = Seeded(state: 0xF11E)
        let base = WorkflowParserTests.deploy
        let inserts = ["{", "}", "[", "]", ":", " ", "\n", "  ", "- ", "${{", "}}", "'", "\"", "needs: x", "if: a ==", "#", "&a", "*a", "\t"]
        for _ in 0..<400 {
            var text = Array(base)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0...text.count, using: &random)
                if Bool.random(using: &random), at < text.count {
                    text.remove(at: at)
                } else {
                    text.insert(contentsOf: inserts.randomElement(using: &random)!, at: at)
                }
            }
            let yaml = String(text)
            do {
                _ = try WorkflowParser.parse(yaml: yaml, file: "f.yaml")
            } catch {
                let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
                let location = error.location
                #expect(location != nil, "\(error)")
                #expect((1...lines + 1).contains(location?.line ?? 0), "\(error)")
            }
        }
    }
}
