import Foundation
import Testing

/// docs/architecture.md's dependency table is the rule: every target's imports keep to its row.
@Suite("Architecture")
struct ArchitectureTests {
    /// The package root: this file is Tests/FlotillaCoreTests/Architecture/ArchitectureTests.swift.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func rules() throws -> ImportRules {
        try ImportRules(markdown: String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8))
    }

    @Test("every target imports only what docs/architecture.md allows it, and every target has a row")
    func sourcesKeepTheTable() throws {
        let violations = try Self.rules().violations(sources: Self.root.appendingPathComponent("Sources"))
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }

    @Test("the table holds the layers' rules: the core and the engine import no transport")
    func tableSaysWhatTheLayersMayNot() throws {
        let rules = try Self.rules()
        let core = try #require(rules.allowed["FlotillaCore"])
        #expect(core.union(rules.everyTarget).isSubset(of: ["Foundation", "Synchronization", "DequeModule", "Crypto", "Dispatch", "Glibc", "Musl", "Darwin"]))
        let engine = try #require(rules.allowed["FlotillaEngine"])
        for transport in ["Hummingbird", "HummingbirdWebSocket", "NIOHTTP1", "NIOWebSocket", "NIOPosix", "MQTT", "FlotillaTmux", "FlotillaHub"] {
            #expect(!engine.contains(transport) && !rules.everyTarget.contains(transport), "the engine may not import \(transport)")
        }
    }

    /// Layers, lowest first: a target may import only targets in rows above its own, so no two
    /// targets can come to depend on each other.
    @Test("targets import only targets above them in the table")
    func layersPointOneWay() throws {
        let rules = try Self.rules()
        for (index, target) in rules.order.enumerated() {
            let lower = Set(rules.order[index...])
            let upward = rules.allowed[target, default: []].intersection(lower)
            #expect(upward.isEmpty, "\(target) may import \(upward.sorted()), which sit at or below it in the table")
        }
    }

    /// The CLI links the hub to run it, but its client commands find the admin token through
    /// FlotillaCore's `DataDirectory`, not the hub's configuration.
    @Test("only the CLI's hub-running files import FlotillaHub")
    func clientCommandsDoNotImportTheHub() throws {
        let cli = Self.root.appendingPathComponent("Sources/flotilla")
        let hubRunning: Set<String> = ["HubCommand.swift", "HubLimitOptions.swift", "GoalOptions.swift", "MqttSetupCommand.swift", "DemoCommand.swift"]
        var importing: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: cli.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: cli.appendingPathComponent(file), encoding: .utf8)
            if ImportRules.imports(in: text).contains(where: { $0.module == "FlotillaHub" }) { importing.append(file) }
        }
        #expect(Set(importing).isSubset(of: hubRunning), "client commands importing the hub: \(importing.filter { !hubRunning.contains($0) }.sorted())")
        #expect(!importing.contains("ClientOptions.swift") && !importing.contains("TokenFile.swift"))
    }

    /// The check itself, on a tree made for it: a forbidden import is named with its file and
    /// line, a folder with no row fails, a row with no folder does not.
    @Test("a forbidden import, however it is spelled, and a folder with no row are found")
    func checkFindsWhatBreaksTheRules() throws {
        let rules = try ImportRules(markdown: """
            # Layers

            | Target | May import | Holds |
            | --- | --- | --- |
            | *every target* | Foundation, `Synchronization` | |
            | `FlotillaEngine` | `FlotillaCore`, `Logging` (its own logger) | the engine |
            | `FlotillaGhost` | `FlotillaCore` | a row with no folder yet |

            Later text | with a bar is not a row.
            """)
        #expect(rules.allowed["FlotillaEngine"] == ["FlotillaCore", "Logging"])
        #expect(rules.everyTarget == ["Foundation", "Synchronization"])
        let sources = FileManager.default.temporaryDirectory.appendingPathComponent("architecture-\(UUID().uuidString)/Sources")
        defer { try? FileManager.default.removeItem(at: sources.deletingLastPathComponent()) }
        let engine = sources.appendingPathComponent("FlotillaEngine/Hub")
        try FileManager.default.createDirectory(at: engine, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: sources.appendingPathComponent("Stray"), withIntermediateDirectories: true)
        try """
            public import FlotillaCore
            import Foundation
            @preconcurrency import Hummingbird
            /// import NIOHTTP1 in a comment is no import
            #if canImport(Synchronization)
            import struct NIOWebSocket.WebSocketFrame
            #endif
            """.write(to: engine.appendingPathComponent("Hub.swift"), atomically: true, encoding: .utf8)
        let found = try rules.violations(sources: sources)
        #expect(found == [
            .init(file: "Sources/FlotillaEngine/Hub/Hub.swift", line: 3, module: "Hummingbird", target: "FlotillaEngine"),
            .init(file: "Sources/FlotillaEngine/Hub/Hub.swift", line: 6, module: "NIOWebSocket", target: "FlotillaEngine"),
            .init(file: "Sources/Stray", line: 0, module: "anything", target: "Stray"),
        ])
        #expect(found[0].description.contains("Sources/FlotillaEngine/Hub/Hub.swift:3") && found[0].description.contains("Hummingbird"))
    }

    @Test("a document without the table is an error, not a pass")
    func missingTableFails() {
        #expect(throws: ImportRules.RulesMissing.self) { try ImportRules(markdown: "# Architecture\n\nNo table here.\n") }
    }
}
