/// The one wire envelope (docs/protocol.md), used over WebSocket and MQTT:
/// `{"id","type","ts","agent_id","role","payload","metadata":{"priority","retry_count","ttl"}}`.
public struct Envelope: Sendable, Hashable {
    public var id: String
    public var type: MessageType
    public var ts: String
    public var agentID: String?
    public var role: String?
    /// The payload as it will be written: JSON, or a typed body of the hub's hot path.
    public var body: Body
    public var metadata: JSONValue?

    public init(id: String, type: MessageType, ts: String = Timestamp.iso8601(Timestamp.now()), agentID: String? = nil, role: String? = nil, payload: JSONValue = .object([:]), metadata: JSONValue? = nil) {
        self.init(id: id, type: type, ts: ts, agentID: agentID, role: role, body: .json(payload), metadata: metadata)
    }

    public init(id: String, type: MessageType, ts: String = Timestamp.iso8601(Timestamp.now()), agentID: String? = nil, role: String? = nil, body: Body, metadata: JSONValue? = nil) {
        self.id = id
        self.type = type
        self.ts = ts
        self.agentID = agentID
        self.role = role
        self.body = body
        self.metadata = metadata
    }

    /// The `payload` object.
    public var payload: JSONValue {
        get { body.json }
        set { body = .json(newValue) }
    }

    public var json: JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(id),
            "type": .string(type.rawValue),
            "ts": .string(ts),
            "payload": payload,
        ]
        if let agentID { out["agent_id"] = .string(agentID) }
        if let role { out["role"] = .string(role) }
        if let metadata { out["metadata"] = metadata }
        return .object(out)
    }

    public var text: String { String(decoding: textBytes, as: UTF8.self) }

    /// ``text`` as UTF-8. Written field by field in ``json``'s key order: every message of the
    /// protocol goes through here, and skipping the intermediate dictionary halves the work.
    public var textBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var object = JSONObjectWriter(appendingTo: &out)
        if let agentID { object.member("agent_id", agentID) }
        object.member("id", id)
        if let metadata { object.member("metadata", metadata) }
        object.member("payload") { body.write(to: &$0) }
        if let role { object.member("role", role) }
        object.member("ts", ts)
        object.member("type", type.rawValue)
        object.finish(into: &out)
        return out
    }

    /// Parses an envelope; any problem is a ``FlotillaError`` naming the field.
    public init(text: String) throws(FlotillaError) {
        try self.init(json: try JSONValue.parse(text))
    }

    /// Reads an envelope out of parsed JSON; any problem is a ``FlotillaError`` naming the field.
    public init(json: JSONValue) throws(FlotillaError) {
        guard case .object(let object) = json else {
            throw FlotillaError(.invalidField, "A message must be a JSON object envelope, got \(json.typeName).")
        }
        guard let typeName = object["type"]?.stringValue else {
            throw FlotillaError(.missingField, "The envelope needs a string 'type'.", field: "type")
        }
        guard let type = MessageType(rawValue: typeName) else {
            throw FlotillaError(.invalidField, "Unknown message type '\(typeName)'. Known: \(MessageType.allCases.map(\.rawValue).joined(separator: ", ")).", field: "type")
        }
        let payload = object["payload"] ?? .object([:])
        guard payload.objectValue != nil else {
            throw FlotillaError(.invalidField, "'payload' must be an object, got \(payload.typeName).", field: "payload")
        }
        self.id = object["id"]?.stringValue ?? ""
        self.type = type
        self.ts = object["ts"]?.stringValue ?? object["timestamp"]?.stringValue ?? ""
        self.agentID = object["agent_id"]?.stringValue
        self.role = object["role"]?.stringValue
        self.body = .json(payload)
        self.metadata = object["metadata"]
    }
}

/// Every envelope `type` of the agent protocol (documented in docs/protocol.md).
public enum MessageType: String, Sendable, Hashable, CaseIterable {
    // agent → hub
    case register, heartbeat, ready, drain, accept, progress, complete, fail, release, message
    /// A chunk of a running attempt's output: fire-and-forget, never acknowledged or stored as
    /// an event (``OutputFrame``).
    case output
    /// What a running attempt spent since its last `usage` (``UsageReport``): acknowledged
    /// like a report, recorded in the cost ledger.
    case usage
    /// An executor asks a person (or the hub's rules) before a tool runs: the payload is an
    /// ``ApprovalQuestion``; the hub acks with the `approval_id`, and its decision comes back
    /// later as `approval_decision` with this message's id as `ref`.
    case approval
    // hub → agent
    case registered, assignment, cancel, ack, error
    /// The decision on an agent's `approval`: `{"ref","approval_id","task_id","attempt",
    /// "decision","reason","decided_by","choice"}`.
    case approvalDecision = "approval_decision"
    /// Presence on MQTT (`online`/`offline`, the will message): agents and the hub.
    case status
    /// A hub event published for MQTT subscribers (never sent to the hub).
    case event
}

extension FlotillaError {
    /// The payload of the hub's `error` reply: `{"ref","of","code","status","message","field"}`,
    /// `ref` and `of` naming the refused message (null when it could not be read).
    public func replyPayload(ref: String?, of type: String?) -> JSONValue {
        [
            "ref": ref.map(JSONValue.string) ?? .null,
            "of": type.map(JSONValue.string) ?? .null,
            "code": .string(code.rawValue),
            "status": .int(Int64(httpStatus)),
            "message": .string(message),
            "field": field.map(JSONValue.string) ?? .null,
        ]
    }
}
