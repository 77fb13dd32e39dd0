import Foundation
import NIOCore
import Testing

@testable import MQTT

/// `Configuration.busyPoll` against a real mosquitto: the loop spins while a reply is awaited,
/// and stops once nothing is awaited or the budget is spent.
@Suite(.timeLimit(.minutes(1))) struct BusyPollTests {
    /// The connection's poller, read on its loop: turns taken and whether it still spins.
    private func pollerState(_ client: MQTTClient) async throws -> (turns: Int, spinning: Bool)? {
        guard let poller = client.state.withLock({ $0.connection?.writer.busyPoller }) else { return nil }
        return try await client.eventLoop.submit { (poller.value.turns, poller.value.isSpinning) }.get()
    }

    @Test func spinsWhileRepliesAreAwaitedThenSleeps() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v5)
        // Far beyond the test's length: only "nothing awaited" can stop this spin.
        configuration.busyPoll = .seconds(60)
        try await MQTTClient.withConnection(configuration) { client in
            let messages = try await client.subscribe(to: "busy/#", qos: .atLeastOnce)
            try await withTaskExecutorPreference(client.taskExecutor) {
                for index in 0..<200 {
                    try await client.publish(to: "busy/\(index)", payload: "m\(index)", qos: .atLeastOnce)
                }
            }
            var received: [String] = []
            for await message in messages {
                received.append(message.payloadString)
                if received.count == 200 { break }
            }
            #expect(received == (0..<200).map { "m\($0)" })
            let spun = try #require(try await pollerState(client))
            #expect(spun.turns > 0, "the loop never turned through the poller")
            try await waitUntil(timeout: .seconds(5), "the poller stops once nothing is awaited") {
                try await pollerState(client)?.spinning == false
            }
        }
    }

    @Test func budgetBoundsTheSpinWhileTheBrokerIsSilent() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v3_1_1)
        configuration.busyPoll = .milliseconds(50)
        try await MQTTClient.withConnection(configuration) { client in
            broker.signal(SIGSTOP)
            defer { broker.signal(SIGCONT) }
            let acknowledged = Locked(false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.publish(to: "busy/frozen", payload: "wait", qos: .atLeastOnce)
                    acknowledged.withLock { $0 = true }
                }
                try await waitUntil(timeout: .seconds(5), "the poller starts spinning") {
                    try await (pollerState(client)?.turns ?? 0) > 0
                }
                // The PUBACK cannot come while the broker is stopped: the budget alone ends the spin.
                try await waitUntil(timeout: .seconds(5), "the poller gives up after its budget") {
                    try await pollerState(client)?.spinning == false
                }
                let waiting = client.state.withLock { $0.outbound.count }
                #expect(waiting == 1)
                #expect(acknowledged.withLock { $0 } == false)
                broker.signal(SIGCONT)
                try await group.waitForAll()
            }
            #expect(acknowledged.withLock { $0 })
        }
    }

    @Test func offByDefault() async throws {
        let broker = try await Mosquitto()
        try await MQTTClient.withConnection(broker.configuration(.v5)) { client in
            try await client.publish(to: "busy/none", payload: "x", qos: .atLeastOnce)
            #expect(try await pollerState(client) == nil)
        }
    }
}
