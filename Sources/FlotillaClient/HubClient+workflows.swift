public import FlotillaCore
import Foundation
import NIOCore

/// The hub's workflow routes (`/api/workflows…`, `/api/workflow-runs…`; docs/api.md
/// "Workflows"). FlotillaClient stays on FlotillaCore, so answers are the hub's JSON as sent:
/// the CLI prints them with `--json` and reads the few members it shows. Names and ids are
/// escaped here as path segments.
extension HubClient {
    // MARK: registry

    /// Registers a workflow file (or replaces the one of the same name):
    /// `{"workflow":{…},"created":true|false}`.
    public func applyWorkflow(source: String, file: String) async throws -> JSONValue {
        try await send(.POST, "/api/workflows", body: ["source": .string(source), "file": .string(file)]).body
    }

    /// Every registered workflow, by name: `{"workflows":[…]}`.
    public func workflows() async throws -> JSONValue {
        try await send(.GET, "/api/workflows").body
    }

    /// One registered workflow, with its `source`.
    public func workflow(name: String) async throws -> JSONValue {
        try await send(.GET, "/api/workflows/\(Self.segment(name))").body
    }

    /// Unregisters a workflow (its runs stay): `{"name","deleted":true}`.
    public func deleteWorkflow(name: String) async throws -> JSONValue {
        try await send(.DELETE, "/api/workflows/\(Self.segment(name))").body
    }

    // MARK: runs

    /// Starts a run of a registered workflow by hand; `inputs` as given (text is read as each
    /// input's declared type by the hub).
    public func startWorkflowRun(name: String, inputs: [String: JSONValue] = [:]) async throws -> JSONValue {
        try await send(.POST, "/api/workflows/\(Self.segment(name))/runs", body: ["inputs": .object(inputs)]).body
    }

    /// Runs a workflow file once without registering it (its triggers are ignored).
    /// `minimal` asks for the run's row alone (`Prefer: return=minimal`): id and status, no steps.
    public func startWorkflowRun(source: String, file: String, inputs: [String: JSONValue] = [:], minimal: Bool = false) async throws -> JSONValue {
        try await send(.POST, "/api/workflow-runs", body: ["source": .string(source), "file": .string(file), "inputs": .object(inputs)], headers: Self.preferring(minimal: minimal)).body
    }

    /// Runs newest first, without their steps: `{"runs":[…]}`. `workflow` limits them to one
    /// workflow (404 `workflow_not_found` for a name with no runs that is not registered);
    /// `query` takes `status`, `before` (a run id) and `limit`.
    public func workflowRuns(workflow: String? = nil, query: [String: String] = [:]) async throws -> JSONValue {
        let path = workflow.map { "/api/workflows/\(Self.segment($0))/runs" } ?? "/api/workflow-runs"
        return try await send(.GET, path + Self.queryString(query)).body
    }

    /// One run with its steps; with `wait`, long-polls up to that many seconds (at most 300)
    /// for it to end first.
    public func workflowRun(id: String, wait: Double? = nil, minimal: Bool = false) async throws -> JSONValue {
        let query = wait.map { "?wait=\($0)" } ?? ""
        return try await send(.GET, "/api/workflow-runs/\(Self.segment(id))\(query)", headers: Self.preferring(minimal: minimal), timeout: .seconds(Int64((wait ?? 0) + 60))).body
    }

    /// Cancels a run and its unfinished tasks; returns the run as it is now.
    public func cancelWorkflowRun(id: String, reason: String? = nil) async throws -> JSONValue {
        try await send(.POST, "/api/workflow-runs/\(Self.segment(id))/cancel", body: reason.map { ["reason": .string($0)] } ?? .object([:])).body
    }

    /// Starts a new run with the same definition, inputs and trigger; returns the new run.
    public func rerunWorkflowRun(id: String) async throws -> JSONValue {
        try await send(.POST, "/api/workflow-runs/\(Self.segment(id))/rerun").body
    }

    /// `text` escaped as one path segment.
    static func segment(_ text: String) -> String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#%"))
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
