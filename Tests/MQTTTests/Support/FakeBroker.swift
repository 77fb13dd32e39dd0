import NIOCore
import NIOPosix
import Synchronization

@testable import MQTT

/// A scripted broker built on our own codec, for behaviour mosquitto will not produce on demand:
/// duplicate QoS 2 deliveries, withheld acknowledgements, tiny Receive Maximum, dropped links.
final class FakeBroker: Sendable {
    enum Event: Sendable, Equatable {
        case connected(Int)
        case packet(Int, MQTTPacket)
        case closed(Int)
    }

    let port: Int
    let version: MQTTProtocolVersion
    private let server: any Channel
    private let shared: Shared

    final class Shared: Sendable {
        let events = Mutex<[Event]>([])
        let connections = Mutex<[Int: any Channel]>([:])
        let nextID = Mutex(0)
        /// What CONNACK carries; nil means the test answers CONNECT itself.
        let connack = Mutex<MQTTConnAckPacket?>(MQTTConnAckPacket(sessionPresent: false))
    }

    init(version: MQTTProtocolVersion) async throws {
        let shared = Shared()
        self.shared = shared
        self.version = version
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let id = shared.nextID.withLock { id in
                        id += 1
                        return id
                    }
                    shared.connections.withLock { $0[id] = child }
                    shared.events.withLock { $0.append(.connected(id)) }
                    let sync = child.pipeline.syncOperations
                    try sync.addHandler(ByteToMessageHandler(MQTTPacketDecoder(version: version, maximumPacketSize: ByteBuffer.maxPacketSize)))
                    try sync.addHandler(MessageToByteHandler(MQTTPacketEncoder(version: version)))
                    try sync.addHandler(FakeBrokerHandler(id: id, shared: shared))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = server.localAddress?.port ?? 0
    }

    func configuration(clientID: String = "fake-client") -> MQTTClient.Configuration {
        var configuration = MQTTClient.Configuration(host: "127.0.0.1", port: port)
        configuration.version = version
        configuration.clientID = clientID
        configuration.reconnect = .init(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100))
        return configuration
    }

    func setConnAck(_ connack: MQTTConnAckPacket?) { shared.connack.withLock { $0 = connack } }

    var events: [Event] { shared.events.withLock { $0 } }

    var packets: [MQTTPacket] {
        events.compactMap { if case .packet(_, let packet) = $0 { packet } else { nil } }
    }

    /// Waits until the packets received so far satisfy `condition`.
    func waitForPackets(timeout: Duration = .seconds(5), _ what: String = "packets", _ condition: @escaping ([MQTTPacket]) -> Bool) async throws {
        try await waitUntil(timeout: timeout, "\(what); got \(packets.map(\.type))") { condition(self.packets) }
    }

    func send(_ packet: MQTTPacket, to connection: Int? = nil) async throws {
        let channel = shared.connections.withLock { connections in
            connection.flatMap { connections[$0] } ?? connections.max(by: { $0.key < $1.key })?.value
        }
        try await channel?.writeAndFlush(packet)
    }

    func closeConnections() {
        let channels = shared.connections.withLock { $0.values }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Aborts every connection with a TCP reset (SO_LINGER 0), as a crashed peer's kernel does.
    func resetConnections() async throws {
        let channels = shared.connections.withLock { $0.values }
        for channel in channels {
            guard let socket = channel as? any SocketOptionProvider else { continue }
            try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            try await channel.close()
        }
    }

    func close() async {
        closeConnections()
        try? await server.close()
    }
}

private final class FakeBrokerHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    typealias OutboundOut = MQTTPacket
    let id: Int
    let shared: FakeBroker.Shared

    init(id: Int, shared: FakeBroker.Shared) {
        self.id = id
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        shared.events.withLock { $0.append(.packet(id, packet)) }
        switch packet {
        case .connect:
            if let connack = shared.connack.withLock({ $0 }) { context.writeAndFlush(wrapOutboundOut(.connack(connack)), promise: nil) }
        case .pingreq:
            context.writeAndFlush(wrapOutboundOut(.pingresp), promise: nil)
        case .subscribe(let subscribe):
            let ack = MQTTSubAckPacket(packetID: subscribe.packetID, reasonCodes: subscribe.subscriptions.map(\.qos.rawValue))
            context.writeAndFlush(wrapOutboundOut(.suback(ack)), promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        shared.events.withLock { $0.append(.closed(id)) }
        shared.connections.withLock { $0[id] = nil }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
