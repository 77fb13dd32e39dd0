import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird

/// `/api/approvals`: the approval queue, its history, and a person's decisions
/// (docs/approvals.md).
struct ApprovalRoutes {
    let hub: Hub
    /// Caps `?wait` long polls per token and in all.
    let streams: StreamQuota

    /// The longest `?wait=` on one request, in seconds.
    static let maxWait = 300.0

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("approvals") { request, _ in
            let query = try ApprovalQuery(parameters: Self.parameters(request))
            let records = try await hub.engine.approvals(query)
            return JSONResponse.make(["approvals": .array(records.map(\.json))])
        }
        group.get("approvals/:id") { request, context in
            try await show(request, id: context.parameters.decoded("id"), identity: context.identity)
        }
        group.post("approvals/:id/allow") { request, context in
            try await decide(request, id: context.parameters.decoded("id"), allow: true, identity: context.identity)
        }
        group.post("approvals/:id/deny") { request, context in
            try await decide(request, id: context.parameters.decoded("id"), allow: false, identity: context.identity)
        }
    }

    private func show(_ request: Request, id: String, identity: Identity?) async throws -> Response {
        var record: ApprovalRecord?
        if let wait = request.uri.queryParameters["wait"] {
            guard let seconds = Double(wait), seconds.isFinite, (0...Self.maxWait).contains(seconds) else {
                throw FlotillaError(.invalidField, "'wait' must be a number of seconds from 0 to \(Int(Self.maxWait)), got '\(wait)'.", field: "wait")
            }
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            if seconds > 0, let identity {
                record = try await streams.holding(identity, kind: "long poll") { try await hub.engine.waitForApproval(id: id, until: deadline) }
            } else {
                record = try await hub.engine.waitForApproval(id: id, until: deadline)
            }
        } else {
            record = try await hub.engine.approval(id: id)
        }
        guard let record else { throw FlotillaError(.approvalNotFound, "No approval request has id '\(id)'.", field: "id") }
        return JSONResponse.make(record.json)
    }

    /// Body `{"reason"?: str, "choice"?: key}` (a deny takes no choice of its own: the first
    /// choice that denies is sent back).
    private func decide(_ request: Request, id: String, allow: Bool, identity: Identity?) async throws -> Response {
        var reason: String?
        var choice: String?
        if let body = try await JSONResponse.optionalBody(of: request, limit: hub.configuration.maxBodySize) {
            guard let object = body.objectValue else {
                throw FlotillaError(.invalidField, "The body must be an object like {\"reason\": \"…\"}\(allow ? " or {\"choice\": \"1\"}" : "").")
            }
            let known: Set<String> = allow ? ["reason", "choice"] : ["reason"]
            if let key = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw FlotillaError(.unknownField, "Unknown member '\(key)'; \(allow ? "allow" : "deny") takes \(known.sorted().joined(separator: " and ")).", field: key)
            }
            reason = try Self.text(object["reason"], field: "reason", limit: 2000)
            choice = try Self.text(object["choice"], field: "choice", limit: 100)
        }
        let decider = identity.map { hub.tokens.row(id: $0.tokenID)?.name ?? $0.tokenID }
        let record = try await hub.engine.decideApproval(id: id, allow: allow, decider: decider, reason: reason, choice: choice)
        return JSONResponse.make(record.json)
    }

    private static func text(_ value: JSONValue?, field: String, limit: Int) throws(FlotillaError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue, !text.isEmpty, text.count <= limit else {
            throw FlotillaError(.invalidField, "'\(field)' must be a string of 1 to \(limit) characters, got \(value.stringValue.map { "\($0.count) characters" } ?? value.typeName).", field: field)
        }
        return text
    }

    private static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        return parameters
    }
}
