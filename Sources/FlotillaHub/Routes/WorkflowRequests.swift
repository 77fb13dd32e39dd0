import FlotillaCore
import FlotillaEngine
import Hummingbird

/// Reads the workflow routes' bodies and queries. Each refusal is a `400` with the field it
/// concerns, thrown before the engine is called, so a bad request changes nothing.
enum WorkflowRequests {
    /// The default `file` of a workflow sent without one (it only names the file in errors).
    static let defaultFile = "workflow.yaml"
    /// Longest `file` name, in characters.
    static let fileNameLimit = 255
    /// Longest cancel `reason`, in characters.
    static let reasonLimit = 1000
    /// `?limit=` of a run list: 1 to 200, 50 by default.
    static let runLimits = 1...WorkflowRunQuery.maxLimit

    /// `{"source":"<yaml>","file":"ship.yaml"}`: the workflow's YAML and the name its errors
    /// give (`ship.yaml:12:5`). `allowed` are the fields the route takes.
    static func workflowFile(_ body: JSONValue, allowed: Set<String>) throws(FlotillaError) -> (source: String, name: String) {
        let object = try object(body, allowed: allowed, example: #"{"source": "name: ship\nsteps: …", "file": "ship.yaml"}"#)
        guard let value = object["source"], !value.isNull else {
            throw FlotillaError(.missingField, "A workflow needs 'source': the text of its YAML file.", field: "source")
        }
        guard let source = value.stringValue else {
            throw FlotillaError(.invalidField, "'source' must be the workflow file's text (a string), got \(value.typeName).", field: "source")
        }
        guard let fileValue = object["file"], !fileValue.isNull else { return (source, defaultFile) }
        guard let file = fileValue.stringValue else {
            throw FlotillaError(.invalidField, "'file' must be the workflow file's name (a string), got \(fileValue.typeName).", field: "file")
        }
        guard (1...fileNameLimit).contains(file.count), !file.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw FlotillaError(.invalidField, "'file' must be 1 to \(fileNameLimit) characters without control characters, e.g. \"ship.yaml\".", field: "file")
        }
        return (source, file)
    }

    /// The run's `inputs` (an object of name → value; absent or null is none). An empty body
    /// (nil) starts the run with no inputs.
    static func runInputs(_ body: JSONValue?, allowed: Set<String>) throws(FlotillaError) -> [String: JSONValue] {
        guard let body else { return [:] }
        let object = try object(body, allowed: allowed, example: #"{"inputs": {"branch": "main"}}"#)
        guard let value = object["inputs"], !value.isNull else { return [:] }
        guard let inputs = value.objectValue else {
            throw FlotillaError(.invalidField, "'inputs' must be an object of input name → value, e.g. {\"branch\": \"main\"}, got \(value.typeName).", field: "inputs")
        }
        return inputs
    }

    /// A cancel's optional `{"reason":"…"}`; `cancelled by request` without one.
    static func cancelReason(_ body: JSONValue?) throws(FlotillaError) -> String {
        guard let body else { return "cancelled by request" }
        let object = try object(body, allowed: ["reason"], example: #"{"reason": "superseded"}"#)
        guard let value = object["reason"], !value.isNull else { return "cancelled by request" }
        guard let reason = value.stringValue else {
            throw FlotillaError(.invalidField, "'reason' must be a string, got \(value.typeName).", field: "reason")
        }
        guard reason.count <= reasonLimit else {
            throw FlotillaError(.invalidField, "'reason' may hold at most \(reasonLimit) characters, got \(reason.count).", field: "reason")
        }
        return reason
    }

    /// A run list's query: `status`, `before` (a run id: the page after it), `limit`.
    static func runQuery(_ parameters: Parameters, workflow: String?) throws(FlotillaError) -> WorkflowRunQuery {
        var query = WorkflowRunQuery()
        query.workflow = workflow
        if let status = parameters["status"].map(String.init) {
            guard let known = WorkflowRunStatus(rawValue: status) else {
                let statuses = WorkflowRunStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw FlotillaError(.invalidField, "Unknown run status '\(status)'. Statuses: \(statuses).", field: "status")
            }
            query.statuses = [known]
        }
        if let before = parameters["before"], !before.isEmpty { query.before = String(before) }
        if let limit = parameters["limit"] {
            guard let value = Int(limit), runLimits.contains(value) else {
                throw FlotillaError(.invalidField, "'limit' must be an integer from \(runLimits.lowerBound) to \(runLimits.upperBound), got '\(limit)'.", field: "limit")
            }
            query.limit = value
        }
        return query
    }

    /// `body` as an object with no field outside `allowed`.
    private static func object(_ body: JSONValue, allowed: Set<String>, example: String) throws(FlotillaError) -> [String: JSONValue] {
        guard let object = body.objectValue else {
            throw FlotillaError(.invalidField, "The body must be an object like \(example).")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown field '\(unknown)'; this takes \(allowed.sorted().map { "'\($0)'" }.joined(separator: ", ")).", field: unknown)
        }
        return object
    }
}
