import Foundation
import Testing
@testable import FlotillaCore

/// docs/schemas/goal-plan.schema.json against the validator: the published schema states the
/// same fields, required ones, enums, patterns and bounds the hub enforces.
@Suite("Goal plan schema")
struct GoalPlanSchemaTests {
    static func schema() throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/schemas/goal-plan.schema.json")
        return try JSONValue.parse(String(contentsOf: url, encoding: .utf8))
    }

    static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    @Test("draft 2020-12, closed objects, the validator's fields and required fields")
    func fields() throws {
        let schema = try Self.schema()
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] == false)
        #expect(Set(schema["properties"]?.objectValue?.keys ?? [:].keys) == Set(GoalPlanValidator.planFields))
        #expect(Self.strings(schema["required"]) == GoalPlanValidator.requiredPlanFields)
        let step = try #require(schema["$defs"]?["step"])
        #expect(step["additionalProperties"] == false)
        #expect(Set(step["properties"]?.objectValue?.keys ?? [:].keys) == Set(GoalPlanValidator.stepFields))
        #expect(Self.strings(step["required"]) == GoalPlanValidator.requiredStepFields)
        #expect(schema["properties"]?["steps"]?["items"]?["$ref"] == "#/$defs/step")
    }

    @Test("bounds, enums and patterns are the validator's constants")
    func bounds() throws {
        let schema = try Self.schema()
        let limits = GoalPlanLimits.standard
        let steps = try #require(schema["properties"]?["steps"])
        #expect(steps["minItems"]?.intValue == 1)
        #expect(steps["maxItems"]?.intValue == Int64(limits.maxSteps))
        let summary = try #require(schema["properties"]?["summary"])
        #expect(summary["maxLength"]?.intValue == Int64(limits.maxSummaryLength))
        #expect(summary["pattern"]?.stringValue == GoalPlanValidator.textPattern)
        let verify = try #require(schema["properties"]?["verify"])
        #expect(verify["maxItems"]?.intValue == Int64(limits.maxVerifyCommands))
        #expect(verify["uniqueItems"] == true)
        #expect(verify["items"]?["maxLength"]?.intValue == Int64(limits.maxVerifyLength))
        #expect(verify["items"]?["pattern"]?.stringValue == GoalPlanValidator.linePattern)

        let p = try #require(schema["$defs"]?["step"]?["properties"])
        #expect(p["id"]?["pattern"]?.stringValue == GoalPlanValidator.idPattern)
        #expect(p["title"]?["maxLength"]?.intValue == Int64(limits.maxTitleLength))
        #expect(p["title"]?["pattern"]?.stringValue == GoalPlanValidator.linePattern)
        #expect(p["prompt"]?["maxLength"]?.intValue == Int64(limits.maxPromptLength))
        #expect(p["prompt"]?["pattern"]?.stringValue == GoalPlanValidator.textPattern)
        #expect(p["success_criteria"]?["minItems"]?.intValue == 1)
        #expect(p["success_criteria"]?["maxItems"]?.intValue == Int64(limits.maxCriteria))
        #expect(p["success_criteria"]?["items"]?["maxLength"]?.intValue == Int64(limits.maxCriterionLength))
        #expect(p["success_criteria"]?["items"]?["pattern"]?.stringValue == GoalPlanValidator.textPattern)
        #expect(p["verify"]?["maxItems"]?.intValue == Int64(limits.maxVerifyCommands))
        #expect(p["verify"]?["items"]?["maxLength"]?.intValue == Int64(limits.maxVerifyLength))
        #expect(p["verify"]?["items"]?["pattern"]?.stringValue == GoalPlanValidator.linePattern)
        #expect(p["role"]?["pattern"]?.stringValue == GoalPlanValidator.rolePattern)
        #expect(Self.strings(p["complexity"]?["enum"]) == Complexity.allCases.map(\.rawValue))
        #expect(p["needs"]?["maxItems"]?.intValue == Int64(limits.maxSteps))
        #expect(p["needs"]?["uniqueItems"] == true)
        #expect(p["files"]?["maxItems"]?.intValue == Int64(limits.maxFiles))
        #expect(p["files"]?["uniqueItems"] == true)
        #expect(p["files"]?["items"]?["maxLength"]?.intValue == Int64(limits.maxFileLength))
        #expect(p["files"]?["items"]?["pattern"]?.stringValue == GoalPlanValidator.filePattern)
    }
}
