import FlotillaCore
import FlotillaEngine
public import FlotillaTmux
import Logging
public import ServiceLifecycle
import Synchronization

/// The fleet's interactive agents as the hub watches them in tmux (`flotilla hub --watch-panes`).
///
/// It scans the fleet's tmux socket for agent panes (those `flotilla up` marked with
/// `@flotilla_agent`), keeps one control-mode connection per session, runs a ``PaneMonitor``
/// on every agent pane, and appends what the monitors see to the hub's event log. Commands
/// typed through the API go through one ``CommandQueue`` per session, inside that session's
/// connection, so waiting for an idle agent is woken by `%output` rather than by polling.
public final class WatchedAgents: Service, Sendable {
    /// One agent being watched, with the machinery of its session.
    struct Agent: Sendable {
        var sessionID: Int
        var session: String
        var target: PaneMonitor.Target
        var monitor: PaneMonitor
        var work: AsyncStream<Work>.Continuation

        var name: String { target.agent }
        var pane: String { target.pane }
    }

    /// What a session's task is asked to do.
    enum Work: Sendable {
        /// The session's agent panes as the latest scan found them.
        case panes([FleetPane])
        case command(CommandJob)
        /// A decided approval of a prompt on one of the session's screens.
        case answer(PromptAnswer)
    }

    struct CommandJob: Sendable {
        var id: Int
        var agent: String
        var pane: String
        var classifier: ScreenClassifier
        var text: String
        var force: Bool
        var queuedAt: Double
        /// Cancels it while it waits (`POST /api/agents/{id}/commands/{cid}/cancel`).
        var ticket = CommandTicket()
    }

    struct SessionHandle: Sendable {
        var id: Int
        var work: AsyncStream<Work>.Continuation
    }

    struct State {
        var agents: [String: Agent] = [:]
        var sessions: [String: SessionHandle] = [:]
        var nextSession = 0
        /// Commands accepted but not finished yet, by id.
        var pending: [Int: CommandJob] = [:]
        var waiters: [Int: CommandWaiter] = [:]
        var nextWaiter = 0
    }

    public let configuration: WatchConfiguration
    public let tmux: Tmux
    /// Every command typed through the hub and its outcome.
    public let audit: CommandAudit
    let hub: Hub
    let state = Mutex(State())
    let logger: Logger

    init(hub: Hub, configuration: WatchConfiguration) {
        self.hub = hub
        self.configuration = configuration
        self.tmux = Tmux(configuration: configuration.tmux)
        self.logger = hub.logger
        let auditPath = configuration.auditPath ?? hub.configuration.dataDirectory + "/commands.jsonl"
        self.audit = CommandAudit(path: auditPath, resume: true)
        // Decisions on prompts read off a screen are typed into that screen (WatchedAgents+approvals).
        hub.engine.onApprovalDecided { [weak self] record in self?.decided(record) }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                while !_Concurrency.Task.isCancelled {
                    await discover(into: &group)
                    try? await _Concurrency.Task.sleep(for: configuration.discoveryInterval)
                }
                let handles = state.withLock { state in
                    defer { state.sessions = [:] }
                    return Array(state.sessions.values)
                }
                for handle in handles { handle.work.finish() }
                group.cancelAll()
            }
        }
    }

    /// Scans the socket once: starts a task for each new session, tells every session which
    /// agent panes it has, and ends the tasks of sessions that are gone.
    private func discover(into group: inout TaskGroup<Void>) async {
        for session in configuration.adoptSessions {
            // Missing sessions are fine: they are adopted once they exist.
            _ = try? await tmux.adopt(session: session, kind: configuration.adoptKind)
        }
        let panes: [FleetPane]
        do {
            panes = try await tmux.fleetPanes()
        } catch {
            logger.debug("cannot list fleet panes on tmux socket '\(tmux.configuration.socketName)': \(error)")
            return
        }
        let bySession = Dictionary(grouping: panes, by: \.session)
        let gone = state.withLock { state in
            state.sessions.keys.filter { bySession[$0] == nil }.compactMap { state.sessions.removeValue(forKey: $0) }
        }
        for handle in gone { handle.work.finish() }
        for (session, panes) in bySession {
            if let handle = state.withLock({ $0.sessions[session] }) {
                handle.work.yield(.panes(panes))
                continue
            }
            let (stream, continuation) = AsyncStream.makeStream(of: Work.self)
            let id = state.withLock { state in
                state.nextSession += 1
                state.sessions[session] = SessionHandle(id: state.nextSession, work: continuation)
                return state.nextSession
            }
            continuation.yield(.panes(panes))
            group.addTask { await self.runSession(session, id: id, work: stream, continuation: continuation) }
        }
    }

    /// Watches one session's agents and types its commands until the session is gone.
    private func runSession(_ session: String, id: Int, work: AsyncStream<Work>, continuation: AsyncStream<Work>.Continuation) async {
        do {
            try await ControlModeClient.withConnection(tmux, session: session) { control in
                let screen = PaneScreen(tmux: tmux, control: control, pollInterval: configuration.typing.pollInterval)
                let monitor = PaneMonitor(
                    screen: screen, configuration: configuration.tracking, prompts: promptRequests(), hookPrecedence: configuration.hookPrecedence
                ) { [weak self] event in
                    self?.record(event)
                }
                let queue = CommandQueue(typer: SafeTyper(screen: screen, configuration: configuration.typing), audit: audit) { [weak self] record in
                    self?.record(.command(record))
                }
                await withTaskGroup(of: Void.self) { group in
                    // A connection that closes under a live session (its control client was
                    // killed) ends this task too, so the next scan connects afresh.
                    group.addTask {
                        for await _ in control.subscribe() {}
                        continuation.finish()
                    }
                    // Buffered commands still run after the stream ends; they fail fast when
                    // their pane is gone, so none is left pending.
                    for await item in work {
                        switch item {
                        case .panes(let panes):
                            for pane in panes {
                                guard let target = adopt(pane, sessionID: id, monitor: monitor, work: continuation) else { continue }
                                group.addTask {
                                    await monitor.watch(target)
                                    self.release(agent: target.agent, pane: target.pane)
                                }
                            }
                        case .command(let job):
                            group.addTask { await self.execute(job, queue: queue) }
                        case .answer(let answer):
                            group.addTask { await monitor.answer(id: answer.id, allow: answer.allow, choice: answer.choice, cancelled: answer.cancelled) }
                        }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            logger.warning("watching tmux session '\(session)' stopped: \(error)")
        }
        state.withLock { state in
            state.agents = state.agents.filter { $0.value.sessionID != id }
            if state.sessions[session]?.id == id { state.sessions.removeValue(forKey: session) }
        }
        continuation.finish()
    }

    /// Registers `pane`'s agent when it is not watched yet; returns its monitor target.
    private func adopt(_ pane: FleetPane, sessionID: Int, monitor: PaneMonitor, work: AsyncStream<Work>.Continuation) -> PaneMonitor.Target? {
        // Another session's agent of the same name keeps the name; this one is not watched.
        if let known = state.withLock({ $0.agents[pane.agent] }), known.pane == pane.pane.id || known.sessionID != sessionID {
            return nil
        }
        let target: PaneMonitor.Target
        do {
            target = try pane.monitorTarget()
        } catch {
            logger.warning("cannot watch agent '\(pane.agent)' in pane \(pane.pane.id): \(error)")
            return nil
        }
        state.withLock { state in
            state.agents[pane.agent] = Agent(sessionID: sessionID, session: pane.session, target: target, monitor: monitor, work: work)
        }
        return target
    }

    /// Forgets agent `name` if it still runs in `pane` (its watcher ended or it was killed).
    func release(agent name: String, pane: String) {
        state.withLock { state in
            if state.agents[name]?.pane == pane { state.agents.removeValue(forKey: name) }
        }
    }

    /// Appends a monitor or command event to the hub's event log.
    func record(_ event: AgentEvent) {
        var data = event.payload.objectValue ?? [:]
        data["pane"] = .string(event.pane)
        hub.engine.recordObservation(event.kind.hubEventKind, agentID: event.agent, data: data)
    }
}
