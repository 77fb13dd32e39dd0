import FlotillaCore
import FlotillaEngine
import Foundation
import FlotillaStore
import HTTPTypes
import Hummingbird

/// `/api/tasks`: submit, list, show (optionally waiting), cancel, retry.
struct TaskRoutes {
    let hub: Hub
    /// Caps `?wait` long polls per token and in all.
    let streams: StreamQuota

    func add(to group: RouterGroup<HubRequestContext>) {
        group.post("tasks") { request, _ in try await submit(request) }
        group.get("tasks") { request, _ in try await list(request) }
        group.get("tasks/:id") { request, context in try await show(request, id: context.parameters.decoded("id"), identity: context.identity) }
        group.post("tasks/:id/cancel") { request, context in try await cancel(request, id: context.parameters.decoded("id")) }
        group.post("tasks/retry") { request, _ in try await retryMany(request) }
        group.post("tasks/:id/retry") { _, context in
            let record = try await hub.engine.retry(id: context.parameters.decoded("id"))
            return JSONResponse.make(bytes: record.jsonBytes())
        }
    }

    /// One object → 201 with the task; an array (or `{"tasks":[…]}`) → 201 with `{"tasks":[…]}`.
    /// When every task already existed (idempotency keys), the status is 200. With
    /// `Prefer: return=minimal` (RFC 7240) each task is answered with its id and state only.
    private func submit(_ request: Request) async throws -> Response {
        let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
        let submission = try Submission(body, maxBatchSize: hub.configuration.maxBatchSize)
        let single = submission.single
        let submitted = try await hub.engine.submit(submission.specs)
        let status: HTTPResponse.Status = submitted.contains(where: \.created) ? .created : .ok
        let minimal = Self.prefersMinimal(request)
        var response: Response
        if single {
            var bytes: [UInt8] = []
            if minimal { submitted[0].task.writeMinimalJSON(to: &bytes) } else { submitted[0].task.writeJSON(to: &bytes) }
            response = JSONResponse.make(bytes: bytes, status: status)
        } else {
            response = JSONResponse.make(bytes: submitted.map(\.task).jsonBytes(minimal: minimal), status: status)
        }
        if minimal { response.headers[.preferenceApplied] = "return=minimal" }
        return response
    }

    /// Whether a `Prefer` header asks for `return=minimal` (preferences are comma-separated).
    static func prefersMinimal(_ request: Request) -> Bool {
        request.headers[values: .prefer].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "return=minimal" }
        }
    }

    private func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var taskQuery = TaskQuery()
        if let states = query["state"] {
            for name in states.split(separator: ",") {
                guard let state = TaskState(rawValue: String(name)) else {
                    throw FlotillaError(.invalidField, "Unknown state '\(name)'. States: \(TaskState.allCases.map(\.rawValue).joined(separator: ", ")).", field: "state")
                }
                taskQuery.states.append(state)
            }
        }
        taskQuery.role = query["role"].map(String.init)
        taskQuery.type = query["type"].map(String.init)
        taskQuery.agentID = (query["agent"] ?? query["agent_id"]).map(String.init)
        taskQuery.before = query["cursor"].map(String.init)
        taskQuery.text = try Self.searchText(query["q"].map(String.init))
        if let limit = query["limit"] {
            guard let value = Int(limit), (1...1000).contains(value) else {
                throw FlotillaError(.invalidField, "'limit' must be an integer from 1 to 1000, got '\(limit)'.", field: "limit")
            }
            taskQuery.limit = value
        }
        let records = try await hub.engine.tasks(taskQuery)
        let next: JSONValue = records.count == taskQuery.limit ? .string(records.last!.id) : .null
        return JSONResponse.make(bytes: records.jsonBytes(nextCursor: next))
    }

    private func show(_ request: Request, id: String, identity: Identity?) async throws -> Response {
        if let wait = request.uri.queryParameters["wait"] {
            guard let seconds = Double(wait), (0...3600).contains(seconds) else {
                throw FlotillaError(.invalidField, "'wait' must be a number of seconds from 0 to 3600, got '\(wait)'.", field: "wait")
            }
            if seconds > 0, let identity {
                _ = try await streams.holding(identity, kind: "long poll") { try await hub.engine.wait(id: id, timeout: seconds) }
            } else {
                _ = try await hub.engine.wait(id: id, timeout: seconds)
            }
        }
        let (record, attempts) = try await hub.engine.task(id: id)
        let waiting = hub.engine.waitingReasons(id)
        let view = TaskView(record: record, attempts: attempts, waiting: waiting)
        var answer = try await CostRoutes.withCost(view, engine: hub.engine).objectValue ?? [:]
        answer["files"] = hub.engine.taskFiles(record)
        return JSONResponse.make(.object(answer))
    }

    private func cancel(_ request: Request, id: String) async throws -> Response {
        var reason = "cancelled by request"
        if let body = try await JSONResponse.optionalBody(of: request, limit: hub.configuration.maxBodySize) {
            guard body.objectValue != nil else { throw FlotillaError(.invalidField, "The body must be an object like {\"reason\": \"…\"}.") }
            if let value = body["reason"], !value.isNull {
                guard let text = value.stringValue else { throw FlotillaError(.invalidField, "'reason' must be a string, got \(value.typeName).", field: "reason") }
                reason = text
            }
        }
        let record = try await hub.engine.cancel(id: id, reason: reason)
        return JSONResponse.make(bytes: record.jsonBytes())
    }
}
