import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import EventLoopExecutors
import NIOCore
import NIOSSL

/// A server child channel whose connection task runs on the connection's own event loop.
///
/// Hummingbird runs each connection's task on the cooperative pool, so every request read on
/// the loop wakes a pool thread, and every response written from the pool wakes the loop again.
/// On the hub's hot paths (a submission, an agent's report, an event on a stream) those wake-ups
/// were most of a round trip. Pinned, the handler runs where its bytes arrive and are written;
/// the commit thread is the only other thread a change visits. Handlers must not block: nothing
/// in the hub's routes does (store reads hop to the database's own queue and back).
struct EventLoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop: value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with WebSocket upgrade, each connection's task pinned to its event loop; a
    /// refused upgrade is answered with the refusal recorded in `refusals`. A connection must
    /// send its first headers within `limits.headerTimeout` and may idle `limits.idleTimeout`
    /// between requests; with `tls`, it speaks HTTPS/WSS only. A WebSocket frame may be as large
    /// as a whole message (`maxMessageBytes`): agents send each envelope in one frame, and the
    /// library's default of 16 KiB closed the socket on any larger report.
    static func pinnedHTTP1WebSocketUpgrade<WebSocketRouter: HTTPResponderBuilder>(
        webSocketRouter: WebSocketRouter,
        refusals: UpgradeRefusals,
        departures: ClientDepartures,
        limits: HubLimits,
        maxMessageBytes: Int,
        tls: TLSConfiguration?
    ) -> HTTPServerBuilder where WebSocketRouter.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(
                additionalChannelHandlers: [RefusedUpgradeWriter(refusals: refusals), DepartureHandler(departures: departures)],
                idleTimeout: .nanoseconds(Int64(limits.idleTimeout * 1e9))
            ),
            ws: .init(maxFrameSize: maxMessageBytes)
        )
        let headerTimeout = TimeAmount.nanoseconds(Int64(limits.headerTimeout * 1e9))
        return .init { responder in
            let http = HeaderTimeoutChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                timeout: headerTimeout
            )
            guard let tls else { return EventLoopPinnedChannel(base: http) }
            return EventLoopPinnedChannel(base: try TLSChannel(http, tlsConfiguration: tls))
        }
    }
}
