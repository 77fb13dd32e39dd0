import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import MQTT

/// `MQTTClient.Transport.busyPolling` against a real mosquitto (and the fake broker where a connection must
/// end on cue): the loop spins while a reply is awaited, reads the reply from the socket itself,
/// and stops once nothing is awaited or the budget is spent.
@Suite(.timeLimit(.minutes(1))) struct BusyPollTests {
    /// The connection's poller, read on its loop: turns taken, replies it read from the socket
    /// itself, and whether it still spins.
    private func pollerState(_ client: MQTTClient) async throws -> (turns: Int, reads: Int, spinning: Bool)? {
        // The poller is the busy-polling transport's, reached through the handler it adds to the
        // connection's pipeline: the client itself holds no reference to it.
        guard let channel = client.state.withLock({ $0.connection?.channel }) else { return nil }
        return try await channel.eventLoop.submit { () -> (turns: Int, reads: Int, spinning: Bool)? in
            guard let watcher = try? channel.pipeline.syncOperations.handler(type: MQTTBusyPoller.RequestWatcher.self) else { return nil }
            return (watcher.poller.turns, watcher.poller.connectionReads, watcher.poller.isSpinning)
        }.get()
    }

    @Test func spinsWhileRepliesAreAwaitedThenSleeps() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v5)
        // Far beyond the test's length: only "nothing awaited" can stop this spin.
        configuration.transport = .busyPolling(.seconds(60))
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
            #expect(spun.reads > 0, "the poller never read a reply from the socket itself")
            try await waitUntil(timeout: .seconds(5), "the poller stops once nothing is awaited") {
                try await pollerState(client)?.spinning == false
            }
        }
    }

    @Test func budgetBoundsTheSpinWhileTheBrokerIsSilent() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v3_1_1)
        configuration.transport = .busyPolling(.milliseconds(50))
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

    /// The transport's watcher, not the client, tells requests from the rest: it spins for a
    /// packet the broker answers, found anywhere in a burst, and for nothing else.
    @Test func watcherFindsRequestsInBursts() throws {
        func burst(_ packets: [MQTTPacket]) throws -> ByteBuffer {
            var buffer = ByteBuffer()
            for packet in packets { try packet.write(to: &buffer, version: .v5) }
            return buffer
        }
        let big = ByteBuffer(repeating: 7, count: 300) // a remaining length of two bytes
        let qos0 = MQTTPacket.publish(MQTTPublishPacket(topic: "t", payload: big))
        let qos1 = MQTTPacket.publish(MQTTPublishPacket(topic: "t", payload: big, qos: .atLeastOnce, packetID: 1))
        let subscribe = MQTTPacket.subscribe(MQTTSubscribePacket(packetID: 2, subscriptions: [MQTTSubscribeInfo("a/#")]))
        let holds = MQTTBusyPoller.RequestWatcher.holdsRequest
        #expect(try !holds(burst([qos0, .puback(MQTTAckPacket(packetID: 3)), .pingreq])))
        #expect(try holds(burst([qos1])))
        #expect(try holds(burst([qos0, qos0, subscribe])))
        #expect(try holds(burst([.puback(MQTTAckPacket(packetID: 3)), .pubrel(MQTTAckPacket(packetID: 4))])))
        #expect(try holds(burst([qos0, .unsubscribe(MQTTUnsubscribePacket(packetID: 5, filters: ["a/#"]))])))
    }

    @Test func offByDefault() async throws {
        let broker = try await Mosquitto()
        try await MQTTClient.withConnection(broker.configuration(.v5)) { client in
            try await client.publish(to: "busy/none", payload: "x", qos: .atLeastOnce)
            #expect(try await pollerState(client) == nil)
        }
    }

    @Test func overTLSTheRepliesItReadsPassThroughTheTLSHandler() async throws {
        let broker = try await TLSInteropTests.tlsBroker()
        var configuration = try MQTTClient.Configuration(url: "mqtts://127.0.0.1:\(broker.port)")
        configuration.tls?.trustRoots = .file(broker.directory + "/ca.crt")
        configuration.transport = .busyPolling(.seconds(60))
        try await MQTTClient.withConnection(configuration) { client in
            let messages = try await client.subscribe(to: "busy/tls", qos: .atLeastOnce)
            for index in 0..<50 {
                try await client.publish(to: "busy/tls", payload: "t\(index)", qos: .atLeastOnce)
            }
            var received: [String] = []
            for await message in messages {
                received.append(message.payloadString)
                if received.count == 50 { break }
            }
            #expect(received == (0..<50).map { "t\($0)" })
            #expect(try #require(try await pollerState(client)).reads > 0, "the poller never read from the TLS connection")
        }
    }

    @Test func connectsByNameTryingEachAddress() async throws {
        // mosquitto listens on 127.0.0.1 only; "localhost" may resolve to ::1 first.
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v3_1_1)
        configuration.host = "localhost"
        configuration.transport = .busyPolling(.milliseconds(50))
        try await MQTTClient.withConnection(configuration) { client in
            try await client.publish(to: "busy/name", payload: "x", qos: .atLeastOnce)
            #expect(client.isConnected)
        }
    }

    @Test func aRefusedConnectionIsAClearError() async throws {
        // A port bound but never listening refuses for as long as we hold it; a port merely found
        // free may be taken by a parallel test's listener before the client connects.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && getsockname(holder, $0, &length) == 0 }
        }
        try #require(bound)
        var configuration = MQTTClient.Configuration(host: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)))
        configuration.transport = .busyPolling(.milliseconds(50))
        configuration.reconnect = nil
        let client = MQTTClient(configuration: configuration)
        let error = await #expect(throws: MQTTError.self) { try await client.run() }
        #expect(error?.code == .connectionClosed)
        #expect(error?.message.contains("Could not connect to 127.0.0.1:\(configuration.port)") == true, "\(String(describing: error))")
        #expect(error?.message.contains("refused") == true, "\(String(describing: error))")
    }

    @Test func aConnectThatHangsEndsAtTheConnectTimeout() async throws {
        // A listener that never accepts, with its one-connection queue already full: the kernel
        // drops further SYNs, so a connect neither succeeds nor fails by itself.
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 0)
            .serverChannelOption(ChannelOptions.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        var filler: [any Channel] = []
        defer {
            for channel in filler { channel.close(promise: nil) }
            listener.close(promise: nil)
        }
        for _ in 0..<2 {
            guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(200)).connect(host: "127.0.0.1", port: port).get() else { break }
            filler.append(channel)
        }
        var configuration = MQTTClient.Configuration(host: "127.0.0.1", port: port)
        configuration.transport = .busyPolling(.milliseconds(50))
        configuration.connectTimeout = .milliseconds(300)
        configuration.reconnect = nil
        let client = MQTTClient(configuration: configuration)
        let start = ContinuousClock.now
        let error = await #expect(throws: MQTTError.self) { try await client.run() }
        #expect(error?.code == .timeout, "\(String(describing: error))")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    /// The broker hangs up while a PUBACK is awaited: the end of the stream the poller's read finds
    /// is left to NIO, which closes the connection; the message is re-sent on the next one.
    @Test func aConnectionClosedWhileSpinningReconnectsAndResends() async throws {
        let broker = try await FakeBroker(version: .v3_1_1)
        var configuration = broker.configuration()
        configuration.transport = .busyPolling(.seconds(60))
        try await MQTTClient.withConnection(configuration) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.publish(to: "busy/closed", payload: "again", qos: .atLeastOnce) }
                try await waitUntil(timeout: .seconds(5), "the poller spins while the PUBACK is withheld") {
                    try await (pollerState(client)?.turns ?? 0) > 0
                }
                broker.closeConnections()
                try await broker.waitForPackets("the PUBLISH re-sent with DUP") { packets in
                    packets.contains { if case .publish(let publish) = $0 { publish.dup } else { false } }
                }
                try await broker.send(.puback(MQTTAckPacket(packetID: 1)))
                try await group.waitForAll()
            }
        }
    }

    /// A reset (RST) the poller's read meets is passed down the pipeline: the connection closes
    /// with the reset as its cause, instead of the read swallowing it and NIO seeing a clean end.
    @Test func aResetWhileSpinningClosesWithTheResetAsCause() async throws {
        let broker = try await FakeBroker(version: .v3_1_1)
        var configuration = broker.configuration()
        configuration.transport = .busyPolling(.seconds(60))
        configuration.reconnect = nil
        let client = MQTTClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await client.run() }
            try await waitUntil(timeout: .seconds(5), "connected") { client.isConnected }
            group.addTask { _ = try? await client.publish(to: "busy/reset", payload: "x", qos: .atLeastOnce) }
            try await waitUntil(timeout: .seconds(5), "the poller spins while the PUBACK is withheld") {
                try await (pollerState(client)?.turns ?? 0) > 0
            }
            try await broker.resetConnections()
            try await waitUntil(timeout: .seconds(5), "the connection closes") { !client.isConnected }
            let cause = client.state.withLock { $0.lastClosed?.error }
            #expect(cause?.message.lowercased().contains("reset") == true, "\(String(describing: cause))")
            await client.disconnect()
            group.cancelAll()
        }
    }
}
