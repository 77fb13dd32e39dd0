import FlotillaCore
import FlotillaWorkflows
import Hummingbird

/// A ``WorkflowError`` at the API edge. It is always the caller's file or inputs that are wrong
/// (a file that does not parse, a cycle, an input of the wrong type), so it answers
/// `422 Unprocessable Content` with its own stable code (`workflow_unknown_field`…) and its
/// `field`: `FILE:LINE:COLUMN` for a place in the file, `inputs.NAME` for an input.
extension JSONResponse {
    static func workflowError(_ error: WorkflowError) -> Response {
        var body: [String: JSONValue] = ["code": .string(error.code.rawValue), "message": .string(error.message)]
        body["field"] = error.field.map { .string($0) } ?? .null
        return make(["error": .object(body)], status: .unprocessableContent)
    }
}
