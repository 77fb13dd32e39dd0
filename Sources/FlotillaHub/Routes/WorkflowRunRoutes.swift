import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird

/// `/api/workflow-runs`: list runs of every workflow, start a run of an unregistered file, show
/// one run with its steps (optionally waiting for it to end), cancel it, or run it again.
struct WorkflowRunRoutes {
    let hub: Hub
    /// Caps `?wait` long polls per token and in all, as for tasks.
    let streams: StreamQuota

    /// Longest `?wait` on a run, in seconds.
    static let longestWait = 300.0

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("workflow-runs") { request, _ in
            let parameters = request.uri.queryParameters
            let query = try WorkflowRequests.runQuery(parameters, workflow: parameters["workflow"].map(String.init))
            return try await Self.list(query, engine: hub.engine)
        }
        group.post("workflow-runs") { request, _ in
            let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
            let file = try WorkflowRequests.workflowFile(body, allowed: ["source", "file", "inputs"])
            let inputs = try WorkflowRequests.runInputs(body, allowed: ["source", "file", "inputs"])
            let detail = Self.detail(request)
            let run = try await hub.engine.startRun(source: file.source, file: file.name, inputs: inputs, detail: detail)
            return Self.answer(run, detail: detail, status: .created)
        }
        group.get("workflow-runs/:id") { request, context in
            try await show(request, id: context.parameters.decoded("id"), identity: context.identity)
        }
        group.post("workflow-runs/:id/cancel") { request, context in
            let id = try context.parameters.decoded("id")
            let body = try await JSONResponse.optionalBody(of: request, limit: hub.configuration.maxBodySize)
            let reason = try WorkflowRequests.cancelReason(body)
            return JSONResponse.make(try await hub.engine.cancelRun(id: id, reason: reason).json)
        }
        group.post("workflow-runs/:id/rerun") { _, context in
            let run = try await hub.engine.rerun(id: context.parameters.decoded("id"))
            return JSONResponse.make(run.json, status: .created)
        }
    }

    /// `{"runs":[…]}`, newest first, each without its steps.
    static func list(_ query: WorkflowRunQuery, engine: Engine) async throws -> Response {
        let runs = try await engine.workflowRuns(query)
        return JSONResponse.make(["runs": .array(runs.map(\.summary.json))])
    }

    /// `Prefer: return=minimal` asks for the run's row alone (no inputs, trigger, progress or
    /// steps), as for tasks: a caller that only needs the id or the status skips the view of
    /// every step.
    static func detail(_ request: Request) -> RunDetail {
        TaskRoutes.prefersMinimal(request) ? .minimal : .steps
    }

    /// The run's JSON, saying when the minimal preference was applied.
    static func answer(_ run: WorkflowRunInfo, detail: RunDetail, status: HTTPResponse.Status = .ok) -> Response {
        var response = JSONResponse.make(run.json, status: status)
        if detail == .minimal { response.headers[.preferenceApplied] = "return=minimal" }
        return response
    }

    /// One run with its steps; `?wait=SECONDS` (0 to 300) holds the answer until it ends.
    private func show(_ request: Request, id: String, identity: Identity?) async throws -> Response {
        let detail = Self.detail(request)
        guard let wait = request.uri.queryParameters["wait"] else {
            return Self.answer(try await hub.engine.workflowRun(id: id, detail: detail), detail: detail)
        }
        guard let seconds = Double(wait), (0...Self.longestWait).contains(seconds) else {
            throw FlotillaError(.invalidField, "'wait' must be a number of seconds from 0 to \(Int(Self.longestWait)), got '\(wait)'.", field: "wait")
        }
        let run: WorkflowRunInfo
        if seconds > 0, let identity {
            run = try await streams.holding(identity, kind: "long poll") { try await hub.engine.waitRun(id: id, timeout: seconds, detail: detail) }
        } else {
            run = try await hub.engine.waitRun(id: id, timeout: seconds, detail: detail)
        }
        return Self.answer(run, detail: detail)
    }
}
