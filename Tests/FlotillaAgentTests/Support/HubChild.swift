import FlotillaClient
import FlotillaCore
import Foundation
import NIOCore

/// `flotilla hub` as a child process on a fixed port, with an environment of the test's choosing
/// (a webhook secret), for tests that `kill -9` it and start it again on the same data
/// directory: the agents reconnect to the same address. Its output goes to a log file.
final class HubChild: Sendable {
    let process: Process
    let port: Int
    let dataDirectory: String
    let logPath: String

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The admin token the hub wrote into its data directory on its first start.
    var adminToken: String {
        get throws {
            try String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    private init(process: Process, port: Int, dataDirectory: String, logPath: String) {
        self.process = process
        self.port = port
        self.dataDirectory = dataDirectory
        self.logPath = logPath
    }

    /// Starts the hub and returns once it answers `GET /health`.
    static func start(port: Int, dataDirectory: String, environment: [String: String] = [:], leaseSeconds: Double = 30, arguments: [String] = []) async throws -> HubChild {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.flotilla)
        process.arguments = ["hub", "--port", String(port), "--data-dir", dataDirectory, "--lease-seconds", String(leaseSeconds), "--tick-ms", "20", "--retry-base-seconds", "0.05"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let logPath = Paths.temporaryDirectory("hub-log") + "/hub.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log?.close()  // the child has its own copy (see AgentProcess)
        let hub = HubChild(process: process, port: port, dataDirectory: dataDirectory, logPath: logPath)
        let probe = HubClient(baseURL: hub.baseURL, token: nil)
        do {
            try await eventually("the hub on port \(port) answers /health", within: 30) {
                guard process.isRunning else { throw TestFailure("the hub exited: \(hub.log.suffix(2000))") }
                return (try? await probe.raw(.GET, "/health", timeout: .seconds(2)).status) == 200
            }
        } catch {
            hub.terminate()
            throw error
        }
        return hub
    }

    /// SIGKILL: no shutdown, no flush beyond what was committed.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs one read-only query on the hub's SQLite file with the sqlite3 command (rows as
    /// `a|b` lines).
    func query(_ sql: String) async throws -> [String] {
        let (status, output) = try await runProgram("/usr/bin/sqlite3", ["file:\(dataDirectory)/flotilla.sqlite?mode=ro", sql], within: 30)
        guard status == 0 else { throw TestFailure("sqlite3 failed (\(status)): \(output)") }
        return output.split(separator: "\n").map(String.init)
    }
}

/// HMAC-SHA256 of `body` with `secret`, in hex, by `openssl dgst` (as examples/workflows/README.md
/// tells a person to sign a test delivery): the test does not borrow the hub's own code to sign.
func hmacSHA256Hex(_ body: String, secret: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = ["dgst", "-sha256", "-hmac", secret]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data(body.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    // "SHA2-256(stdin)= 88aa…" (OpenSSL 3) or "(stdin)= 88aa…": the hex is the last word.
    guard process.terminationStatus == 0, let hex = String(decoding: data, as: UTF8.self).split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines), hex.count == 64 else {
        throw TestFailure("openssl dgst failed: \(String(decoding: data, as: UTF8.self))")
    }
    return hex
}
