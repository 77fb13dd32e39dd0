public import FlotillaCore
public import FlotillaStore
public import Logging
import Foundation
import Synchronization

/// Flotilla's engine: the scheduler in memory, the store behind it, and everything that hears
/// about changes (event subscribers, agent connections, waiting clients). Transports (HTTP,
/// WebSocket, MQTT) act on it only through its public operations.
///
/// Every change follows one path: mutate the scheduler under its lock, queue the resulting
/// writes for group commit (still under the lock, so commit order is mutation order), and once
/// they are durable publish the events, send agent messages and answer the caller.
///
/// A failed commit changes nothing that anyone sees: its caller (and every change queued
/// behind it) gets `store_unavailable`, and memory is rebuilt from the store
/// (Engine+recovery.swift), refusing changes until the store takes writes again.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    /// API tokens: who may do what (checked by every transport).
    public let tokens: TokenAuthority
    /// Committed events, live.
    public let events: EventBus
    let store: any Store
    let commits: CommitQueue
    let scheduler: Mutex<Scheduler>
    let connections = AgentConnections()
    let waiters = TaskWaiters()
    /// Callers and observers waiting on approval decisions (Approvals/).
    let approvalWatch = ApprovalWatch()
    /// Attempts' output, outside the commit path (Output/).
    let output: OutputLogs
    let storeHealth = StoreHealth()
    /// The stats history's samples (StatsSampler.swift).
    let history: Mutex<StatsHistory>
    /// Wakes the recovery service after a failed commit (Engine+recovery.swift).
    let recoveryRequests = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    /// Registered workflows and runs in progress (Workflows/).
    let workflowRuntime: WorkflowRuntime
    let logger: Logger

    /// Loads the tokens and the scheduler's state from `store`. The engine commits nothing
    /// until its ``services`` run.
    public init(configuration: EngineConfiguration, store: any Store, logger: Logger = Logger(label: "flotilla.engine")) async throws {
        self.configuration = configuration
        self.store = store
        self.tokens = try await TokenAuthority(store: store)
        self.logger = logger
        self.events = EventBus(bufferSize: configuration.eventBufferSize)
        self.output = OutputLogs(configuration: configuration.output)
        self.commits = CommitQueue(store: store, logger: logger)
        self.history = Mutex(StatsHistory(capacity: configuration.historyCapacity))
        self.workflowRuntime = try await WorkflowRuntime.load(store: store, logger: logger)
        let snapshot = try await store.loadSnapshot()
        var scheduler = Scheduler(policy: configuration.policy)
        scheduler.observeClock(wall: Timestamp.now(), monotonic: MonotonicTime.now())
        scheduler.setBudgets(configuration.budgets, now: Timestamp.now())
        scheduler.approvalPolicy = configuration.approvals
        scheduler.restore(snapshot, now: Timestamp.now())
        self.scheduler = Mutex(scheduler)
        self.events.start(at: snapshot.lastEventSeq)
    }

    /// Runs a scheduler operation and calls `completion` once its changes are committed (or the
    /// commit failed). Never waits, so socket readers keep reading while commits group up.
    func mutate<Value: Sendable>(
        _ operation: (inout Scheduler, Double) throws -> Value,
        completion: @escaping @Sendable (Result<Value, FlotillaError>) -> Void
    ) {
        let now = Timestamp.now(), monotonic = MonotonicTime.now()
        let outcome: Result<Value, FlotillaError>? = scheduler.withLock { scheduler in
            // Checked under the lock: the recovery clears it under the same lock, once memory
            // is the store's again.
            if storeHealth.isFailed { return Result<Value, FlotillaError>.failure(storeRefusal()) }
            if let step = scheduler.observeClock(wall: now, monotonic: monotonic) {
                self.logger.warning("The wall clock stepped by \(step) s: leases and timers keep counting real time.")
            }
            let result: Result<Value, FlotillaError>
            do {
                result = .success(try operation(&scheduler, now))
            } catch let error as FlotillaError {
                result = .failure(error)
            } catch {
                result = .failure(FlotillaError(.internalError, "\(error)"))
            }
            let effects = scheduler.takeEffects()
            if effects.writes.isEmpty {
                self.deliver(effects)
                return result
            }
            self.commits.enqueue(effects.writes) { [self] committed in
                switch committed {
                case .success:
                    self.deliver(effects)
                    completion(result)
                case .failure(let error):
                    self.commitFailed(error)
                    completion(.failure(FlotillaError(.storeUnavailable, "The change could not be stored: \(error)")))
                }
            }
            return nil
        }
        if let outcome { completion(outcome) }
    }

    /// Runs a scheduler operation and returns once its changes are durable.
    func mutate<Value: Sendable>(_ operation: (inout Scheduler, Double) throws -> Value) async throws(FlotillaError) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, FlotillaError>, Never>) in
            mutate(operation) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Reads the scheduler without changing it.
    func inspect<Value: Sendable>(_ body: (inout Scheduler) -> Value) -> Value {
        scheduler.withLock { body(&$0) }
    }

    private func deliver(_ effects: Scheduler.Effects) {
        events.publish(effects.events)
        output.observe(effects.events)
        for message in effects.outbound {
            connections.send(message.envelope, to: message.connection)
        }
        waiters.finished(effects.finished)
        approvalWatch.decided(effects.decidedApprovals)
        workflowRuntime.observe(effects.finished)
    }

    /// Lets time pass in the scheduler: leases, timeouts, backoffs.
    public func tick() async {
        _ = try? await mutate { scheduler, now in scheduler.tick(now: now) }
    }

    /// Changes queued for commit and not yet committed and delivered (`/api/stats`
    /// `commits_pending`).
    public var commitsPending: Int { commits.pendingCount }

    /// Ends every agent connection and event stream: the engine is stopping.
    public func shutdown() {
        connections.closeAll()
        events.finishAll()
    }
}
