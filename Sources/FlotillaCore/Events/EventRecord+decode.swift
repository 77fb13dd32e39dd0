extension EventRecord {
    /// Reads an event as the hub sends it (``json``, ``jsonBytes``: the event stream, MQTT).
    /// Its task fields are read as members of `data`, so it equals the event the hub emitted.
    public init(json: JSONValue) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: json.objectValue ?? [:], prefix: "")
        guard let seq = json[F.seq.rawValue]?.intValue else {
            throw FlotillaError(.missingField, "An event needs '\(F.seq.rawValue)'.", field: F.seq.rawValue)
        }
        guard let ts = try reader.timestamp(F.ts.rawValue) else {
            throw FlotillaError(.missingField, "An event needs '\(F.ts.rawValue)'.", field: F.ts.rawValue)
        }
        self.init(
            seq: seq,
            type: try reader.requiredString(F.type.rawValue),
            ts: ts,
            taskID: try reader.string(F.taskID.rawValue),
            agentID: try reader.string(F.agentID.rawValue),
            data: try reader.object(F.data.rawValue) ?? .object([:])
        )
    }
}
