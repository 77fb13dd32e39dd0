@testable import FlotillaAgent
import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Logging

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let fakeClaude = fixtures + "/claude"

    static var flotilla: String {
        ProcessInfo.processInfo.environment["FLOTILLA_BIN"] ?? packageRoot + "/.build/debug/flotilla"
    }

    static func temporaryDirectory(_ label: String = "agent") -> String {
        let path = NSTemporaryDirectory() + "flotilla-\(label)-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Polls `condition` until it holds or `seconds` pass; throws naming `what` on timeout.
///
/// The default is generous: working code meets it in a second or two, and it only bounds broken
/// code. Twenty seconds was missed on a loaded machine (the target's tests, their hubs, agents
/// and brokers at once on two cores).
func eventually(_ what: String, within seconds: Double = 60, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    // One last look: on a starved pool the sleep above can end past the deadline, and the
    // condition that came true meanwhile was never asked.
    if try await condition() { return }
    throw TestFailure("timed out after \(seconds)s waiting for: \(what)")
}

/// A real hub on a port of the test's choosing (0 = any), with a SQLite data directory.
enum LiveHub {
    static func run<Value: Sendable>(
        port: Int = 0, dataDirectory: String = Paths.temporaryDirectory("hub"), leaseSeconds: Double = 30,
        mqtt: MQTTBridgeConfiguration? = nil,
        configure: (inout HubConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (ServedHub, HubClient) async throws -> Value
    ) async throws -> Value {
        let policy = SchedulerPolicy(leaseDuration: leaseSeconds, backoff: Backoff(base: 0.05, cap: 0.2, jitter: 0))
        var configuration = HubConfiguration(port: port, dataDirectory: dataDirectory, policy: policy, tickInterval: 0.02)
        configuration.mqtt = mqtt
        configure(&configuration)
        var logger = Logger(label: "test.hub")
        logger.logLevel = .warning
        return try await Hub.serve(configuration: configuration, logger: logger) { served in
            try await body(served, HubClient(baseURL: served.baseURL, token: served.adminToken))
        }
    }

    /// A port that was free a moment ago, for a hub that must come back on the same address or a
    /// broker. Picked below the kernel's ephemeral range (32768 on Linux), where the hubs and
    /// sockets of parallel tests binding port 0 cannot take it before its owner binds it.
    static func freePort() throws -> Int {
        for _ in 0..<100 {
            let candidate = Int.random(in: 10000..<32000)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(candidate)).bigEndian
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 }
            }
            if bound { return candidate }
        }
        throw TestFailure("no free port below the ephemeral range")
    }
}

/// A `flotilla agent` child process; its log goes to a file for post-mortems.
final class AgentProcess: Sendable {
    let process: Process
    let logPath: String

    init(_ arguments: [String], hub: String, token: String, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.flotilla)
        process.arguments = ["agent", "--hub", hub, "--token", token, "--log-level", "debug"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        logPath = Paths.temporaryDirectory("agent-log") + "/agent.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        // The child has its own copy: close ours, or every live process object keeps one open
        // (the agent target reached 1,300 descriptors, where Foundation's Process.run crashes;
        // see Tests/FlotillaHubTests/Support/IdleConnections.swift).
        try? log?.close()
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit and returns its status.
    func exitStatus(within seconds: Double) async throws -> Int32 {
        try await eventually("agent \(pid) exits", within: seconds) { !self.process.isRunning }
        return process.terminationStatus
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs git in `directory`, failing the test with git's message.
@discardableResult
func git(_ directory: String, _ arguments: String...) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-C", directory] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging([
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    ]) { _, new in new }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(text)") }
    return text
}

/// A repository with one commit on `main` and a bare `origin` beside it.
func makeRepository() throws -> (work: String, remote: String) {
    let root = Paths.temporaryDirectory("repo")
    let work = root + "/work", remote = root + "/remote.git"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try git(root, "init", "--quiet", "--bare", "-b", "main", remote)
    try git(work, "init", "--quiet", "-b", "main")
    try "# project\n".write(toFile: work + "/README.md", atomically: true, encoding: .utf8)
    try git(work, "add", "README.md")
    try git(work, "commit", "--quiet", "-m", "initial")
    try git(work, "remote", "add", "origin", remote)
    try git(work, "push", "--quiet", "origin", "main")
    return (work, remote)
}

extension AttemptRunner {
    /// A runner with the given executors, working under `workdir`.
    static func testing(_ executors: [any Executor], workdir: String) -> AttemptRunner {
        var logger = Logger(label: "test.agent")
        logger.logLevel = .warning
        return AttemptRunner(router: ExecutorRouter(executors: executors), workspaces: WorkspaceManager(root: workdir), verifier: Verifier(), workdir: workdir, logger: logger)
    }
}

extension Assignment {
    static func make(_ task: JSONValue, taskID: String = "t" + UUID().uuidString.prefix(8).lowercased(), attempt: Int = 1) -> Assignment {
        var object = task.objectValue ?? [:]
        if object["type"] == nil { object["type"] = "test.run" }
        // The spec an agent gets is one the hub accepted: read it as the hub does.
        return Assignment(taskID: taskID, attempt: attempt, spec: try! TaskSpec(json: .object(object)))
    }
}

/// Runs the `flotilla` CLI to the end; returns its exit status and output. Waits without
/// blocking a thread: the CLI may need the hub running in this very test process.
func runCLI(_ arguments: [String], within seconds: Double = 120) async throws -> (status: Int32, output: String) {
    try await runProgram(Paths.flotilla, arguments, within: seconds)
}

/// Runs a program to the end without blocking a thread; returns its exit status and output.
func runProgram(_ executable: String, _ arguments: [String], within seconds: Double = 120) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let outputPath = Paths.temporaryDirectory("cli") + "/output"
    FileManager.default.createFile(atPath: outputPath, contents: nil)
    let output = FileHandle(forWritingAtPath: outputPath)
    process.standardOutput = output
    process.standardError = output
    try process.run()
    try? output?.close()  // the child has its own copy (see AgentProcess)
    try await eventually("\(executable) \(arguments.first ?? "") exits", within: seconds) { !process.isRunning }
    return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
}

extension HubClient {
    /// Every task matching `query`, across pages.
    func allTasks(_ query: [String: String] = [:]) async throws -> [JSONValue] {
        var tasks: [JSONValue] = []
        var cursor: String?
        repeat {
            var page = query
            page["limit"] = "1000"
            if let cursor { page["cursor"] = cursor }
            let answer = try await self.tasks(query: page)
            tasks += answer["tasks"]?.arrayValue ?? []
            cursor = answer["next_cursor"]?.stringValue
        } while cursor != nil
        return tasks
    }

    func state(of id: String) async throws -> String? {
        try await task(id)["state"]?.stringValue
    }
}
