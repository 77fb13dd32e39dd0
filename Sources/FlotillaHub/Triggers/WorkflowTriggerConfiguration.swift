public import Foundation

/// How the hub fires workflow triggers (docs/workflows.md, "Triggers"): where webhook secrets
/// come from, the schedules' clock, and how often the services re-read the registered workflows.
public struct WorkflowTriggerConfiguration: Sendable {
    /// Reads the environment variable a webhook's `secret_env` names. Default: the hub's own
    /// environment, read at each delivery (a secret set before the hub started).
    public var environment: @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] }
    /// The schedules' clock. Default the real one.
    public var clock: any ScheduleClock = SystemScheduleClock()
    /// Longest the scheduler sleeps (by its clock) before it re-reads the registered workflows,
    /// in seconds. Default 1.
    public var scheduleRescan: TimeInterval = 1
    /// How often the MQTT and event trigger services re-read the registered workflows (they
    /// poll, since `apply` has no hook): the MQTT one re-subscribes to their topics, the event
    /// one follows the event log only while some workflow waits for events. Default 1 s.
    public var refresh: Duration = .seconds(1)
    /// At start, how many of the latest stored events the event triggers read again, so an
    /// event committed just before a crash still starts its runs (each at most once, by its
    /// `trigger_key`). Default 1,000.
    public var eventReplay: Int = 1_000

    public init() {}
}
