/// An agent watched in a tmux pane, as the hub shows it (`/api/watch`, and `screen` of an agent
/// in `/api/agents`): which pane, read with which screen rules, in what state since when, and
/// how far along its progress reads. Written by ``json``, read by ``init(json:)``.
public struct PaneView: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case agent, kind, pane, progress, session, since, state
    }

    /// How far along a progress line on the screen says the agent is.
    public struct Progress: Sendable, Hashable {
        public enum Field: String, CaseIterable, Sendable {
            case done, percent, total
        }

        public var done: Int
        public var total: Int
        public var percent: Int

        public init(done: Int, total: Int, percent: Int) {
            self.done = done
            self.total = total
            self.percent = percent
        }
    }

    /// The agent's name (its fleet file name).
    public var agent: String
    public var session: String
    public var pane: String
    /// The screen rules it is read with.
    public var kind: String
    /// What its screen shows it doing (`working`, `idle`, `waiting_approval`, …).
    public var state: String
    /// When that state began.
    public var since: Double?
    public var progress: Progress?

    public init(agent: String, session: String, pane: String, kind: String, state: String, since: Double? = nil, progress: Progress? = nil) {
        self.agent = agent
        self.session = session
        self.pane = pane
        self.kind = kind
        self.state = state
        self.since = since
        self.progress = progress
    }

    public var json: JSONValue {
        typealias P = Progress.Field
        let progress: JSONValue = self.progress.map {
            [P.done.rawValue: .int(Int64($0.done)), P.total.rawValue: .int(Int64($0.total)), P.percent.rawValue: .int(Int64($0.percent))]
        } ?? .null
        return [
            Field.agent.rawValue: .string(agent), Field.session.rawValue: .string(session), Field.pane.rawValue: .string(pane),
            Field.kind.rawValue: .string(kind), Field.state.rawValue: .string(state),
            Field.since.rawValue: since.map { .string(Timestamp.iso8601($0)) } ?? .null, Field.progress.rawValue: progress,
        ]
    }

    public init(json: JSONValue) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: json.objectValue ?? [:], prefix: "screen.")
        var progress: Progress?
        if let object = try reader.object(F.progress.rawValue) {
            let inner = FieldReader(object: object.objectValue ?? [:], prefix: "screen.progress.")
            let all = 0...Int(Int32.max)
            progress = Progress(
                done: try inner.int(Progress.Field.done.rawValue, range: all) ?? 0,
                total: try inner.int(Progress.Field.total.rawValue, range: all) ?? 0,
                percent: try inner.int(Progress.Field.percent.rawValue, range: all) ?? 0
            )
        }
        self.init(
            agent: try reader.requiredString(F.agent.rawValue),
            session: try reader.requiredString(F.session.rawValue),
            pane: try reader.requiredString(F.pane.rawValue),
            kind: try reader.requiredString(F.kind.rawValue),
            state: try reader.requiredString(F.state.rawValue),
            since: try reader.timestamp(F.since.rawValue),
            progress: progress
        )
    }
}
