import FlotillaCore
import Foundation
import Testing

@testable import FlotillaTmux

/// The fleet file's `autonomy:` section (docs/goals.md): checked when the file is loaded, and
/// handed to the hub `flotilla up` starts as `--autonomy --autonomy-file FILE`.
@Suite struct FleetAutonomyTests {
    @Test func theSectionIsCheckedAndPassedToTheHubUpStarts() throws {
        let directory = NSTemporaryDirectory() + "fleet-autonomy-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            autonomy:
              budget_usd: 3
              repos:
                - path: services/api
                  test: make test
                - path: /srv/web
            agents:
              - {name: worker, role: coder, executor: claude}
            """
        let file = try FleetFile.parse(yaml: yaml, baseDirectory: directory)
        let repos = try #require(file.autonomy?["repos"]?.arrayValue)
        #expect(repos.map { $0["path"] } == [.string(directory + "/services/api"), "/srv/web"], "relative to the fleet file's folder")
        let hub = try #require(file.hubCommand(flotilla: "flotilla", socket: "s")).command
        #expect(hub.contains("--autonomy --autonomy-file \(file.hubAutonomyPath)"), "\(hub)")
        let written = try AutonomySettings(json: JSONValue.parse(String(contentsOfFile: file.hubAutonomyPath, encoding: .utf8)))
        #expect(written.budgetUSD == 3)
        #expect(written.repos.first?.test == "make test")

        let bad = "autonomy:\n  repos:\n    - {path: x, tset: make}\nagents:\n  - {name: worker, role: coder, executor: claude}\n"
        #expect(throws: FleetError.self) { try FleetFile.parse(yaml: bad, baseDirectory: directory) }
        do {
            _ = try FleetFile.parse(yaml: bad, baseDirectory: directory)
        } catch let error as FleetError {
            #expect(error.field == "autonomy.repos[0].tset")
        }
        let plain = try FleetFile.parse(yaml: "agents:\n  - {name: worker, role: coder, executor: claude}\n", baseDirectory: directory)
        #expect(try #require(plain.hubCommand(flotilla: "flotilla", socket: "s")).command.contains("--autonomy") == false)
    }
}
