import FlotillaCore
import FlotillaTmux
import Foundation
import Subprocess
import SystemPackage
import Testing

/// `flotilla init` writes a fleet file for the repository that `Fleet` and `flotilla up` take;
/// `flotilla doctor` names what is missing (tmux, an agent CLI) with a fix and exits non-zero.
/// Runs the real binary in real git repositories, with PATH built per test.
@Suite struct InitDoctorTests {
    @Test func initWritesAFleetFileWithAnAgentPerCLIFoundOrShellAgents() async throws {
        try await Self.withRepository { repo in
            // A PATH with git and (fake) claude and aider CLIs, nothing else of theirs.
            let bin = try Self.binDirectory(repo, linking: ["git": "/usr/bin/git", "claude": Self.fakeCLI, "aider": Self.fakeCLI])
            let written = try await Self.flotilla(["init"], in: repo + "/src", path: bin)
            #expect(written.status == 0, "\(written.output)")
            #expect(written.output.contains("claude, aider"), "\(written.output)")
            let fleet = try Fleet(path: repo + "/flotilla.yaml", flotilla: "flotilla")
            let agents = try fleet.file.expandedAgents()
            #expect(agents.map(\.name) == ["claude", "aider"])
            #expect(agents.map(\.spec.executor) == ["claude", "aider"] && agents.allSatisfy { $0.spec.worktree && $0.spec.role == "general" })
            let text = try String(contentsOfFile: repo + "/flotilla.yaml", encoding: .utf8)
            #expect(text.hasPrefix("# flotilla.yaml: the agent fleet of ") && text.contains("# claude found at \(bin)/claude"))

            // An existing file is left alone without --force.
            let again = try await Self.flotilla(["init"], in: repo, path: bin)
            #expect(again.status != 0 && again.output.contains("init_file_exists") && again.output.contains("--force"), "\(again.output)")
            #expect(try String(contentsOfFile: repo + "/flotilla.yaml", encoding: .utf8) == text)

            // No agent CLI on PATH: shell agents.
            let bare = try Self.binDirectory(repo + "/bare", linking: ["git": "/usr/bin/git"])
            let forced = try await Self.flotilla(["init", "--force"], in: repo, path: bare)
            #expect(forced.status == 0, "\(forced.output)")
            let shell = try Fleet(path: repo + "/flotilla.yaml", flotilla: "flotilla").file.expandedAgents()
            #expect(shell.map(\.name) == ["shell-1", "shell-2"] && shell.allSatisfy { $0.spec.executor == "shell" })
        }
        // Outside a git repository: a clear error, no file.
        let outside = NSTemporaryDirectory() + "flotilla-init-outside-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let refused = try await Self.flotilla(["init"], in: outside, path: "/usr/bin:/bin")
        #expect(refused.status != 0 && refused.output.contains("init_not_a_git_repository"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: outside + "/flotilla.yaml"))
    }

    @Test func initsFleetStartsWithUpOnAPrivateSocket() async throws {
        try await Self.withRepository { repo in
            let bare = try Self.binDirectory(repo + "/bin", linking: ["git": "/usr/bin/git"])
            let written = try await Self.flotilla(["init"], in: repo, path: bare)
            #expect(written.status == 0, "\(written.output)")
            // Only the port changes (7700 may be taken here); the rest is as init wrote it.
            let file = repo + "/flotilla.yaml"
            let port = try UpWatchTests.freePort()
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "127.0.0.1:7700", with: "127.0.0.1:\(port)")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let socket = "flotilla-init-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
            let tmux = Tmux(configuration: TmuxConfiguration(socketName: socket))
            do {
                let environment = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
                let up = try await Self.flotilla(["up", "-f", file, "--socket", socket], in: repo, path: environment)
                #expect(up.status == 0, "\(up.output)")
                let ps = try await Self.flotilla(["ps", "-f", file, "--socket", socket], in: repo, path: environment)
                let rows = ps.output.split(separator: "\n").filter { $0.hasPrefix("shell-") }
                #expect(rows.count == 2 && rows.allSatisfy { !$0.contains(" stopped ") && !$0.contains(" exited ") }, "\(ps.output)")
                let stop = try await Self.flotilla(["stop", "-f", file, "--socket", socket], in: repo, path: environment)
                #expect(stop.status == 0, "\(stop.output)")
            } catch {
                await tmux.killServer()
                throw error
            }
            await tmux.killServer()
        }
    }

    @Test func doctorNamesMissingTmuxAndAgentCLIsWithFixesAndExitsNonZero() async throws {
        try await Self.withRepository { repo in
            try """
                hub: {url: 'http://127.0.0.1:1', start: true}
                agents:
                  - {name: coder, role: general, executor: claude}
                  - {name: tui, command: 'codex --full-auto', kind: codex}
                """.write(toFile: repo + "/flotilla.yaml", atomically: true, encoding: .utf8)
            // git only: no tmux, no claude, no codex.
            let bin = try Self.binDirectory(repo + "/bin", linking: ["git": "/usr/bin/git"])
            let sick = try await Self.flotilla(["doctor"], in: repo, path: bin)
            #expect(sick.status != 0, "\(sick.output)")
            #expect(sick.output.contains("FAIL  tmux: tmux is not on PATH"), "\(sick.output)")
            #expect(sick.output.contains("fix: install tmux 3.1 or newer"), "\(sick.output)")
            #expect(sick.output.contains("FAIL  claude: agent 'coder' uses executor claude, but claude is not on PATH"), "\(sick.output)")
            #expect(sick.output.contains("FAIL  codex: agent 'tui' runs `codex`"), "\(sick.output)")
            #expect(sick.output.contains("ok    git: git version"), "\(sick.output)")
            #expect(sick.output.contains("warn  hub: no hub answers at http://127.0.0.1:1"), "\(sick.output)")
            #expect(sick.output.contains("3 checks failed (tmux, claude, codex)"), "\(sick.output)")

            // With tmux and the CLIs on PATH, only the hub warning is left: exit 0.
            let full = try Self.binDirectory(repo + "/full", linking: [
                "git": "/usr/bin/git", "tmux": try Self.which("tmux"), "claude": Self.fakeCLI, "codex": Self.fakeCLI,
            ])
            let well = try await Self.flotilla(["doctor"], in: repo, path: full)
            #expect(well.status == 0 && well.output.contains("ok    tmux: tmux 3.") && well.output.contains("all required checks passed"), "\(well.output)")

            // A hub that `up` does not start must answer, and a configured broker must too.
            try """
                hub: {url: 'http://127.0.0.1:1', start: false, command: 'flotilla hub --mqtt mqtt://127.0.0.1:1'}
                agents:
                  - {name: s, role: general, executor: shell}
                """.write(toFile: repo + "/flotilla.yaml", atomically: true, encoding: .utf8)
            let down = try await Self.flotilla(["doctor"], in: repo, path: full)
            #expect(down.status != 0 && down.output.contains("FAIL  hub: no hub answers at http://127.0.0.1:1"), "\(down.output)")
            #expect(down.output.contains("FAIL  broker: nothing accepts connections at mqtt://127.0.0.1:1"), "\(down.output)")
        }
    }

    @Test func doctorChecksTheHubsTokenWhenTheHubAnswers() async throws {
        try await WatchHub.run(socket: nil) { hub in
            try await Self.withRepository { repo in
                try """
                    hub: {url: 'http://127.0.0.1:\(hub.port)', start: false}
                    agents:
                      - {name: s, role: general, executor: shell}
                    """.write(toFile: repo + "/flotilla.yaml", atomically: true, encoding: .utf8)
                let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
                let good = try await Self.flotilla(["doctor"], in: repo, path: path, token: hub.adminToken)
                #expect(good.status == 0 && good.output.contains("ok    hub: a hub answers") && good.output.contains("ok    token:"), "\(good.output)")
                let bad = try await Self.flotilla(["doctor"], in: repo, path: path, token: "flt_nope_nope")
                #expect(bad.status != 0 && bad.output.contains("FAIL  token: the hub refused the token"), "\(bad.output)")
                #expect(bad.output.contains("fix: use this hub's <data-dir>/admin.token"), "\(bad.output)")
                let agentToken = try await hub.client.createToken(name: "doctor-agent")["token"]?.stringValue
                let agent = try await Self.flotilla(["doctor"], in: repo, path: path, token: agentToken)
                #expect(agent.status != 0 && agent.output.contains("FAIL  token: the token is an agent token"), "\(agent.output)")
            }
        }
    }

    // MARK: support

    /// The fake `claude` of the agent tests: stands in for any agent CLI binary on PATH.
    static let fakeCLI = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FlotillaAgentTests/Fixtures/claude").path

    /// A fresh git repository (with a `src` folder) in a temporary directory.
    static func withRepository(_ body: (String) async throws -> Void) async throws {
        let repo = NSTemporaryDirectory() + "flotilla-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: repo + "/src", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let git = try await Subprocess.run(.path("/usr/bin/git"), arguments: ["init", "-q", repo], output: .discarded, error: .discarded)
        guard git.terminationStatus.isSuccess else { throw TestFailure("git init failed") }
        try await body(repo)
    }

    /// A directory of symlinks `name → target`, to use as the whole PATH.
    static func binDirectory(_ parent: String, linking links: [String: String]) throws -> String {
        let directory = parent + "/path-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: target)
        }
        return directory
    }

    static func which(_ program: String) throws -> String {
        guard let path = HostTools().find(program) else { throw TestFailure("\(program) is not installed here") }
        return path
    }

    /// Runs the flotilla binary in `directory` with `PATH` set to `path`.
    static func flotilla(_ arguments: [String], in directory: String, path: String, token: String? = nil) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(
            .path(FilePath(UpWatchTests.binary)), arguments: Arguments(arguments),
            environment: .inherit.updating(["PATH": path, "FLOTILLA_TOKEN": token, "FLOTILLA_FILE": nil, "FLOTILLA_HUB": nil]),
            workingDirectory: FilePath(directory),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
        )
        let status: Int32 = if case .exited(let code) = result.terminationStatus { Int32(code) } else { -1 }
        return (status, (result.standardOutput ?? "") + (result.standardError ?? ""))
    }
}
