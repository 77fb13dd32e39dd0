import FlotillaCore
import FlotillaEngine
import Hummingbird

/// `/api/workflows`: register (apply), list, show and delete workflows, and list or start the
/// runs of one. The engine owns the registry and the runs; these routes read the request,
/// call it, and serialize its values' JSON (docs/api.md "Workflows").
struct WorkflowRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("workflows") { _, _ in
            let workflows = try await hub.engine.workflows()
            return JSONResponse.make(["workflows": .array(workflows.map(\.json))])
        }
        group.post("workflows") { request, _ in try await apply(request) }
        group.get("workflows/:name") { _, context in
            let workflow = try await hub.engine.workflow(name: context.parameters.decoded("name"))
            return JSONResponse.make(workflow.json(includingSource: true))
        }
        group.delete("workflows/:name") { _, context in
            let name = try context.parameters.decoded("name")
            try await hub.engine.deleteWorkflow(name: name)
            return JSONResponse.make(["name": .string(name), "deleted": true])
        }
        group.get("workflows/:name/runs") { request, context in
            let name = try context.parameters.decoded("name")
            // An unknown workflow is a 404, not an empty list: its runs outlive it, but a
            // name never registered is most likely a typo.
            let query = try WorkflowRequests.runQuery(request.uri.queryParameters, workflow: name)
            if try await hub.engine.workflowRuns(query).isEmpty { _ = try await hub.engine.workflow(name: name) }
            return try await WorkflowRunRoutes.list(query, engine: hub.engine)
        }
        group.post("workflows/:name/runs") { request, context in
            let name = try context.parameters.decoded("name")
            let body = try await JSONResponse.optionalBody(of: request, limit: hub.configuration.maxBodySize)
            let inputs = try WorkflowRequests.runInputs(body, allowed: ["inputs"])
            let detail = WorkflowRunRoutes.detail(request)
            let started = try await hub.engine.startRun(workflow: name, inputs: inputs, trigger: ["kind": "manual"], detail: detail)
            return WorkflowRunRoutes.answer(started.run, detail: detail, status: .created)
        }
    }

    /// `POST /api/workflows` `{"source","file"}`: 201 when the name is new, 200 when it
    /// replaced a registered workflow (its `version` goes up).
    private func apply(_ request: Request) async throws -> Response {
        let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
        let file = try WorkflowRequests.workflowFile(body, allowed: ["source", "file"])
        let applied = try await hub.engine.applyWorkflow(source: file.source, file: file.name)
        let answer: JSONValue = ["workflow": applied.workflow.json, "created": .bool(applied.created)]
        return JSONResponse.make(answer, status: applied.created ? .created : .ok)
    }
}
