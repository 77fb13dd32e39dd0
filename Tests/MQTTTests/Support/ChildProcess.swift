import Foundation
import Synchronization

/// A child process whose output goes to a file the test polls, so tests can wait for a line
/// (e.g. "READY", "received SUBACK") with a deadline instead of sleeping.
///
/// Spawned with posix_spawn through a small exec wrapper rather than Foundation's `Process`, whose
/// pipe readers park on the threads Swift concurrency runs on and starve parallel tests. The
/// wrapper also clears the signal mask the test runner's threads pass on (SIGTERM blocked). The
/// spawn itself closes every inherited descriptor above stderr before the wrapper runs, so no
/// socket outlives its close in a child: when only the wrapper closed them, a listener lingered
/// through its start-up in the child, took connections meant for nobody and kept mosquitto from
/// binding a port found free.
final class ChildProcess: Sendable {
    let pid: pid_t
    let description: String
    private let outputPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    private static let wrapper = """
        import os, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.dup2(fd, 1); os.dup2(fd, 2)
        os.closerange(3, 65536)
        os.execv(sys.argv[2], sys.argv[2:])
        """

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not export; without it the wrapper's own `closerange` is the only (later) one.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt).self)
    }()

    init(_ executable: String, _ arguments: [String]) throws {
        description = ([executable] + arguments).joined(separator: " ")
        outputPath = NSTemporaryDirectory() + "mqtt-child-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/python3", "-c", Self.wrapper, outputPath, executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        _ = Self.closeFrom?(&actions, 3)
        var child: pid_t = 0
        let result = posix_spawn(&child, "/usr/bin/python3", &actions, nil, argv, environ)
        guard result == 0 else { throw WaitTimeout(description: "posix_spawn \(executable) failed: \(result)") }
        pid = child
    }

    var text: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var lines: [String] { text.split(separator: "\n").map(String.init) }

    var isRunning: Bool {
        exitStatus.withLock { exitStatus in
            if exitStatus != nil { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            // The exit code when it exited; 128 + the signal when a signal ended it.
            exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return false
        }
    }

    /// Waits until the output satisfies `condition`; fails with the output so far on timeout.
    func waitForOutput(timeout: Duration = .seconds(10), _ condition: @Sendable (String) -> Bool) async throws {
        try await waitUntil(timeout: timeout, "\(description) output: \(text)") { condition(self.text) }
    }

    func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "\(description) did not exit; output: \(text)") { !self.isRunning }
        return exitStatus.withLock { $0 ?? -1 }
    }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    func terminate() { signal(SIGTERM) }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: outputPath)
    }
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
