import Foundation

/// `flotilla hub` as a child process.
///
/// Its output goes to a log file that `start` polls for the banner: reading the pipe held one of
/// the suite's two cooperative threads (`availableData` blocks) until the hub printed, and on a
/// loaded machine the other tests of the suite, whose hubs run in this process, stalled with it.
struct HubProcess: Sendable {
    let process: Process
    let baseURL: String
    /// What the hub printed when it started (its URLs, a new admin token).
    let banner: String
    let logPath: String
    let dataDirectory: String

    /// The admin token the hub wrote into its data directory on its first start.
    var adminToken: String {
        get throws {
            try String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The port the hub bound.
    var port: Int { URL(string: baseURL)?.port ?? 0 }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["FLOTILLA_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/flotilla").path
    }

    /// Everything the hub printed so far (stdout and stderr).
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    static func start(dataDirectory: String, leaseSeconds: Double, arguments: [String] = []) async throws -> HubProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["hub", "--port", "0", "--data-dir", dataDirectory, "--lease-seconds", String(leaseSeconds), "--tick-ms", "50"] + arguments
        let logPath = TestHub.temporaryDirectory() + "/hub.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log?.close()  // the child has its own copy
        // Wait for "listening on http://HOST:PORT" (the bound port, as we asked for port 0) and
        // the dashboard's URL printed after it.
        let pattern = #"listening on (http://[0-9.]+:[0-9]+)"#
        let read = { @Sendable in (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        do {
            try await eventually("the hub reports 'listening on' and its dashboard", within: 60) {
                let text = read()
                if text.range(of: pattern, options: .regularExpression) != nil, text.range(of: "dashboard: [^\n]*\n", options: .regularExpression) != nil { return true }
                guard process.isRunning else { throw TestFailure("the hub exited before it listened: \(text)") }
                return false
            }
        } catch {
            if process.isRunning { process.terminate() }
            throw TestFailure("\(error)\nhub output: \(read())")
        }
        let banner = read()
        let range = banner.range(of: pattern, options: .regularExpression)!
        let url = String(banner[range].dropFirst("listening on ".count))
        return HubProcess(process: process, baseURL: url, banner: banner, logPath: logPath, dataDirectory: dataDirectory)
    }

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
}
