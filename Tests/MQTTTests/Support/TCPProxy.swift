import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy in front of a broker that tests control: forward, silently drop everything
/// (a half-open connection, as after a network partition), or refuse and cut connections.
final class TCPProxy: Sendable {
    enum Mode: Sendable { case forward, blackhole, refuse }

    let port: Int
    private let server: any Channel
    private let state: ProxyState

    init(upstreamPort: Int) async throws {
        let state = ProxyState()
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelInitializer { child in
                if state.mode.withLock({ $0 }) == .refuse { return child.close() }
                return ClientBootstrap(group: child.eventLoop).connect(host: "127.0.0.1", port: upstreamPort).flatMapThrowing { upstream in
                    try child.pipeline.syncOperations.addHandler(GlueHandler(peer: upstream, state: state))
                    try upstream.pipeline.syncOperations.addHandler(GlueHandler(peer: child, state: state))
                    state.channels.withLock { $0 += [child, upstream] }
                    child.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = server.localAddress?.port ?? 0
        self.state = state
    }

    func set(_ mode: Mode) {
        state.mode.withLock { $0 = mode }
        if mode == .refuse { dropAll() }
    }

    /// Cuts every proxied connection at once (both sides see the TCP close).
    func dropAll() {
        let channels = state.channels.withLock { channels in
            defer { channels.removeAll() }
            return channels
        }
        for channel in channels { channel.close(promise: nil) }
    }

    func close() async {
        dropAll()
        try? await server.close()
    }
}

private final class ProxyState: Sendable {
    let mode = Mutex(TCPProxy.Mode.forward)
    let channels = Mutex<[any Channel]>([])
}

private final class GlueHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let peer: any Channel
    let state: ProxyState

    init(peer: any Channel, state: ProxyState) {
        self.peer = peer
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state.mode.withLock({ $0 }) == .forward else { return }
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
