import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// An engine on a real SQLite file, its services running, no network: what a test drives
/// through the engine's public operations.
enum EngineHarness {
    static func temporaryDatabase() -> String {
        let directory = NSTemporaryDirectory() + "flotilla-engine-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/flotilla.sqlite"
    }

    /// Opens the store at `path` and an engine on it, runs its services while `body` runs,
    /// then shuts them down gracefully (the store is closed when the engine is released).
    /// `awaiting`: through the asynchronous protocol only (``AwaitingStore``).
    static func run<Value: Sendable>(
        path: String,
        awaiting: Bool = false,
        configuration: EngineConfiguration = EngineConfiguration(tickInterval: 0.02, retention: nil),
        beforeServices: @Sendable (Engine) -> Void = { _ in },
        _ body: @escaping @Sendable (Engine) async throws -> Value
    ) async throws -> Value {
        var logger = Logger(label: "test.engine")
        logger.logLevel = .warning
        let sqlite = try SQLiteStore(configuration: .init(path: path))
        let store: any Store = awaiting ? AwaitingStore(sqlite: sqlite) : sqlite
        let engine = try await Engine(configuration: configuration, store: store, logger: logger)
        beforeServices(engine)
        let group = ServiceGroup(configuration: .init(services: engine.services, gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(engine))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An agent connection's outbox that keeps what the engine sends, for the test to take in
/// order: the transport a test has instead of a socket.
final class CollectingOutbox: AgentOutbox {
    private struct State {
        var received: [Envelope] = []
        /// Indices of the messages a test has taken.
        var taken: Set<Int> = []
        var finished = false
    }

    private let state = Mutex(State())

    func send(_ envelope: Envelope) {
        state.withLock { state in
            if !state.finished { state.received.append(envelope) }
        }
    }

    func finish() { state.withLock { $0.finished = true } }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// Every message received so far.
    var received: [Envelope] { state.withLock { $0.received } }

    /// The oldest message of `type` not taken yet (others stay for later), or a failure after
    /// `seconds`.
    func next(_ type: MessageType, within seconds: Double = 10) async throws -> Envelope {
        try await eventuallyValue("a '\(type.rawValue)' message", within: seconds) {
            self.state.withLock { state -> Envelope? in
                guard let index = state.received.indices.first(where: { !state.taken.contains($0) && state.received[$0].type == type }) else { return nil }
                state.taken.insert(index)
                return state.received[index]
            }
        }
    }
}

/// Polls `value` until it is not nil or `seconds` pass; throws naming `what` on timeout.
func eventuallyValue<Value: Sendable>(_ what: String, within seconds: Double = 10, _ value: @Sendable () async throws -> Value?) async throws -> Value {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if let value = try await value() { return value }
        try await _Concurrency.Task.sleep(for: .milliseconds(5))
    }
    throw TestFailure("timed out after \(seconds) s waiting for \(what)")
}
