import FlotillaCore
import Foundation
import Testing

@testable import FlotillaTmux

/// Issue 24: `executor: openai|ollama` in the fleet file, with the model executors' keys
/// passed to `flotilla agent` as its flags, checked where the file is read.
@Suite struct FleetModelKeysTests {
    @Test func modelExecutorsAndTheirKeysBecomeAgentFlags() throws {
        let yaml = """
            agents:
              - name: local
                role: coding
                executor: shell,ollama,claude
                model: qwen3-coder
                base_url: http://gpu-box:11434
                temperature: 0.2
                max_turns: 40
                route: standard=ollama,complex=claude
              - name: remote
                role: review
                executor: openai
                model: gpt-5-mini
                api_key_file: secrets/openai.key
                price_in: 0.25
                price_out: 2
            """
        let fleet = try FleetFile.parse(yaml: yaml, baseDirectory: "/srv/fleet")
        let agents = try fleet.expandedAgents(flotilla: "fl")
        let local = agents[0].command.command, remote = agents[1].command.command
        #expect(local.contains("--executor shell,ollama,claude"))
        #expect(local.contains("--model qwen3-coder"))
        #expect(local.contains("--base-url http://gpu-box:11434"))
        #expect(local.contains("--temperature 0.2"))
        #expect(local.contains("--max-turns 40"))
        #expect(local.contains("--route standard=ollama,complex=claude"))
        #expect(!local.contains("--api-key-file"))
        #expect(remote.contains("--executor openai"))
        #expect(remote.contains("--api-key-file /srv/fleet/secrets/openai.key"))
        #expect(remote.contains("--price-in 0.25"))
        #expect(remote.contains("--price-out 2.0"))
    }

    @Test func badModelKeysAreNamedInTheFile() throws {
        func failure(_ keys: String) -> FleetError? {
            do { _ = try FleetFile.parse(yaml: "agents:\n  - {name: a, role: r, executor: ollama, \(keys)}", baseDirectory: "/srv"); return nil } catch { return error as? FleetError }
        }
        #expect(failure("base_url: 'gpu-box:11434'")?.field == "agents[0].base_url")
        #expect(failure("temperature: 3")?.field == "agents[0].temperature")
        #expect(failure("max_turns: 0")?.field == "agents[0].max_turns")
        #expect(failure("price_out: -1")?.field == "agents[0].price_out")
        #expect(failure("max_turns: many")?.code == .invalidField)
        #expect(failure("api_key: sk-inline")?.code == .unknownField)
    }
}
