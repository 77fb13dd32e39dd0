/// One chunk of a running attempt's output, as an agent sends it in an `output` envelope:
/// `{"task_id","attempt","offset","text"}` (docs/protocol.md).
///
/// `offset` counts the UTF-8 bytes of the attempt's output the agent sent before this chunk, so
/// the hub can tell a repeat (MQTT may deliver twice) from new text. Output is fire-and-forget:
/// no ack, no store commit, no event; only the holder of the current attempt is heard.
public struct OutputFrame: Sendable, Hashable {
    public var taskID: String
    public var attempt: Int
    public var offset: Int
    public var text: String

    public init(taskID: String, attempt: Int, offset: Int, text: String) {
        self.taskID = taskID
        self.attempt = attempt
        self.offset = offset
        self.text = text
    }

    /// The envelope payload.
    public var payload: JSONValue {
        [
            "task_id": .string(taskID),
            "attempt": .int(Int64(attempt)),
            "offset": .int(Int64(offset)),
            "text": .string(text),
        ]
    }
}

extension OutputFrame {
    /// Reads a frame out of an `output` envelope's payload; a problem is a ``FlotillaError``
    /// naming the field.
    public init(payload: JSONValue) throws(FlotillaError) {
        guard let taskID = payload["task_id"]?.stringValue else {
            throw FlotillaError(.missingField, "An output message needs 'payload.task_id' (string).", field: "payload.task_id")
        }
        guard let attempt = payload["attempt"]?.intValue, attempt > 0 else {
            throw FlotillaError(.missingField, "An output message needs 'payload.attempt' (a positive integer): the attempt it belongs to.", field: "payload.attempt")
        }
        guard let text = payload["text"]?.stringValue else {
            throw FlotillaError(.missingField, "An output message needs 'payload.text' (string).", field: "payload.text")
        }
        let offset = payload["offset"]?.intValue ?? -1
        guard offset >= 0 else {
            throw FlotillaError(.invalidField, "'payload.offset' must be a non-negative integer: the bytes of output sent before this chunk.", field: "payload.offset")
        }
        self.init(taskID: taskID, attempt: Int(attempt), offset: Int(offset), text: text)
    }
}
