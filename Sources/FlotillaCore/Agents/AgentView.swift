/// One agent as `/api/agents` shows it. Agents are one id space: an agent registered with the
/// hub (`source: hub`) shows its ``AgentStatus`` and, when its tmux pane is watched too, the
/// pane's ``PaneView`` under `screen`; an agent only watched in a pane (`source: pane`) shows
/// the pane's view, its `session`, `pane`, `kind`, `state`, `since` and `progress` (in percent)
/// repeated at the top level. Written by ``json``, read by ``init(json:)``.
public struct AgentView: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case hub, pane
    }

    /// The members of a view beside the status's (``AgentStatus/Field``, ``AgentRegistration/Field``).
    public enum Field: String, CaseIterable, Sendable {
        case id, kind, pane, progress, screen, session, since, source, state
    }

    public var id: String
    /// How the hub sees it; nil for an agent only watched in a pane.
    public var status: AgentStatus?
    /// Its pane, when watched.
    public var screen: PaneView?

    public var source: Source { status == nil ? .pane : .hub }

    /// An agent registered with the hub (and watched in `screen`, if given).
    public init(status: AgentStatus, screen: PaneView? = nil) {
        self.id = status.registration.id
        self.status = status
        self.screen = screen
    }

    /// An agent only watched in a pane.
    public init(pane: PaneView) {
        self.id = pane.agent
        self.status = nil
        self.screen = pane
    }

    public var json: JSONValue {
        typealias F = Field
        var out: [String: JSONValue]
        if let status {
            out = status.members
            out[F.session.rawValue] = screen.map { .string($0.session) } ?? .null
        } else {
            out = [F.id.rawValue: .string(id)]
            if let screen {
                out[F.session.rawValue] = .string(screen.session)
                out[F.pane.rawValue] = .string(screen.pane)
                out[F.kind.rawValue] = .string(screen.kind)
                out[F.state.rawValue] = .string(screen.state)
                out[F.since.rawValue] = screen.since.map { .string(Timestamp.iso8601($0)) } ?? .null
                out[F.progress.rawValue] = screen.progress.map { .int(Int64($0.percent)) } ?? .null
            }
        }
        out[F.source.rawValue] = .string(source.rawValue)
        out[F.screen.rawValue] = screen?.json ?? .null
        return .object(out)
    }

    public init(json: JSONValue) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: json.objectValue ?? [:], prefix: "")
        let source: Source = try reader.requiredCase(F.source.rawValue, "agent source")
        var screen: PaneView?
        if let object = try reader.object(F.screen.rawValue) { screen = try PaneView(json: object) }
        switch source {
        case .hub:
            self.init(status: try AgentStatus(json: json), screen: screen)
        case .pane:
            guard let screen else {
                throw FlotillaError(.missingField, "An agent watched in a pane needs '\(F.screen.rawValue)'.", field: F.screen.rawValue)
            }
            self.init(pane: screen)
            id = try reader.requiredString(F.id.rawValue)
        }
    }
}
