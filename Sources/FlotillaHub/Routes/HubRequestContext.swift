public import FlotillaEngine
public import FlotillaStore
public import Hummingbird
public import HummingbirdWebSocket
import NIOCore

/// The request context of every hub route: the core storage, the WebSocket upgrade slot and
/// the caller's identity once the auth middleware has checked the token.
public struct HubRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public var identity: Identity?
    /// The browser session the request came with, when the cookie (not a bearer token)
    /// authenticated it.
    public var browserSession: BrowserSessionRow?
    /// The stream slot an agent socket holds (``StreamSlotMiddleware``), released when it closes.
    var streamTicket: StreamTicket?
    /// The connection's channel (an agent socket writes its outbox straight to it).
    let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.webSocket = .init()
        self.identity = nil
        self.browserSession = nil
    }
}
