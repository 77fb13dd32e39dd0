import FlotillaCore
import FlotillaHub
import Testing

/// `flotilla hub --approvals FILE` reads YAML or JSON into the same policy.
@Suite struct ApprovalPolicyFileTests {
    @Test func yamlAndJSONReadTheSame() throws {
        let yaml = """
            timeout: 90s
            on_timeout: allow_read_only
            rules:
              - agent: w1
                allow: ['^Bash\\(swift test']
            """
        let json = #"{"timeout": 90, "on_timeout": "allow_read_only", "rules": [{"agent": "w1", "allow": ["^Bash\\(swift test"]}]}"#
        let fromYAML = try ApprovalPolicyFile.parse(yaml)
        #expect(fromYAML == (try ApprovalPolicyFile.parse(json)))
        #expect(fromYAML.timeout == 90 && fromYAML.rules.first?.agent == "w1")
        #expect(try ApprovalPolicyFile.parse("") == .standard, "an empty file is the standard policy")
        do {
            _ = try ApprovalPolicyFile.parse("rules: [{allow: ['a'], deny: ['[z-a]']}]")
            Issue.record("a bad regex was accepted")
        } catch {
            #expect(error.field == "rules[0].deny[0]")
        }
    }
}
