import FlotillaCore
import FlotillaEngine
public import Logging
import Foundation
import ServiceLifecycle

/// A hub accepting connections, as handed to the body of ``Hub/serve(configuration:logger:_:)``.
public struct ServedHub: Sendable {
    public let hub: Hub
    /// The bound port (the real one when the configuration asked for port 0).
    public let port: Int
    /// The admin token: new on a first start, else read from the data directory.
    public let adminToken: String

    public var baseURL: String { "\(hub.configuration.scheme)://\(hub.configuration.host):\(port)" }
}

extension Hub {
    /// Opens a hub, serves it while `body` runs, then shuts it down gracefully.
    ///
    /// For embedding a hub in another program (the benchmark, the tests); `flotilla hub` runs
    /// its own service group so signals stop it.
    public static func serve<Value: Sendable>(
        configuration: HubConfiguration,
        logger: Logger = Logger(label: "flotilla.hub"),
        _ body: @escaping @Sendable (ServedHub) async throws -> Value
    ) async throws -> Value {
        let (hub, newToken) = try await open(configuration: configuration, logger: logger)
        let adminToken = try newToken
            ?? String(contentsOfFile: configuration.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(hub: hub, logger: logger) { portContinuation.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.waitForAll()
                throw FlotillaError(.internalError, "The hub stopped before it was listening.")
            }
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(ServedHub(hub: hub, port: port, adminToken: adminToken)))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
