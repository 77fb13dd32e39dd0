import FlotillaCore
import Foundation
import Testing

@testable import FlotillaTmux

/// Issue 20 item 5 for the fleet: `hub.tls_cert`/`hub.tls_key` make the hub `up` starts serve
/// HTTPS/WSS, `hub.ca_file` (default: the certificate) is what the agents trust; settings that
/// cannot work together are refused when the file is loaded, naming the field.
@Suite struct FleetFileTLSTests {
    /// A directory holding `hub.pem`, `hub.key` and `ca.pem` (their contents do not matter here:
    /// the file only checks they can be read; the hub and the clients read them).
    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "fleet-tls-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["hub.pem", "hub.key", "ca.pem"] {
            try "placeholder".write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }

    static let agents = "agents:\n  - {name: worker, role: general, executor: shell}\n"

    func failure(_ hub: String, in directory: String) -> FleetError? {
        do { _ = try FleetFile.parse(yaml: "hub: \(hub)\n" + Self.agents, baseDirectory: directory); return nil } catch { return error as? FleetError }
    }

    @Test func theHubServesTLSWithTheFilesAndAgentsTrustTheCertificate() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try FleetFile.parse(yaml: "hub: {url: 'https://127.0.0.1:7443', tls_cert: hub.pem, tls_key: hub.key}\n" + Self.agents, baseDirectory: directory)
        let hub = try #require(file.hubCommand(flotilla: "flotilla", socket: "s")).command
        #expect(hub.contains("--tls-cert \(directory)/hub.pem --tls-key \(directory)/hub.key"), "\(hub)")
        #expect(file.hubCAFile == directory + "/hub.pem")
        let agent = try #require(file.expandedAgents().first).command.command
        #expect(agent.contains("--hub https://127.0.0.1:7443") && agent.contains("--ca-file \(directory)/hub.pem"), "\(agent)")

        // An explicit ca_file wins over the certificate.
        let pinned = try FleetFile.parse(yaml: "hub: {url: 'https://127.0.0.1:7443', tls_cert: hub.pem, tls_key: hub.key, ca_file: ca.pem}\n" + Self.agents, baseDirectory: directory)
        let pinnedAgent = try #require(pinned.expandedAgents().first).command.command
        #expect(pinnedAgent.contains("--ca-file \(directory)/ca.pem"))
        // A hub running elsewhere over https needs no certificate of ours.
        let elsewhere = try FleetFile.parse(yaml: "hub: {url: 'https://hub.example:7443', start: false}\n" + Self.agents, baseDirectory: directory)
        let elsewhereAgent = try #require(elsewhere.expandedAgents().first).command.command
        #expect(elsewhere.hubCAFile == nil && !elsewhereAgent.contains("--ca-file"))
        // A plain fleet gets no TLS arguments.
        let plain = try FleetFile.parse(yaml: Self.agents, baseDirectory: directory)
        let plainHub = try #require(plain.hubCommand(flotilla: "flotilla", socket: "s")).command
        #expect(!plainHub.contains("--tls"))
    }

    @Test func tlsSettingsThatCannotWorkAreRefusedNamingTheField() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cases: [(String, FleetError.Code, String)] = [
            ("{url: 'https://127.0.0.1:7443'}", .missingField, "hub.tls_cert"),
            ("{url: 'https://127.0.0.1:7443', tls_cert: hub.pem}", .missingField, "hub.tls_key"),
            ("{url: 'https://127.0.0.1:7443', tls_key: hub.key}", .missingField, "hub.tls_cert"),
            ("{url: 'https://127.0.0.1:7443', tls_cert: missing.pem, tls_key: hub.key}", .fileNotFound, "hub.tls_cert"),
            ("{url: 'https://127.0.0.1:7443', tls_cert: hub.pem, tls_key: missing.key}", .fileNotFound, "hub.tls_key"),
            ("{url: 'https://127.0.0.1:7443', start: false, ca_file: missing.pem}", .fileNotFound, "hub.ca_file"),
            ("{url: 'http://127.0.0.1:7700', tls_cert: hub.pem, tls_key: hub.key}", .invalidField, "hub.url"),
            ("{url: 'http://127.0.0.1:7700', start: false, ca_file: ca.pem}", .invalidField, "hub.url"),
        ]
        for (hub, code, field) in cases {
            let error = try #require(failure(hub, in: directory), "accepted: \(hub)")
            #expect(error.code == code && error.field == field, "\(hub): \(error)")
        }
        #expect(failure("{url: 'https://127.0.0.1:7443', tls_cert: missing.pem, tls_key: hub.key}", in: directory)?.message.contains(directory + "/missing.pem") == true)
    }
}
