import FlotillaCore
import FlotillaGoals
import FlotillaHub
import Foundation
import Testing

/// `flotilla hub --goal-rules FILE`: the risk rules and the secret allowlist a goal's final diff
/// is reviewed with, in YAML or JSON; a bad file names its line and field and applies nothing.
@Suite struct GoalRulesFileTests {
    @Test func yamlAndJSONReadTheSameRulesAndAnAbsentSectionKeepsTheDefaults() throws {
        let yaml = """
            # payments code is high risk here
            risk:
              paths:
                - name: payments
                  globs: [src/billing]
              size: {medium_lines: 50, high_lines: 500}
            secrets:
              values: [AKIAABCDEFGHIJKLMNOP]
              paths: ["**/Fixtures"]
            """
        let json = #"{"risk": {"paths": [{"name": "payments", "globs": ["src/billing"]}], "size": {"medium_lines": 50, "high_lines": 500}}, "secrets": {"values": ["AKIAABCDEFGHIJKLMNOP"], "paths": ["**/Fixtures"]}}"#
        let fromYAML = try GoalRulesFile.parse(yaml)
        let fromJSON = try GoalRulesFile.parse(json)
        #expect(fromYAML.risk == fromJSON.risk && fromYAML.secrets == fromJSON.secrets)
        #expect(fromYAML.risk.paths.map(\.name) == ["payments"])
        #expect(fromYAML.risk.mediumLines == 50 && fromYAML.risk.highLines == 500)
        #expect(fromYAML.risk.lowRisk == RiskRules.standard.lowRisk, "keys not given keep the defaults")
        #expect(fromYAML.secrets.values.contains("AKIAIOSFODNN7EXAMPLE") && fromYAML.secrets.values.contains("AKIAABCDEFGHIJKLMNOP"))

        // The rules are what the review uses: the payments path is high, the allowed key passes.
        let diff = try UnifiedDiff(parsing: """
            diff --git a/src/billing/charge.swift b/src/billing/charge.swift
            --- a/src/billing/charge.swift
            +++ b/src/billing/charge.swift
            @@ -1 +1,2 @@
             let a = 1
            +let key = "AKIAABCDEFGHIJKLMNOP"

            """)
        #expect(try RiskClassifier(rules: fromYAML.risk).classify(diff).reasons.contains { $0.rule == "path:payments" && $0.tier == .high })
        #expect(try SecretScanner(allowlist: fromYAML.secrets).scan(diff).isEmpty)
        #expect(try SecretScanner(allowlist: GoalRules.default.secrets).scan(diff).map(\.kind) == [.awsAccessKeyID])

        let empty = try GoalRulesFile.parse("")
        #expect(empty.risk == .standard && empty.secrets == .standard, "an empty file is the defaults")
    }

    @Test func aBadRulesFileNamesItsLineAndFieldAndNothingIsApplied() throws {
        let cases: [(text: String, code: FlotillaErrorCode, field: String, line: Int)] = [
            ("risk:\n  paths:\n    - name: payments\n      tier: severe\n      globs: [src]\n", .invalidField, "risk.paths[0].tier", 4),
            ("risk:\n  low_risk:\n    - docs\n    - 'docs/[abc'\n", .invalidField, "risk.low_risk[1]", 4),
            ("secrets:\n  values: []\n  patterns: ['(unclosed']\n", .invalidField, "secrets.patterns[0]", 3),
            ("secrets:\n  allow: [x]\n", .unknownField, "secrets.allow", 2),
            ("risk: {}\nsecret: {}\n", .unknownField, "secret", 2),
            ("risk:\n  size:\n    medium_lines: 0\n", .invalidField, "risk.size.medium_lines", 3),
            (#"{"risk": {"paths": [{"name": "x"}]}}"#, .missingField, "risk.paths[0].globs", 1),
        ]
        for (text, code, field, line) in cases {
            do {
                _ = try GoalRulesFile.parse(text, file: "rules.yaml")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.code == code, "\(text)")
                #expect(error.field == field, "\(text)")
                #expect(error.message.hasPrefix("rules.yaml line \(line), \(field): "), "\(error.message)")
            }
        }
        do {
            _ = try GoalRulesFile.parse("risk: [unclosed\n", file: "rules.yaml")
            Issue.record("bad YAML was accepted")
        } catch {
            #expect(error.code == .invalidField && error.message.hasPrefix("rules.yaml line "), "\(error.message)")
        }
        do {
            _ = try GoalRulesFile.load(path: "/nonexistent/rules.yaml")
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.message.contains("/nonexistent/rules.yaml"))
        }
    }
}
