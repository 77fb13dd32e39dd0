/// The hub's notification settings: `flotilla hub --notifications FILE` (YAML or JSON), or the
/// fleet file's `notifications:` section (docs/notifications.md).
///
/// ```yaml
/// targets:
///   ops: {kind: webhook, url: "https://ops.example/flotilla", secret_file: /etc/flotilla/ops.key}
///   phone: {kind: ntfy, url: "https://ntfy.sh/my-fleet"}
/// subscriptions:
///   - {target: phone, events: [approval.requested, task.dead]}
///   - {target: ops, events: [task.failed], filter: {role: tester}}
/// retry: [1s, 5s, 30s, 2m, 10m]
/// suppress: 10m
/// ```
public struct NotificationConfiguration: Sendable, Hashable {
    /// By name.
    public var targets: [String: NotificationTarget]
    public var subscriptions: [NotificationSubscription]
    /// When failed attempts are tried again.
    public var retry: NotificationBackoff
    /// Seconds within which a repeat of the same event kind about the same subject (task,
    /// agent, budget) is collapsed into the first one's notification (recorded `suppressed`).
    /// 0 collapses nothing. Default 600.
    public var suppressWindow: Double

    public init(targets: [String: NotificationTarget] = [:], subscriptions: [NotificationSubscription] = [], retry: NotificationBackoff = .standard, suppressWindow: Double = 600) {
        self.targets = targets
        self.subscriptions = subscriptions
        self.retry = retry
        self.suppressWindow = suppressWindow
    }

    /// The event types some subscription asks for.
    public var subscribedKinds: Set<String> { Set(subscriptions.flatMap(\.events)) }
}

/// When a failed delivery is tried again: the delays between attempts, in seconds. Its length
/// plus one is the number of attempts; after the last one the delivery is `failed`.
public struct NotificationBackoff: Sendable, Hashable {
    public var delays: [Double]

    public init(delays: [Double]) {
        self.delays = delays
    }

    /// 1 s, 5 s, 30 s, 2 min, 10 min: six attempts over about 13 minutes, enough to ride out a
    /// receiver's restart or a short network loss, short enough that a person still cares.
    public static let standard = NotificationBackoff(delays: [1, 5, 30, 120, 600])

    public var maxAttempts: Int { delays.count + 1 }

    /// When attempt `attempts + 1` is due after attempt `attempts` failed at `now`; nil when
    /// none is left.
    public func nextAttempt(after attempts: Int, now: Double) -> Double? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        return now + delays[attempts - 1]
    }
}
