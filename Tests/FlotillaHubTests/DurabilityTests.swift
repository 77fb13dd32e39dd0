import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Guarantee 1 and 2 across a crash: the hub runs as its own process and is killed with
/// SIGKILL; everything acknowledged is there after a restart, and held attempts come back
/// through lease expiry.
@Suite struct DurabilityTests {
    @Test func acknowledgedTasksSurviveKill9AndHeldOnesComeBackThroughLeaseExpiry() async throws {
        let dataDirectory = TestHub.temporaryDirectory()
        let first = try HubProcess.start(dataDirectory: dataDirectory, leaseSeconds: 1)
        let token = try String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HubClient(baseURL: first.baseURL, token: token)
        var ids: [String] = []
        for _ in 0..<2 {
            let batch = try await client.submit(batch: (0..<500).map { index in ["type": "code.generate", "payload": ["n": .int(Int64(index))]] })
            ids += batch.compactMap { $0["id"]?.stringValue }
        }
        #expect(ids.count == 1000)

        // An agent takes five tasks and starts them, then the hub dies under it.
        let held = try await AgentLink.connect(url: client.socketURL, token: token) { link in
            let inbox = TestAgent.Inbox(link.messages)
            try await link.send(.register, agentID: "doomed", payload: ["roles": ["general"], "concurrency": 5])
            _ = try await inbox.next([.registered])
            try await link.send(.ready, agentID: "doomed")
            var held: [String] = []
            while held.count < 5 {
                let message = try await inbox.next([.assignment])
                let id = message.payload["task_id"]!.stringValue!
                try await link.send(.accept, agentID: "doomed", payload: ["task_id": .string(id), "attempt": 1])
                _ = try await inbox.next([.ack])
                held.append(id)
            }
            first.kill9()
            return held
        }

        let second = try HubProcess.start(dataDirectory: dataDirectory, leaseSeconds: 1)
        defer { second.terminate() }
        let restarted = HubClient(baseURL: second.baseURL, token: token)
        var found: Set<String> = []
        var cursor: String?
        repeat {
            var query: [String: String] = ["limit": "1000"]
            if let cursor { query["cursor"] = cursor }
            let page = try await restarted.tasks(query: query)
            found.formUnion(page["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            cursor = page["next_cursor"]?.stringValue
        } while cursor != nil
        #expect(found == Set(ids))

        // The attempts held when the hub died expire and go back in line.
        for id in held {
            try await eventually("task \(id) requeued after its lease", within: 15) {
                let task = try await restarted.task(id)
                return task["state"] == "queued" && task["attempts"]?.arrayValue?.first?["outcome"] == "lease_expired"
            }
        }

        // A new agent drains everything: nothing was lost.
        try await AgentLink.connect(url: restarted.socketURL, token: token) { link in
            let inbox = TestAgent.Inbox(link.messages)
            try await link.send(.register, agentID: "survivor", payload: ["roles": ["general"], "concurrency": 16])
            _ = try await inbox.next([.registered])
            try await link.send(.ready, agentID: "survivor")
            var done = 0
            while done < 1000 {
                let message = try await inbox.next([.assignment])
                try await link.send(.complete, agentID: "survivor", payload: [
                    "task_id": message.payload["task_id"]!, "attempt": message.payload["attempt"]!, "result": ["ok": true],
                ])
                done += 1
            }
            return ()
        }
        try await eventually("all 1000 succeeded", within: 30) {
            let stats = try await restarted.stats()
            return stats["tasks"]?["by_state"]?["succeeded"] == 1000
        }
    }
}

/// `flotilla hub` as a child process.
struct HubProcess {
    let process: Process
    let baseURL: String
    /// What the hub printed when it started (its URLs, a new admin token).
    let banner: String

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["FLOTILLA_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/flotilla").path
    }

    static func start(dataDirectory: String, leaseSeconds: Double) throws -> HubProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["hub", "--port", "0", "--data-dir", dataDirectory, "--lease-seconds", String(leaseSeconds), "--tick-ms", "50"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for "listening on http://HOST:PORT" (the bound port, as we asked for port 0) and
        // the dashboard's URL printed after it.
        var buffer = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            if let range = buffer.range(of: #"listening on (http://[0-9.]+:[0-9]+)"#, options: .regularExpression), buffer.contains("dashboard: ") {
                let url = String(buffer[range].dropFirst("listening on ".count))
                return HubProcess(process: process, baseURL: url, banner: buffer)
            }
        }
        process.terminate()
        throw TestFailure("hub did not report 'listening on': \(buffer)")
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
