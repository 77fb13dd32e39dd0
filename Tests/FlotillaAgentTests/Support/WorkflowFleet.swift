import FlotillaClient
import FlotillaCore
import Foundation
import NIOHTTP1

/// What the workflow end-to-end tests share: a working directory holding the example agents'
/// scripts, real `flotilla agent --executor shell` processes working in it, and the workflow
/// routes read as JSON.
enum WorkflowFleet {
    static let examples = Paths.packageRoot + "/examples/workflows"

    static func example(_ name: String) throws -> String {
        try String(contentsOfFile: examples + "/" + name, encoding: .utf8)
    }

    /// A fresh working directory with a copy of examples/workflows/agents and an empty `hold/`.
    static func workdir() throws -> String {
        let directory = Paths.temporaryDirectory("wf-work")
        try FileManager.default.copyItem(atPath: examples + "/agents", toPath: directory + "/agents")
        try FileManager.default.createDirectory(atPath: directory + "/hold", withIntermediateDirectories: true)
        return directory
    }

    /// One shell agent per (id, role), all working in `workdir`.
    static func agents(_ roles: [(id: String, role: String)], workdir: String, hub: String, token: String, concurrency: Int = 1) throws -> [AgentProcess] {
        try roles.map { id, role in
            try AgentProcess(["--agent-id", id, "--role", role, "--executor", "shell", "--concurrency", String(concurrency), "--workdir", workdir], hub: hub, token: token)
        }
    }
}

extension HubClient {
    /// A JSON request to the hub that must answer `expect`; its answer.
    @discardableResult
    func json(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, expect: Int) async throws -> JSONValue {
        let (status, text) = try await raw(method, path, body: body?.jsonString, headers: body == nil ? [] : [("Content-Type", "application/json")])
        guard status == expect else { throw TestFailure("\(method) \(path) answered \(status), not \(expect): \(text.prefix(2000))") }
        return try JSONValue.parse(text)
    }

    /// Waits until the run has ended; returns it (with its steps).
    func endedRun(_ id: String, within seconds: Double = 90) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let run = try await workflowRun(id: id, wait: 5)
            if run["status"] != "running" { return run }
        }
        throw TestFailure("run \(id) still running after \(seconds)s: \(try await workflowRun(id: id).jsonString.prefix(3000))")
    }
}

extension JSONValue {
    /// A run's step by id.
    func step(_ id: String) -> JSONValue? {
        self["steps"]?.arrayValue?.first { $0["id"]?.stringValue == id }
    }

    /// The ids of a run's step's tasks.
    func taskIDs(_ step: String) -> [String] {
        self.step(step)?["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }
}
