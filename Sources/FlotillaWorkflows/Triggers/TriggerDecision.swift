import FlotillaCore

/// What a trigger matcher decided for one incoming event, message, delivery or schedule slot:
/// start a run with this `trigger` object (what expressions read as `trigger`), or not, and why.
public enum TriggerDecision: Sendable, Hashable {
    /// Start a run; `trigger` always has `kind`.
    case fire(trigger: JSONValue)
    /// Start nothing; `reason` says why in words (a webhook answers it as `reason`).
    case ignore(reason: String)

    /// The trigger object when it fires.
    public var trigger: JSONValue? {
        if case .fire(let trigger) = self { return trigger }
        return nil
    }

    public var fires: Bool { trigger != nil }

    /// Why nothing starts, when nothing does.
    public var reason: String? {
        if case .ignore(let reason) = self { return reason }
        return nil
    }
}
