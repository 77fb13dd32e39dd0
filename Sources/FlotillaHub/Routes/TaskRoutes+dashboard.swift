import FlotillaCore
import FlotillaEngine
import Hummingbird

/// The task list's search (`q`) and the bulk retry of the dashboard's dead letters.
extension TaskRoutes {
    /// Longest `q` a search takes, in characters.
    static let searchLimit = 500

    /// `q`: a task id or text in the prompt; empty means no search.
    static func searchText(_ raw: String?) throws(FlotillaError) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.count <= searchLimit else {
            throw FlotillaError(.invalidField, "'q' may hold at most \(searchLimit) characters, got \(raw.count).", field: "q")
        }
        return raw
    }

    /// `POST /api/tasks/retry` with `{"ids":[…]}` (1 to 1,000 ids): retries each one like
    /// `POST /api/tasks/{id}/retry`; answers which were retried and why the others were not.
    /// A body that is not such a list retries nothing.
    func retryMany(_ request: Request) async throws -> Response {
        let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
        let ids = try Self.retryIDs(body)
        let outcome = await hub.engine.retry(ids: ids)
        let errors: [JSONValue] = outcome.errors.map { id, error in
            ["id": .string(id), "code": .string(error.code.rawValue), "message": .string(error.message)]
        }
        return JSONResponse.make(["retried": .array(outcome.retried.map { .string($0) }), "errors": .array(errors)])
    }

    static func retryIDs(_ body: JSONValue) throws(FlotillaError) -> [String] {
        guard let object = body.objectValue else {
            throw FlotillaError(.invalidField, "The body must be an object like {\"ids\": [\"t-1\", \"t-2\"]}.")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "ids" }) {
            throw FlotillaError(.unknownField, "Unknown field '\(unknown)'; a bulk retry takes only 'ids'.", field: unknown)
        }
        guard let value = object["ids"] else {
            throw FlotillaError(.missingField, "A bulk retry needs 'ids': the task ids to retry.", field: "ids")
        }
        guard let items = value.arrayValue else {
            throw FlotillaError(.invalidField, "'ids' must be an array of task ids, got \(value.typeName).", field: "ids")
        }
        guard (1...Engine.bulkRetryLimit).contains(items.count) else {
            throw FlotillaError(.invalidField, "'ids' must hold 1 to \(Engine.bulkRetryLimit) task ids, got \(items.count).", field: "ids")
        }
        var ids: [String] = []
        for (index, item) in items.enumerated() {
            guard let id = item.stringValue, !id.isEmpty else {
                throw FlotillaError(.invalidField, "'ids[\(index)]' must be a task id (a non-empty string), got \(item.typeName).", field: "ids")
            }
            ids.append(id)
        }
        return ids
    }
}
