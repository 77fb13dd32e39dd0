import Foundation
import NIOCore
import Testing

@testable import MQTT

/// Inbound flow control against a real mosquitto: a subscriber whose consumer stops reading holds
/// at most `maxBufferedMessages` messages, the client stops reading the socket meanwhile, and once
/// the consumer drains, every message arrives exactly once and in order.
@Suite(.timeLimit(.minutes(2))) struct FlowControlTests {
    static let count = 50_000
    static let highWaterMark = 1_000

    @Test(arguments: [(MQTTProtocolVersion.v5, false), (.v3_1_1, true)])
    func aStalledConsumerPausesReadingAndLosesNothing(version: MQTTProtocolVersion, busyPolling: Bool) async throws {
        let broker = try await Mosquitto()
        var subscriberConfiguration = broker.configuration(version, clientID: "fc-sub-\(version)")
        subscriberConfiguration.maxBufferedMessages = Self.highWaterMark
        if busyPolling { subscriberConfiguration.transport = .busyPolling(.milliseconds(5)) }
        try await MQTTClient.withConnection(subscriberConfiguration) { subscriber in
            let messages = try await subscriber.subscribe(to: "fc/#", qos: .atLeastOnce)
            try await MQTTClient.withConnection(broker.configuration(version, clientID: "fc-pub-\(version)")) { publisher in
                // Pipelined; brokers acknowledge QoS 1 in order, so the last PUBACK covers all.
                for index in 0..<(Self.count - 1) {
                    try await publisher.publish(to: "fc/m", payload: "m\(index)", qos: .atLeastOnce, waitForAcknowledgement: false)
                }
                try await publisher.publish(to: "fc/m", payload: "m\(Self.count - 1)", qos: .atLeastOnce)
            }
            // Nobody reads `messages` yet: the subscriber fills up to the mark and stops reading.
            try await waitUntil(timeout: .seconds(30), "the subscriber pauses at the mark (holds \(messages.bufferedCount))") {
                subscriber.isReadingPaused && messages.bufferedCount == Self.highWaterMark
            }
            #expect(messages.peakBufferedCount == Self.highWaterMark)
            #expect(subscriber.isConnected, "pausing must not cost the connection")

            var iterator = messages.makeAsyncIterator()
            var resumed = false
            for index in 0..<Self.count {
                let message = try #require(await iterator.next())
                guard message.payloadString == "m\(index)" else {
                    Issue.record("message \(index) was '\(message.payloadString)': lost, repeated or out of order")
                    return
                }
                if !subscriber.isReadingPaused { resumed = true }
            }
            #expect(resumed, "reading never resumed while the consumer drained")
            #expect(messages.peakBufferedCount <= Self.highWaterMark, "buffered \(messages.peakBufferedCount) messages")
            // Exactly once: the next message is the one published after the flood, not a repeat.
            try await subscriber.publish(to: "fc/end", payload: "end", qos: .atLeastOnce)
            #expect(await iterator.next()?.payloadString == "end")
            #expect(messages.bufferedCount == 0)
        }
    }

    @Test func unsubscribingTheFullSubscriptionResumesReadingForTheOthers() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v5)
        configuration.maxBufferedMessages = 10
        try await MQTTClient.withConnection(configuration) { client in
            let stalled = try await client.subscribe(to: "fc/stalled", qos: .atLeastOnce)
            let live = try await client.subscribe(to: "fc/live", qos: .atLeastOnce)
            try await MQTTClient.withConnection(broker.configuration(.v5)) { publisher in
                for index in 0..<20 {
                    try await publisher.publish(to: "fc/stalled", payload: "s\(index)", qos: .atLeastOnce)
                }
                try await waitUntil("the client pauses at 10 messages") { client.isReadingPaused && stalled.bufferedCount == 10 }
                try await publisher.publish(to: "fc/live", payload: "live", qos: .atLeastOnce)
            }
            // Its stream ends and no longer holds reading back; the live subscription gets its message.
            try await client.unsubscribe(stalled)
            var iterator = live.makeAsyncIterator()
            #expect(await iterator.next()?.payloadString == "live")
            #expect(!client.isReadingPaused)
            #expect(stalled.peakBufferedCount == 10)
        }
    }

    /// The hub's bridge answers on its inbound loop and awaits the PUBACK: with its subscription
    /// full, the client reads on for that reply (holding the PUBLISHes it meets, unacknowledged)
    /// instead of deadlocking, and delivers the held ones, in order, once the consumer drains.
    @Test(arguments: [false, true])
    func aConsumerAwaitingItsOwnPublishWhilePausedIsNotDeadlocked(busyPolling: Bool) async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v5)
        configuration.maxBufferedMessages = 10
        if busyPolling { configuration.transport = .busyPolling(.milliseconds(5)) }
        try await MQTTClient.withConnection(configuration) { client in
            let messages = try await client.subscribe(to: "fc/in", qos: .atLeastOnce)
            try await MQTTClient.withConnection(broker.configuration(.v5)) { publisher in
                for index in 0..<100 {
                    try await publisher.publish(to: "fc/in", payload: "i\(index)", qos: .atLeastOnce, waitForAcknowledgement: false)
                }
                try await publisher.publish(to: "fc/in", payload: "i100", qos: .atLeastOnce)
            }
            try await waitUntil("the client pauses at 10 messages") { client.isReadingPaused && messages.bufferedCount == 10 }
            // Its PUBACK comes behind PUBLISHes the client has not read yet.
            try await client.publish(to: "fc/out", payload: "answer", qos: .atLeastOnce)
            #expect(messages.bufferedCount == 10, "delivered beyond the mark while reading on for a reply")
            var iterator = messages.makeAsyncIterator()
            for index in 0...100 {
                let message = try #require(await iterator.next())
                #expect(message.payloadString == "i\(index)")
                guard message.payloadString == "i\(index)" else { return }
            }
            #expect(messages.peakBufferedCount == 10)
        }
    }

    /// While reading is paused the PINGRESP waits unread like everything else: the keep-alive
    /// must not take that for a dead broker, close the connection and lose the session.
    @Test func theKeepAliveGivesNoVerdictWhileReadingIsPaused() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v3_1_1)
        configuration.maxBufferedMessages = 5
        configuration.keepAlive = .milliseconds(200)
        // Long enough that a loaded machine answers in time before reading pauses; while it is
        // paused every verdict would close the connection without the fix.
        configuration.pingTimeout = .milliseconds(500)
        try await MQTTClient.withConnection(configuration) { client in
            let messages = try await client.subscribe(to: "fc/ka", qos: .atLeastOnce)
            try await MQTTClient.withConnection(broker.configuration(.v3_1_1)) { publisher in
                for index in 0..<10 { try await publisher.publish(to: "fc/ka", payload: "k\(index)", qos: .atLeastOnce) }
            }
            try await waitUntil("the client pauses at 5 messages") { client.isReadingPaused && messages.bufferedCount == 5 }
            let generation = try #require(client.connectionGeneration)
            let pings = client.state.withLock { $0.pingsSent }
            // Each PINGREQ is sent after the previous one's verdict: three more mean two verdicts passed.
            try await waitUntil("three more PINGREQs") { client.state.withLock { $0.pingsSent } >= pings + 3 }
            #expect(client.connectionGeneration == generation, "the keep-alive closed a paused connection")
            var iterator = messages.makeAsyncIterator()
            for index in 0..<10 { #expect(await iterator.next()?.payloadString == "k\(index)") }
        }
    }
}
