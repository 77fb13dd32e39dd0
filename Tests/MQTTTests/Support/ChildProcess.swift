import Foundation
import Synchronization

/// A child process whose output is collected as it arrives, so tests can wait for a line
/// (e.g. "READY", "Received SUBACK") with a deadline instead of sleeping.
final class ChildProcess: Sendable {
    private let process: Mutex<Process?>
    private let output = OutputBuffer()
    let description: String

    init(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        description = ([executable] + arguments).joined(separator: " ")
        self.process = Mutex(process)
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                output.bytes.withLock { $0.append(contentsOf: data) }
            }
        }
        try process.run()
    }

    var text: String { String(decoding: output.bytes.withLock { $0 }, as: UTF8.self) }
    var lines: [String] { text.split(separator: "\n").map(String.init) }
    var pid: Int32 { process.withLock { $0?.processIdentifier ?? 0 } }
    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Waits until the output satisfies `condition`; fails with the output so far on timeout.
    func waitForOutput(timeout: Duration = .seconds(10), _ condition: @Sendable (String) -> Bool) async throws {
        try await waitUntil(timeout: timeout, "\(description) output: \(text)") { condition(self.text) }
    }

    func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "\(description) did not exit; output: \(text)") { !self.isRunning }
        return process.withLock { $0?.terminationStatus ?? -1 }
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    func terminate() {
        if isRunning { signal(SIGTERM) }
    }

    deinit {
        process.withLock { process in
            if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

private final class OutputBuffer: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

struct WaitTimeout: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` until true or the deadline passes. Polling a cheap condition every few ms
/// is an event wait with a deadline, not a sleep-and-hope: the test proceeds the moment it holds.
func waitUntil(timeout: Duration = .seconds(10), _ what: @autoclosure () -> String = "condition", _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try await !condition() {
        guard clock.now < deadline else { throw WaitTimeout(description: "Timed out after \(timeout): \(what())") }
        try await clock.sleep(for: .milliseconds(10))
    }
}

/// Runs `body` with a deadline.
func withDeadline<T: Sendable>(_ timeout: Duration, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw WaitTimeout(description: "Timed out after \(timeout): \(what)")
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw WaitTimeout(description: what) }
        return result
    }
}

/// A lock-protected value tasks can share (a `Mutex` cannot be captured by escaping closures).
final class Locked<Value: Sendable>: Sendable {
    let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func withLock<R: Sendable>(_ body: (inout sending Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
