import FlotillaCore
import Foundation

/// A `flotilla` CLI process with its standard output and standard error kept apart (a `--json`
/// output must be one JSON document on stdout alone), a working directory and an environment
/// without the caller's FLOTILLA_* variables unless given.
final class CLIProcess: Sendable {
    let process: Process
    let stdoutPath: String
    let stderrPath: String
    let started = ContinuousClock.now

    init(_ arguments: [String], directory: String? = nil, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.flotilla)
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FLOTILLA_") }
        base.merge(environment) { _, new in new }
        process.environment = base
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let folder = Paths.temporaryDirectory("cli")
        stdoutPath = folder + "/stdout"
        stderrPath = folder + "/stderr"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let (out, err) = (FileHandle(forWritingAtPath: stdoutPath), FileHandle(forWritingAtPath: stderrPath))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The child has its own copies (see AgentProcess).
        try? out?.close()
        try? err?.close()
        self.process = process
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the exit; returns the status.
    @discardableResult
    func finish(within seconds: Double = 60) async throws -> Int32 {
        do {
            try await eventually("flotilla \(process.arguments?.prefix(2).joined(separator: " ") ?? "") exits", within: seconds) { !self.process.isRunning }
        } catch {
            stop()
            throw TestFailure("\(error); stdout: \(stdout); stderr: \(stderr)")
        }
        return process.terminationStatus
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs the CLI to the end.
    static func run(_ arguments: [String], directory: String? = nil, environment: [String: String] = [:], within seconds: Double = 60) async throws -> (status: Int32, stdout: String, stderr: String) {
        let cli = try CLIProcess(arguments, directory: directory, environment: environment)
        let status = try await cli.finish(within: seconds)
        return (status, cli.stdout, cli.stderr)
    }
}
