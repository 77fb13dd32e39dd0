import FlotillaCore
import Foundation
import Testing

@testable import FlotillaTmux

/// Issue 19: the fleet file accepts exactly the executors the agent runs, names a misspelt
/// top-level key, takes a global `env` and `env_file`, and gives `flotilla agent` agents a
/// directory and a token file of their own.
@Suite struct FleetFileStartupTests {
    func failure(_ yaml: String, baseDirectory: String = "/srv") -> FleetError? {
        do { _ = try FleetFile.parse(yaml: yaml, baseDirectory: baseDirectory); return nil } catch { return error as? FleetError }
    }

    @Test func aMisspeltAgentsKeyIsAnUnknownFieldNamingIt() throws {
        let error = try #require(failure("agent:\n  - {name: a, command: x}"))
        #expect(error.code == .unknownField)
        #expect(error.field == "agent")
        #expect(error.message.contains("'agent'"))
    }

    @Test func onlyTheAgentsExecutorsAreAcceptedAndTheRefusalListsThemAll() throws {
        for executor in ["llamafile", "gpt", "shell,vllm"] {
            let error = try #require(failure("agents:\n  - {name: a, role: r, executor: '\(executor)'}"), "\(executor) was accepted")
            #expect(error.code == .invalidField && error.field == "agents[0].executor")
            for name in ExecutorNames.all { #expect(error.message.contains(name), "\(error.message) misses \(name)") }
        }
        for executor in ExecutorNames.all where executor != "cmd" {
            #expect(failure("agents:\n  - {name: a, role: r, executor: \(executor)}") == nil, "\(executor) refused")
        }
        #expect(failure("agents:\n  - {name: a, role: r, executor: 'shell,claude'}") == nil)
        #expect(failure("agents:\n  - {name: a, role: r, executor: cmd}")?.field == "agents[0].command_template")
        let fleet = try FleetFile.parse(yaml: "agents:\n  - {name: a, role: r, executor: cmd, command_template: 'tool -p {prompt}'}", baseDirectory: "/srv")
        #expect(try fleet.expandedAgents(flotilla: "fl")[0].command.command.contains("--command-template 'tool -p {prompt}'"))
    }

    @Test func theGlobalEnvAndEnvFileGoUnderEachAgentsOwnEnv() throws {
        let directory = NSTemporaryDirectory() + "flotilla-envfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            # shared settings
            export FROM_FILE=file
            SHARED=from-file
            QUOTED="two words"

            OWN=from-file
            """.write(toFile: directory + "/fleet.env", atomically: true, encoding: .utf8)
        try """
            env_file: fleet.env
            env: {SHARED: from-env, OWN: from-env, LEVEL: 3}
            agents:
              - {name: a, role: r, executor: shell, env: {OWN: mine}}
              - {name: b, command: 'sleep 1'}
            """.write(toFile: directory + "/flotilla.yaml", atomically: true, encoding: .utf8)
        let agents = try FleetFile.load(path: directory + "/flotilla.yaml").expandedAgents()
        let a = agents[0].command.environment, b = agents[1].command.environment
        #expect(a["FROM_FILE"] == "file" && a["QUOTED"] == "two words" && a["LEVEL"] == "3")
        #expect(a["SHARED"] == "from-env" && b["SHARED"] == "from-env")
        #expect(a["OWN"] == "mine" && b["OWN"] == "from-env")
        // An admin token exported where `up` runs does not reach the panes.
        #expect(a["FLOTILLA_TOKEN"] == "" && b["FLOTILLA_TOKEN"] == "")

        try "GOOD=1\nthis line is wrong\n".write(toFile: directory + "/bad.env", atomically: true, encoding: .utf8)
        let bad = try #require(failure("env_file: bad.env\nagents:\n  - {name: a, command: x}", baseDirectory: directory))
        #expect(bad.code == .invalidField && bad.field == "env_file" && bad.message.contains("line 2"))
        #expect(failure("env_file: missing.env\nagents:\n  - {name: a, command: x}", baseDirectory: directory)?.code == .fileNotFound)
        #expect(failure("env: {'not a name': x}\nagents:\n  - {name: a, command: x}")?.field == "env.not a name")
    }

    @Test func flotillaAgentsRunInTheirOwnDirectoryWithATokenFileAndNoDataDir() throws {
        let fleet = try FleetFile.parse(yaml: """
            hub: {url: 'http://127.0.0.1:7711', data_dir: hubdata}
            agents:
              - {name: solo, role: backend, executor: shell}
              - {name: here, role: backend, executor: shell, workdir: .}
            """, baseDirectory: "/srv")
        let agents = try fleet.expandedAgents(flotilla: "/bin/flotilla")
        // Its own directory lies outside the fleet's directory, so outside `.flotilla/` and
        // `hubdata/`: nothing relative to where its tasks run leads to the data directory.
        let own = fleet.agentDirectory("solo")
        #expect(own.hasSuffix("/agents/solo") && !own.hasPrefix("/srv/"), "\(own)")
        #expect(try fleet.agentDirectory("solo") != FleetFile.parse(yaml: "agents:\n  - {name: solo, command: x}", baseDirectory: "/elsewhere").agentDirectory("solo"))
        #expect(agents[0].command.workingDirectory == own)
        #expect(agents[0].command.command.hasSuffix("--token-file /srv/.flotilla/tokens/solo.token --consume-token-file --workdir \(own)"))
        #expect(!agents[0].command.command.contains("--data-dir"), "the agent is pointed at the hub's admin token")
        // Asked for explicitly, an agent still runs beside the fleet file.
        #expect(agents[1].command.workingDirectory == "/srv")
    }

    @Test func secretFilesAreTheOwnersOnly() throws {
        let directory = NSTemporaryDirectory() + "flotilla-secret-\(UUID().uuidString)/tokens"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        try SecretFile.makeDirectory(directory)
        try SecretFile.write(directory + "/a.token", contents: "flt_x_y\n")
        let mode = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        #expect(try mode(directory) == 0o700)
        #expect(try mode(directory + "/a.token") == 0o600)
        #expect(try String(contentsOfFile: directory + "/a.token", encoding: .utf8) == "flt_x_y\n")
    }
}
