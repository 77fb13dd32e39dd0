import FlotillaCore
import Foundation

/// Fixtures/notification-receiver.py run for one test: a local HTTP endpoint that records every
/// POST the hub's notifications make, answers from a script of statuses, and checks webhook
/// signatures with Python's own hmac.
final class NotificationReceiver: Sendable {
    let process: Process
    let port: Int
    let recordPath: String

    init(statuses: [String] = [], secretFile: String? = nil) async throws {
        let folder = Paths.temporaryDirectory("receiver")
        recordPath = folder + "/requests.jsonl"
        FileManager.default.createFile(atPath: recordPath, contents: nil)
        let portFile = folder + "/port"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.fixtures + "/notification-receiver.py", "--record", recordPath, "--port-file", portFile,
                             "--statuses", statuses.joined(separator: ",")] + (secretFile.map { ["--secret-file", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        try await eventually("the receiver writes its port", within: 15) { FileManager.default.fileExists(atPath: portFile) }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) ?? 0
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request so far: `{"path", "headers", "body", "status", "signature_valid"}`.
    func requests(_ path: String? = nil) -> [JSONValue] {
        let text = (try? String(contentsOfFile: recordPath, encoding: .utf8)) ?? ""
        let all = text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        guard let path else { return all }
        return all.filter { $0["path"]?.stringValue == path }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

extension JSONValue {
    /// A recorded request's header, by name in any case (HTTP headers are case-insensitive).
    func header(_ name: String) -> String? {
        self["headers"]?.objectValue?.first { $0.key.lowercased() == name.lowercased() }?.value.stringValue
    }
}
