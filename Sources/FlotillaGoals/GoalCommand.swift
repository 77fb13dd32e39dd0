import FlotillaCore
import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// A command the goal layer runs on the hub's machine: git in a goal's clone, a goal's verify
/// commands, `gh`. Deterministic and bounded: its own process group (killed whole at the
/// timeout), a basic environment (never the hub's tokens or API keys) plus what the caller
/// adds, output kept up to a cap.
public struct GoalCommand: Sendable {
    public var argv: [String]
    public var directory: String
    public var environment: [String: String]
    public var timeout: Double
    public var stdin: [UInt8]

    public init(_ argv: [String], in directory: String, environment: [String: String] = [:], timeout: Double = 120, stdin: [UInt8] = []) {
        self.argv = argv
        self.directory = directory
        self.environment = environment
        self.timeout = timeout
        self.stdin = stdin
    }

    /// `sh -c line` in `directory` (a verify command as a person wrote it).
    public static func shell(_ line: String, in directory: String, environment: [String: String] = [:], timeout: Double = 600) -> GoalCommand {
        GoalCommand(["sh", "-c", line], in: directory, environment: environment, timeout: timeout)
    }

    /// What came of it: the exit status (nil when killed at the timeout or it could not start),
    /// stdout and stderr (each up to 256 KiB).
    public struct Outcome: Sendable {
        public var exitCode: Int32?
        public var stdout: String
        public var stderr: String
        public var timedOut: Bool

        public var succeeded: Bool { exitCode == 0 }
        /// stdout then stderr, trimmed: what a person or a fix prompt reads.
        public var text: String {
            [stdout, stderr].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: "\n")
        }
    }

    public static let outputLimit = 256 << 10

    public func run() async -> Outcome {
        let variables = ChildEnvironment.scrubbed(ProcessInfo.processInfo.environment).merging(environment) { _, own in own }
        let pid = StartedGroup()
        let command = self
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                var options = PlatformOptions()
                options.processGroupID = 0
                // Cancelled (the hub stopping, a goal cancelled mid-merge): the whole group goes,
                // so a verify command's own children (a test run's workers) do not outlive it.
                options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(200))]
                var childEnvironment: [Environment.Key: String] = [:]
                for (name, value) in variables { childEnvironment[Environment.Key(stringLiteral: name)] = value }
                do {
                    let result = try await Subprocess.run(
                        command.argv[0].contains("/") ? .path(FilePath(command.argv[0])) : .name(command.argv[0]), arguments: Arguments(Array(command.argv.dropFirst())), environment: .custom(childEnvironment),
                        workingDirectory: FilePath(command.directory), platformOptions: options, input: .array(command.stdin),
                        output: .string(limit: Self.outputLimit), error: .string(limit: Self.outputLimit)
                    ) { execution in
                        pid.id.withLock { $0 = execution.processIdentifier.value }
                    }
                    let code: Int32? = if case .exited(let status) = result.terminationStatus { status } else { nil }
                    return Outcome(exitCode: code, stdout: result.standardOutput, stderr: result.standardError, timedOut: false)
                } catch {
                    return Outcome(exitCode: nil, stdout: "", stderr: "\(command.argv[0]) could not run: \(String(describing: error).prefix(300))", timedOut: false)
                }
            }
            group.addTask {
                do { try await _Concurrency.Task.sleep(for: .milliseconds(Int64(command.timeout * 1000))) } catch { return nil }
                return Outcome(exitCode: nil, stdout: "", stderr: "\(command.argv[0]) timed out after \(Int(command.timeout)) s", timedOut: true)
            }
            while let next = await group.next() {
                guard let next else { continue }
                if next.timedOut {
                    if let group = pid.id.withLock({ $0 }) { kill(-group, SIGKILL) }
                    while await group.next() != nil {}
                    return next
                }
                group.cancelAll()
                return next
            }
            return Outcome(exitCode: nil, stdout: "", stderr: "cancelled", timedOut: false)
        }
    }
}

/// The started command's process group, for the timeout to kill.
private final class StartedGroup: Sendable {
    let id = Mutex<Int32?>(nil)
}
