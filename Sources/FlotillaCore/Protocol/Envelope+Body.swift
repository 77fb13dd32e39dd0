extension Envelope {
    /// An envelope's payload. The hub sends an assignment and an acknowledgement for every task,
    /// so those two are typed: written straight to text on the socket's thread, with no
    /// dictionary to build, hash and sort. Everything else is JSON.
    public enum Body: Sendable {
        case json(JSONValue)
        /// A ``TaskAssignment``, written from the hub's record.
        case assignment(task: TaskRecord, leaseSeconds: Double)
        case ack(Ack)

        /// The payload as a JSON value (built on demand for a typed body).
        public var json: JSONValue {
            switch self {
            case .json(let value): return value
            case .assignment, .ack:
                var out: [UInt8] = []
                write(to: &out)
                // Text this writer produced always parses.
                return (try? JSONValue.parse(String(decoding: out, as: UTF8.self))) ?? .null
            }
        }

        /// Appends the payload's JSON text.
        public func write(to out: inout [UInt8]) {
            switch self {
            case .json(let value): value.write(to: &out)
            case .assignment(let task, let leaseSeconds): TaskAssignment.write(task, leaseSeconds: leaseSeconds, to: &out)
            case .ack(let ack): ack.write(to: &out)
            }
        }
    }

    /// The hub's `ack`: `{"ref","of"}` naming the message acknowledged, with `task_id`,
    /// `attempt` and `duplicate` for an attempt report and `delivered` for a relayed message.
    public struct Ack: Sendable, Hashable {
        public var ref: String
        public var of: MessageType
        public var report: Report?
        public var delivered: Int?
        /// The approval request an `approval` message became.
        public var approvalID: String? = nil

        /// The attempt report acknowledged.
        public struct Report: Sendable, Hashable {
            public var taskID: String
            public var attempt: Int
            /// The report repeated one already applied, so it changed nothing.
            public var duplicate: Bool

            public init(taskID: String, attempt: Int, duplicate: Bool) {
                self.taskID = taskID
                self.attempt = attempt
                self.duplicate = duplicate
            }
        }

        public init(ref: String, of: MessageType, report: Report? = nil, delivered: Int? = nil) {
            self.ref = ref
            self.of = of
            self.report = report
            self.delivered = delivered
        }

        func write(to out: inout [UInt8]) {
            var object = JSONObjectWriter(appendingTo: &out)
            if let approvalID { object.member("approval_id", approvalID) }
            if let report { object.member("attempt", report.attempt) }
            if let delivered { object.member("delivered", delivered) }
            if let report { object.member("duplicate", .bool(report.duplicate)) }
            object.member("of", of.rawValue)
            object.member("ref", ref)
            if let report { object.member("task_id", report.taskID) }
            object.finish(into: &out)
        }
    }
}

extension Envelope.Body: Hashable {
    /// Bodies are equal when their JSON is: a typed body equals the JSON it is written as.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.json(let a), .json(let b)): return a == b
        case (.ack(let a), .ack(let b)): return a == b
        default: return lhs.json == rhs.json
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(json)
    }
}
