import FlotillaCore
import Foundation
import Testing

@testable import FlotillaTmux

/// The fleet file's `approvals:` section (docs/fleet.md): checked when the file is loaded, and
/// handed to the hub `flotilla up` starts as `--approvals FILE`.
@Suite struct FleetApprovalsTests {
    static let agents = "agents:\n  - {name: worker, role: coder, executor: claude}\n"

    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "fleet-approvals-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func theSectionIsPassedToTheHubUpStarts() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            approvals:
              timeout: 5m
              on_timeout: allow_read_only
              rules:
                - role: coder
                  allow: ['^Bash\\(swift (build|test)']
                  deny: ['^Bash\\(rm -rf']
            """
        let file = try FleetFile.parse(yaml: yaml + "\n" + Self.agents, baseDirectory: directory)
        let policy = try #require(file.approvals)
        #expect(policy.timeout == 300)
        #expect(policy.onTimeout == .allowReadOnly)
        #expect(policy.rules == [ApprovalPolicy.Rule(role: "coder", allow: [#"^Bash\(swift (build|test)"#], deny: [#"^Bash\(rm -rf"#])])
        let hub = try #require(file.hubCommand(flotilla: "flotilla", socket: "s")).command
        #expect(hub.contains("--approvals \(file.hubApprovalsPath)"), "\(hub)")
        let written = try String(contentsOfFile: file.hubApprovalsPath, encoding: .utf8)
        #expect(try ApprovalPolicy(json: JSONValue.parse(written)) == policy, "the hub reads back what the fleet file says")
        // Without the section the hub gets no flag.
        let plain = try FleetFile.parse(yaml: Self.agents, baseDirectory: directory)
        #expect(plain.approvals == nil)
        #expect(!(try #require(plain.hubCommand(flotilla: "flotilla", socket: "s")).command.contains("--approvals")))
    }

    @Test func aBadSectionIsRefusedNamingTheField() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (section, field) in [
            ("approvals: {rules: [{allow: ['(unclosed']}]}", "approvals.rules[0].allow[0]"),
            ("approvals: {timeout: forever}", "approvals.timeout"),
            ("approvals: {on_timeout: allow}", "approvals.on_timeout"),
            ("approvals: {rulez: []}", "approvals.rulez"),
            ("approvals: [1]", "approvals"),
        ] {
            do {
                _ = try FleetFile.parse(yaml: section + "\n" + Self.agents, baseDirectory: directory)
                Issue.record("\(section) was accepted")
            } catch let error as FleetError {
                #expect(error.code == .invalidField, "\(section)")
                #expect(error.field == field, "\(section): \(error)")
            }
        }
    }
}
