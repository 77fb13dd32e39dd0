import FlotillaCore
import Foundation
import Testing
@testable import FlotillaWorkflows

/// docs/workflows.md and docs/workflow.schema.json against the parser: every example means what
/// the page says, and the schema names the fields the parser reads.
@Suite("Workflow docs and schema")
struct WorkflowDocsTests {
    static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs")

    /// The page's ```yaml blocks, with the line each starts on.
    static func examples() throws -> [(text: String, line: Int)] {
        let page = try String(contentsOf: docs.appendingPathComponent("workflows.md"), encoding: .utf8)
        var out: [(String, Int)] = []
        var current: [Substring]?
        var start = 0
        for (number, line) in page.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line == "```yaml" {
                current = []
                start = number + 2
            } else if current != nil, line == "```" {
                out.append((current!.joined(separator: "\n") + "\n", start))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return out
    }

    static func schema() throws -> JSONValue {
        try JSONValue.parse(String(contentsOf: docs.appendingPathComponent("workflow.schema.json"), encoding: .utf8))
    }

    @Test("every complete example parses; every '# refused:' example is refused as it says")
    func examples() throws {
        let examples = try Self.examples()
        #expect(examples.count >= 15)
        var refusedCodes: Set<String> = []
        for example in examples {
            let first = example.text.prefix { $0 != "\n" }
            if first.hasPrefix("# refused: ") {
                // "# refused: CODE at LINE:COLUMN"
                let words = first.dropFirst("# refused: ".count).split(separator: " ")
                let place = words.last?.split(separator: ":").compactMap { Int($0) } ?? []
                guard words.count == 3, place.count == 2, let error = refusal(example.text, file: "example.yaml") else {
                    Issue.record("docs/workflows.md:\(example.line): bad '# refused:' line or the example parsed")
                    continue
                }
                #expect(error.code.rawValue == String(words[0]), "docs/workflows.md:\(example.line): \(error)")
                #expect(error.location?.line == place[0] && error.location?.column == place[1], "docs/workflows.md:\(example.line): \(error)")
                refusedCodes.insert(String(words[0]))
            } else {
                #expect(throws: Never.self, "docs/workflows.md:\(example.line)") {
                    try WorkflowParser.parse(yaml: example.text, file: "example.yaml")
                }
            }
        }
        // Every error a file can be refused with has its example.
        let runTime: Set<WorkflowErrorCode> = [.invalidInput, .evaluationFailed, .invalidTask]
        let fileCodes = Set(WorkflowErrorCode.allCases.filter { !runTime.contains($0) }.map(\.rawValue))
        #expect(fileCodes.subtracting(refusedCodes).isEmpty, "no example for \(fileCodes.subtracting(refusedCodes).sorted())")
    }

    @Test("the schema names exactly the fields the parser reads, at each level")
    func schemaFields() throws {
        let schema = try Self.schema()
        func properties(_ definition: JSONValue?) -> Set<String> { Set(definition?["properties"]?.objectValue.map { Array($0.keys) } ?? []) }
        let defs = schema["$defs"]
        let levels: [(String, JSONValue?, [String])] = [
            ("the workflow", schema, WorkflowParser.workflowFields),
            ("input", defs?["input"], WorkflowParser.inputFields),
            ("step", defs?["step"], WorkflowParser.stepFields),
            ("on", defs?["triggers"], WorkflowParser.triggerFields),
            ("on.event", defs?["eventTrigger"], WorkflowParser.eventFields),
            ("on.schedule", defs?["scheduleTrigger"], WorkflowParser.scheduleFields),
            ("on.mqtt", defs?["mqttTrigger"], WorkflowParser.mqttFields),
            ("on.webhook", defs?["webhookTrigger"], WorkflowParser.webhookFields),
            ("on.webhook.generic", defs?["genericWebhook"], WorkflowParser.genericWebhookFields),
        ]
        for (name, definition, fields) in levels {
            #expect(properties(definition) == Set(fields), "\(name): schema \(properties(definition).sorted()) vs parser \(fields.sorted())")
            #expect(definition?["additionalProperties"] == false, "\(name) must refuse unknown fields, as the parser does")
        }
        #expect(schema["required"] == ["name", "steps"])
        #expect(defs?["step"]?["required"] == ["type"])
        let step = defs?["step"]?["properties"]
        #expect(step?["priority"]?["enum"] == .array(Priority.allCases.map { .string($0.rawValue) }))
        #expect(step?["complexity"]?["enum"] == .array(Complexity.allCases.map { .string($0.rawValue) }))
        #expect(defs?["input"]?["properties"]?["type"]?["enum"] == .array(WorkflowInput.ValueType.allCases.map { .string($0.rawValue) }))
        #expect(step?["matrix"]?["additionalProperties"]?["oneOf"]?.arrayValue?.first?["maxItems"] == .int(Int64(StepMatrix.maxCombinations)))
        #expect(schema["properties"]?["steps"]?["maxProperties"] == .int(Int64(WorkflowParser.maxSteps)))
    }

    @Test("the page's field tables list every field the parser reads")
    func tables() throws {
        let page = try String(contentsOf: Self.docs.appendingPathComponent("workflows.md"), encoding: .utf8)
        for field in WorkflowParser.workflowFields + WorkflowParser.inputFields + WorkflowParser.stepFields + WorkflowParser.triggerFields {
            #expect(page.contains("| `\(field)` |"), "docs/workflows.md has no table row for `\(field)`")
        }
    }
}
