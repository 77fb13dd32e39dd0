import FlotillaCore
import Foundation
import MQTT
import Synchronization

/// Subscribes to `{swarm}/#` on a real broker and keeps every message, for assertions on what
/// the hub and agents published.
final class SwarmRecorder: Sendable {
    struct Record: Sendable {
        var topic: String
        var json: JSONValue
    }

    let swarm: String
    private let records = Mutex<[Record]>([])

    private init(swarm: String) { self.swarm = swarm }

    static func run<Value: Sendable>(_ broker: Broker, swarm: String, _ body: @escaping @Sendable (SwarmRecorder) async throws -> Value) async throws -> Value {
        let recorder = SwarmRecorder(swarm: swarm)
        var configuration = try MQTTClient.Configuration(url: broker.url)
        configuration.reconnect = .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        return try await MQTTClient.withConnection(configuration) { client in
            let subscription = try await client.subscribe(to: "\(swarm)/#", qos: .atLeastOnce)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in subscription {
                        let json = (try? JSONValue.parse(message.payloadString)) ?? .string(message.payloadString)
                        recorder.records.withLock { $0.append(Record(topic: message.topic, json: json)) }
                    }
                }
                defer { group.cancelAll() }
                return try await body(recorder)
            }
        }
    }

    /// Messages on `{swarm}/<leaf>` (e.g. `tasks/complete`).
    func messages(on leaf: String) -> [JSONValue] {
        let topic = "\(swarm)/\(leaf)"
        return records.withLock { $0.filter { $0.topic == topic }.map(\.json) }
    }

    /// Hub events (`type: event`) on `{swarm}/<leaf>` of the given event type.
    func events(on leaf: String, type: String) -> [JSONValue] {
        messages(on: leaf).filter { $0["type"] == "event" && $0["payload"]?["type"]?.stringValue == type }
    }
}
