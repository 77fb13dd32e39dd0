import FlotillaCore
import Foundation
import Synchronization

/// Watches agents' panes: classifies each screen when the pane prints (woken by control-mode
/// `%output`, not by polling), tracks state over time, answers approval prompts by policy,
/// reads task-spec progress, and reports every change as an ``AgentEvent``.
public final class PaneMonitor: Sendable {
    /// One agent to watch. Made only by this module (from a fleet's panes), with the memberwise
    /// init Swift writes.
    public struct Target: Sendable {
        public var agent: String
        public var pane: String
        public var classifier: ScreenClassifier
        public var autoApprove: AutoApprovePolicy = .off
        /// A markdown task spec whose checkboxes give the agent's progress.
        public var taskSpec: String?
    }

    /// The latest known state of one agent.
    public struct Snapshot: Sendable, Hashable {
        public var agent: String
        public var pane: String
        public var state: ObservedState
        public var progress: TaskProgress?
        /// Seconds since 1970 of the last state change.
        public var since: Double
    }

    public let screen: PaneScreen
    public let configuration: StateTracker.Configuration
    private let snapshots = Mutex([String: Snapshot]())
    let onEvent: @Sendable (AgentEvent) -> Void
    /// Where prompts of agents that are not auto-approved go for a person to answer; nil: they
    /// are left in the pane.
    let prompts: PromptRequests?
    /// How long a state an agent's own hooks reported wins over its screen.
    let hookPrecedence: Duration
    /// The latest hook-reported state of each agent, and when it came.
    let hookStates = Mutex([String: (state: ObservedState, at: ContinuousClock.Instant)]())
    /// Prompts handed to ``prompts`` and not answered yet, by request id.
    let openPrompts = Mutex([String: OpenPrompt]())

    public init(
        screen: PaneScreen, configuration: StateTracker.Configuration = .init(), prompts: PromptRequests? = nil,
        hookPrecedence: Duration = .seconds(30), onEvent: @escaping @Sendable (AgentEvent) -> Void
    ) {
        self.screen = screen
        self.configuration = configuration
        self.prompts = prompts
        self.hookPrecedence = hookPrecedence
        self.onEvent = onEvent
    }

    /// The latest state of every watched agent.
    public func snapshot() -> [Snapshot] {
        snapshots.withLock { Array($0.values) }.sorted { $0.agent < $1.agent }
    }

    /// Watches `targets` until cancelled (or until every pane is gone).
    public func run(_ targets: [Target]) async {
        await withTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask { await self.watch(target) }
            }
        }
    }

    /// Watches one agent until cancelled or its pane disappears.
    public func watch(_ target: Target) async {
        var tracker = StateTracker(configuration: configuration)
        var progress: TaskProgress?
        var decidedPrompt: String?
        var asked: AskedPrompt?
        publish(target, state: tracker.state, progress: nil)
        onEvent(AgentEvent(kind: .stateChange, agent: target.agent, pane: target.pane, payload: ["from": .null, "to": .string(tracker.state.rawValue)]))
        defer { openPrompts.withLock { $0 = $0.filter { $0.value.target.agent != target.agent } } }
        while !Task.isCancelled {
            let generation = screen.generation(target.pane)
            guard let text = try? await screen.capture(target.pane) else { return }
            let reading = target.classifier.classify(text)
            let now = ContinuousClock.now
            _ = tracker.observe(screen: text, reading: reading, now: now, lastOutput: screen.lastOutput(target.pane))
            // The agent's own hooks, when they spoke lately, say its state better than its screen.
            let state = hookState(of: target.agent, now: now) ?? tracker.state
            if let from = transition(target, to: state, progress: progress) {
                emit(.stateChange, target, ["from": .string(from.rawValue), "to": .string(state.rawValue)])
                switch state {
                case .stuck: emit(.agentStuck, target, ["seconds_unchanged": .int(Int64((now - tracker.lastChange).components.seconds))])
                case .error: emit(.agentError, target, ["screen": .string(Self.tail(text))])
                case .complete: emit(.agentComplete, target, [:])
                default: break
                }
            }
            // Each prompt is judged once while it shows (a clock or spinner elsewhere on the
            // screen does not make it a new one); a prompt shown again after the agent moved on is.
            // Without auto-approve, a prompt goes to people once (``ask``), and is withdrawn
            // when it leaves the screen unanswered.
            let prompt = tracker.state == .waitingInput ? target.classifier.promptRegion(text) : nil
            if prompt == nil {
                decidedPrompt = nil
                await withdraw(&asked)
            } else if target.autoApprove.enabled, prompt != decidedPrompt {
                decidedPrompt = prompt
                await answerPrompt(target, screen: text)
            } else if !target.autoApprove.enabled, let prompt, prompt != asked?.prompt {
                await withdraw(&asked)
                asked = await ask(target, prompt: prompt)
            }
            if let spec = target.taskSpec, let current = TaskProgress.read(path: spec), current != progress {
                progress = current
                publish(target, state: tracker.state, progress: current)
                emit(.progress, target, ["done": .int(Int64(current.done)), "total": .int(Int64(current.total)), "percent": .int(Int64(current.percent))])
            }
            let wake = tracker.nextDeadline(now: now)
            let limit = min(max(wake - now, .milliseconds(20)), .seconds(1))
            await screen.waitForChange(target.pane, after: generation, limit: limit)
        }
    }

    func emit(_ kind: AgentEvent.Kind, _ target: Target, _ payload: [String: JSONValue]) {
        onEvent(AgentEvent(kind: kind, agent: target.agent, pane: target.pane, payload: .object(payload)))
    }

    /// Publishes `state` for `target` unless it is already the published one; returns the state
    /// it replaced. One lock for the test and the change, since hooks publish from elsewhere.
    func transition(_ target: Target, to state: ObservedState, progress: TaskProgress?) -> ObservedState? {
        snapshots.withLock { snapshots -> ObservedState? in
            let previous = snapshots[target.agent]
            guard let previous, previous.state != state else { return nil }
            snapshots[target.agent] = Snapshot(
                agent: target.agent, pane: target.pane, state: state, progress: progress ?? previous.progress, since: Date().timeIntervalSince1970
            )
            return previous.state
        }
    }

    private func publish(_ target: Target, state: ObservedState, progress: TaskProgress?) {
        snapshots.withLock { snapshots in
            let previous = snapshots[target.agent]
            let since = previous?.state == state ? previous!.since : Date().timeIntervalSince1970
            snapshots[target.agent] = Snapshot(agent: target.agent, pane: target.pane, state: state, progress: progress, since: since)
        }
    }

    static func tail(_ screen: String, lines: Int = 5) -> String {
        screen.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.suffix(lines).joined(separator: "\n")
    }
}
