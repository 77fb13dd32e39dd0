/// An agent's `usage` message: what the attempt `(task_id, attempt)` spent since its last one
/// (a delta), reported while it runs. `{"task_id","attempt","input_tokens","output_tokens",
/// "cached_tokens","usd","model","executor"}` (docs/protocol.md).
public struct UsageReport: Sendable, Hashable {
    public var taskID: String
    public var attempt: Int
    public var delta: Usage
    public var model: String?
    public var executor: String?

    public init(taskID: String, attempt: Int, delta: Usage, model: String? = nil, executor: String? = nil) {
        self.taskID = taskID
        self.attempt = attempt
        self.delta = delta
        self.model = model
        self.executor = executor
    }

    public init(envelope: Envelope) throws(FlotillaError) {
        let payload = envelope.payload
        guard let taskID = payload["task_id"]?.stringValue else {
            throw FlotillaError(.missingField, "A usage message needs 'payload.task_id' (string).", field: "payload.task_id")
        }
        guard let attempt = payload["attempt"]?.intValue else {
            throw FlotillaError(.missingField, "A usage message needs 'payload.attempt' (integer): the attempt that spent it.", field: "payload.attempt")
        }
        self.init(
            taskID: taskID, attempt: Int(attempt), delta: try Usage(json: payload, prefix: "payload."),
            model: payload["model"]?.stringValue, executor: payload["executor"]?.stringValue
        )
    }

    /// The message's payload.
    public var payload: JSONValue {
        var object = delta.members
        object["task_id"] = .string(taskID)
        object["attempt"] = .int(Int64(attempt))
        if let model { object["model"] = .string(model) }
        if let executor { object["executor"] = .string(executor) }
        return .object(object)
    }
}
