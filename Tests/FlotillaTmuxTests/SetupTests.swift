import Foundation
import Testing

@testable import FlotillaTmux

/// The pure parts of `flotilla init` and `flotilla doctor`.
@Suite struct SetupTests {
    @Test func templateParsesAsAFleetFileForEveryMixOfCLIs() throws {
        let mixes: [[String]] = [[], ["claude"], ["claude", "codex", "aider", "gemini"], ["gemini"]]
        for names in mixes {
            let template = FleetTemplate(repository: "my app.v2", clis: names.map { .init(name: $0, path: "/opt/bin/\($0)") })
            let file = try FleetFile.parse(yaml: template.text, baseDirectory: "/repo")
            let agents = try file.expandedAgents()
            if names.isEmpty {
                #expect(agents.map(\.name) == ["shell-1", "shell-2"] && agents.allSatisfy { $0.spec.executor == "shell" })
            } else {
                #expect(agents.map(\.name) == names && agents.map(\.spec.executor) == names)
                #expect(agents.allSatisfy { $0.spec.worktree && $0.spec.role == "general" && $0.kind == $0.name })
            }
            #expect(file.session == "flotilla-my-app-v2" && file.hub.start && file.hub.dataDir == ".flotilla")
            // Every line of the file that says something explains it or is a comment.
            #expect(template.text.split(separator: "\n").filter { $0.hasPrefix("#") }.count >= 3)
        }
    }

    @Test func tmuxVersionsParseAndCompare() {
        #expect(TmuxVersion(parsing: "tmux 3.3a").map { "\($0.major).\($0.minor)" } == "3.3")
        #expect(TmuxVersion(parsing: "tmux next-3.4").map { "\($0.major).\($0.minor)" } == "3.4")
        #expect(TmuxVersion(parsing: "tmux 2.9").map { $0 < TmuxVersion.minimum } == true)
        #expect(TmuxVersion(parsing: "tmux master").map { $0 >= TmuxVersion.minimum } == true)
        #expect(TmuxVersion(parsing: "tmux") == nil)
        #expect(TmuxVersion(parsing: "tmux 3.1") == TmuxVersion.minimum)
    }

    @Test func doctorChecksTheCLIOfEveryAgentCLIExecutor() throws {
        let file = try FleetFile.parse(yaml: """
            agents:
              - {name: a, role: r, executor: codex}
              - {name: b, role: r, executor: gemini-prompt}
              - {name: c, role: r, executor: codex-exec}
            """, baseDirectory: "/repo")
        let checks = HostTools(searchPath: "/nonexistent").checkAgentPrograms(file)
        #expect(checks.map(\.name) == ["codex", "gemini"], "\(checks)")
        #expect(checks.last?.detail.contains("agent 'b' uses executor gemini") == true, "\(checks)")
    }

    @Test func programOfACommandLineSkipsAssignmentsAndEnv() {
        #expect(HostTools.program(of: "claude --model opus") == "claude")
        #expect(HostTools.program(of: "FOO=1 BAR=x env exec 'codex' --full-auto") == "codex")
        #expect(HostTools.program(of: "/usr/bin/python3 agent.py") == "/usr/bin/python3")
        #expect(HostTools.program(of: "   ") == nil)
    }

    @Test func findsExecutablesOnTheGivenPathOnly() throws {
        let directory = NSTemporaryDirectory() + "flotilla-path-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/tool", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        FileManager.default.createFile(atPath: directory + "/plain", contents: Data(), attributes: [.posixPermissions: 0o644])
        let tools = HostTools(searchPath: "/nonexistent:" + directory)
        #expect(tools.find("tool") == directory + "/tool")
        #expect(tools.find("plain") == nil && tools.find("sub") == nil && tools.find("tmux") == nil)
        #expect(tools.find(directory + "/tool") == directory + "/tool")
    }

    @Test func tcpProbeSeesListenersOnly() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        #expect(TCPProbe.connects(host: "127.0.0.1", port: port))
        #expect(HostTools().answers("mqtt://127.0.0.1:\(port)", defaultPort: 1883))
        #expect(!TCPProbe.connects(host: "127.0.0.1", port: 1))
        #expect(!TCPProbe.connects(host: "no-such-host.invalid", port: 1883))
    }

    @Test func sessionNamesBecomeAgentNames() {
        #expect(Tmux.agentName(fromSession: "my-task") == "my-task")
        #expect(Tmux.agentName(fromSession: "relationship os:1") == "relationship-os-1")
        #expect(Tmux.agentName(fromSession: "_x") == "s_x")
    }
}
