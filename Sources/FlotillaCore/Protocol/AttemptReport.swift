/// What an agent reports about one attempt: the fencing token plus the report's content.
public struct AttemptReport: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case accept
        /// `files`: paths the attempt changed since its last announcement (``AnnouncedFiles``).
        case progress(percent: Double?, message: String?, files: [String] = [])
        case complete(result: JSONValue)
        case fail(error: String, retryable: Bool, result: JSONValue?)
        case release(reason: String?)
    }

    public var taskID: String
    public var attempt: Int
    public var kind: Kind
}

// The reading initialiser stands in an extension so that Swift writes the memberwise one (the
// engine makes reports only by reading envelopes; tests make them directly).
extension AttemptReport {
    /// Reads a report out of an envelope of type accept, progress, complete, fail or release.
    ///
    /// What the agent says about its work (messages, errors, results) is redacted here, on the
    /// way in, so no secret a task printed reaches the store, the event log or subscribers.
    public init(envelope: Envelope) throws(FlotillaError) {
        let payload = envelope.payload
        guard let taskID = payload["task_id"]?.stringValue else {
            throw FlotillaError(.missingField, "A \(envelope.type.rawValue) report needs 'payload.task_id' (string).", field: "payload.task_id")
        }
        guard let attempt = payload["attempt"]?.intValue else {
            throw FlotillaError(.missingField, "A \(envelope.type.rawValue) report needs 'payload.attempt' (integer): the attempt it reports on.", field: "payload.attempt")
        }
        let kind: Kind
        switch envelope.type {
        case .accept:
            kind = .accept
        case .progress:
            let percent = payload["percent"]?.doubleValue
            if let percent, !(0...100).contains(percent) {
                throw FlotillaError(.invalidField, "'payload.percent' must be between 0 and 100.", field: "payload.percent")
            }
            kind = .progress(
                percent: percent, message: payload["message"]?.stringValue.map { SecretRedactor.redact($0) },
                files: try AnnouncedFiles.read(payload["files"])
            )
        case .complete:
            kind = .complete(result: SecretRedactor.redact(payload["result"] ?? .object([:])))
        case .fail:
            let error = SecretRedactor.redact(payload["error"]?.stringValue ?? "failed")
            kind = .fail(error: error, retryable: payload["retryable"]?.boolValue ?? true, result: payload["result"].map { SecretRedactor.redact($0) })
        case .release:
            kind = .release(reason: payload["reason"]?.stringValue.map { SecretRedactor.redact($0) })
        default:
            throw FlotillaError(.invalidField, "'\(envelope.type.rawValue)' is not an attempt report.", field: "type")
        }
        self.init(taskID: taskID, attempt: Int(attempt), kind: kind)
    }
}
