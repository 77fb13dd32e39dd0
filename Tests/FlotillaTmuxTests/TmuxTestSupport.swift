import Foundation
import Testing

@testable import FlotillaTmux

/// A tmux server of its own for one test: a unique socket, killed at the end.
struct TestServer {
    let tmux: Tmux
    let directory: String

    static func with<Result: Sendable>(_ name: String = #function, _ body: (TestServer) async throws -> Result) async throws -> Result {
        let clean = name.filter { $0.isLetter || $0.isNumber }.prefix(20)
        let socket = "flotilla-test-\(clean)-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let tmux = Tmux(configuration: TmuxConfiguration(socketName: socket, configFile: "/dev/null"))
        let directory = NSTemporaryDirectory() + socket
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = TestServer(tmux: tmux, directory: directory)
        do {
            let result = try await body(server)
            await tmux.killServer()
            try? FileManager.default.removeItem(atPath: directory)
            return result
        } catch {
            await tmux.killServer()
            throw error
        }
    }
}

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let fakeAgent = directory + "/fake_agent.py"

    /// The shell command line that starts the fake agent recording into `record`.
    static func fakeAgentCommand(record: String, busy: Double = 0.05, phase: Double = 0.6) -> String {
        "/usr/bin/python3 \(fakeAgent) --record \(record) --busy \(busy) --phase \(phase)"
    }

    /// The prompts the fake recorded, in order.
    static func recorded(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["text"] as? String
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
