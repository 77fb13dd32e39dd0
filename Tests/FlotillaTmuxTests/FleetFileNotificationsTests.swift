import FlotillaCore
import Foundation
import Testing

@testable import FlotillaTmux

/// The fleet file's `notifications:` section (docs/fleet.md): checked as the hub checks it when
/// the file is loaded, its secret files made absolute, and handed to the hub `up` starts with
/// `--notifications`.
@Suite struct FleetFileNotificationsTests {
    static let agents = "agents:\n  - {name: worker, role: general, executor: shell}\n"

    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "fleet-notify-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "s3cret".write(toFile: directory + "/ops.key", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func theSectionIsPassedToTheHubWithItsFilesAbsolute() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            notifications:
              targets:
                ops: {kind: webhook, url: "https://ops.example/hook", secret_file: ops.key}
              subscriptions:
                - {target: ops, events: [task.dead, approval.requested], filter: {role: tester}}
            """ + "\n" + Self.agents
        let file = try FleetFile.parse(yaml: yaml, baseDirectory: directory)
        let section = try #require(file.notifications)
        #expect(section["targets"]?["ops"]?["secret_file"]?.stringValue == directory + "/ops.key")
        let configuration = try NotificationConfiguration(json: section)
        #expect(configuration.subscriptions.first?.filter.roles == ["tester"])
        let hub = try #require(file.hubCommand(flotilla: "flotilla", socket: "s")).command
        #expect(hub.contains("--notifications \(file.hubNotificationsPath)"), "\(hub)")
        try file.writeHubNotifications()
        let written = try JSONValue.parse(String(contentsOfFile: file.hubNotificationsPath, encoding: .utf8))
        #expect(written == section)
        let mode = try FileManager.default.attributesOfItem(atPath: file.hubNotificationsPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Without the section the hub gets no flag.
        let plain = try FleetFile.parse(yaml: Self.agents, baseDirectory: directory)
        #expect(try #require(plain.hubCommand(flotilla: "flotilla", socket: "s")).command.contains("--notifications") == false)
    }

    @Test func aBadSectionStopsUpNamingTheField() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cases: [(String, FleetError.Code, String)] = [
            ("{targets: {ops: {kind: webhook, url: 'https://x.example', secret_file: ops.key}}, subscriptions: [{target: ops, events: [task.lost]}]}", .invalidField, "notifications.subscriptions[0].events[0]"),
            ("{targets: {ops: {kind: webhook, url: 'https://x.example', secret_file: gone.key}}, subscriptions: []}", .fileNotFound, "notifications.targets.ops.secret_file"),
            ("{targets: {ops: {kind: ntfy}}}", .missingField, "notifications.targets.ops.url"),
            ("{channels: []}", .unknownField, "notifications.channels"),
        ]
        for (section, code, field) in cases {
            do {
                _ = try FleetFile.parse(yaml: "notifications: \(section)\n" + Self.agents, baseDirectory: directory)
                Issue.record("\(field): accepted")
            } catch let error as FleetError {
                #expect(error.code == code, "\(field): \(error)")
                #expect(error.field == field, "\(field): \(error)")
            }
        }
    }
}
