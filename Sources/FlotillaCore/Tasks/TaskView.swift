/// One task as `GET /api/tasks/{id}` shows it: the record with its attempt history and, while
/// it is unfinished, why it waits. Written by ``TaskRecord/writeJSON(attempts:waiting:to:)``,
/// read by ``init(json:)``.
public struct TaskView: Sendable, Hashable {
    public var record: TaskRecord
    public var attempts: [AttemptRecord]
    /// Why an unfinished task waits; nil for a finished one.
    public var waiting: [WaitingReason]?

    public init(record: TaskRecord, attempts: [AttemptRecord] = [], waiting: [WaitingReason]? = nil) {
        self.record = record
        self.attempts = attempts
        self.waiting = waiting
    }

    public init(json: JSONValue) throws(FlotillaError) {
        let record = try TaskRecord(json: json)
        var attempts: [AttemptRecord] = []
        for attempt in json[TaskRecord.Field.attempts.rawValue]?.arrayValue ?? [] {
            attempts.append(try AttemptRecord(json: attempt, taskID: record.id))
        }
        var waiting: [WaitingReason]?
        if let reasons = json[TaskRecord.Field.waiting.rawValue]?.arrayValue {
            waiting = []
            for reason in reasons { waiting?.append(try WaitingReason(json: reason)) }
        }
        self.init(record: record, attempts: attempts, waiting: waiting)
    }

    /// The view as UTF-8 JSON, as the hub answers.
    public var jsonBytes: [UInt8] { record.jsonBytes(attempts: attempts, waiting: Self.waitingJSON(waiting)) }

    /// ``jsonBytes`` as a JSON value.
    public var json: JSONValue {
        // Text this writer produced always parses.
        (try? JSONValue.parse(String(decoding: jsonBytes, as: UTF8.self))) ?? .null
    }

    /// The `waiting` member as the hub writes it: the reasons, or null for a finished task.
    public static func waitingJSON(_ reasons: [WaitingReason]?) -> JSONValue {
        reasons.map { .array($0.map(\.json)) } ?? .null
    }
}
