/// What starts a workflow by itself (`on:`); a workflow with none is started only by a person
/// (`flotilla workflow run`).
public struct WorkflowTriggers: Sendable, Hashable {
    public var events: [EventTrigger] = []
    public var schedules: [ScheduleTrigger] = []
    public var mqtt: [MQTTTrigger] = []
    public var webhook: WebhookTrigger?
    /// `on.if`: a condition over `trigger` every trigger must also pass.
    public var condition: Expression?

    public init() {}

    public var isEmpty: Bool { events.isEmpty && schedules.isEmpty && mqtt.isEmpty && webhook == nil }
}

/// `on.event`: a hub event of `type`, with optional filters on its task's type and role and
/// its agent, and a condition over `trigger` (the event).
public struct EventTrigger: Sendable, Hashable {
    public var type: String
    public var taskType: String?
    public var role: String?
    public var agent: String?
    public var condition: Expression?
}

/// `on.schedule`: a cron schedule in a time zone.
public struct ScheduleTrigger: Sendable, Hashable {
    public var cron: CronSchedule
    /// An IANA time zone name; UTC when the file gives none.
    public var timeZone: String
}

/// `on.mqtt`: a message on a broker topic (`{swarm}` is the hub's swarm), and a condition over
/// `trigger` (`trigger.topic`, `trigger.payload`).
public struct MQTTTrigger: Sendable, Hashable {
    public var topic: String
    public var condition: Expression?
}

/// `on.webhook`: a signed HTTP delivery to `/hooks/github/{workflow}` or `/hooks/generic/{workflow}`.
public struct WebhookTrigger: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// GitHub deliveries of these events (`X-GitHub-Event`), signed by `X-Hub-Signature-256`.
        case github(events: [String])
        /// Any CI system: HMAC-SHA256 of the body in `signatureHeader` (hex, optionally `sha256=`).
        case generic(signatureHeader: String, deliveryHeader: String?)
    }

    public var kind: Kind
    /// The environment variable of the hub that holds the shared secret.
    public var secretEnv: String
    public var condition: Expression?

    public static let defaultSecretEnv = "FLOTILLA_WEBHOOK_SECRET"
    public static let defaultSignatureHeader = "X-Signature-256"
}
