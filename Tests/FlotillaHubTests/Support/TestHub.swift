import FlotillaClient
import FlotillaCore
import FlotillaHub
import AsyncHTTPClient
import Foundation
import Logging

/// A real hub on an ephemeral port with a fresh SQLite data directory, for one test.
struct TestHub: Sendable {
    let hub: Hub
    let client: HubClient
    let adminToken: String
    let dataDirectory: String
    let port: Int

    var socketURL: String { client.socketURL }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "flotilla-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts a hub, runs `body` against it, then shuts the hub down gracefully.
    static func run<Value: Sendable>(
        policy: SchedulerPolicy = SchedulerPolicy(leaseDuration: 30, backoff: Backoff(base: 0.05, cap: 0.2, jitter: 0)),
        maxBodySize: Int = 1 << 20,
        dataDirectory: String = temporaryDirectory(),
        configure: (inout HubConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (TestHub) async throws -> Value
    ) async throws -> Value {
        var configuration = HubConfiguration(port: 0, dataDirectory: dataDirectory, maxBodySize: maxBodySize, policy: policy, tickInterval: 0.02)
        configure(&configuration)
        let http = testHTTPClient(configuration)
        var logger = Logger(label: "test.hub")
        logger.logLevel = .warning
        return try await Hub.serve(configuration: configuration, logger: logger) { served in
            let client = HubClient(baseURL: served.baseURL, token: served.adminToken, http: http)
            return try await body(TestHub(hub: served.hub, client: client, adminToken: served.adminToken, dataDirectory: dataDirectory, port: served.port))
        }
    }
}

/// The shared client, or for a TLS hub one trusting the test's own CA (`tls.certificatePath`).
private func testHTTPClient(_ configuration: HubConfiguration) -> HTTPClient {
    guard let tls = configuration.tls else { return .shared }
    return HubTrust.failingFastClient(caFile: tls.certificatePath)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `seconds` pass; throws with `what` on timeout.
///
/// The default is generous: a working hub meets it in milliseconds, and it only bounds a broken
/// one. Ten seconds was missed on a loaded machine (the whole target's hubs in one process on
/// two cores) by things that take a second there.
func eventually(_ what: String, within seconds: Double = 30, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await _Concurrency.Task.sleep(for: .milliseconds(20))
    }
    // One last look: on a starved pool the sleep above can end past the deadline, and the
    // condition that came true meanwhile was never asked.
    if try await condition() { return }
    throw TestFailure("timed out after \(seconds)s waiting for: \(what)")
}

/// Awaits `operation` but gives up after `seconds`.
func withDeadline<Value: Sendable>(_ seconds: Double, _ what: String, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await _Concurrency.Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TestFailure("timed out after \(seconds)s: \(what)")
        }
        return value
    }
}
