import NIOCore
import Synchronization

/// What to do when a client closes its side of a connection, per connection.
///
/// The server allows half-closed connections, so a client that hangs up while its event
/// stream waits for the next event is not noticed until a write fails, and would hold its
/// subscription and stream slot until then. A stream registers here; ``DepartureHandler``, in
/// the connection's pipeline, runs the registrations when the client's side closes.
final class ClientDepartures: Sendable {
    private let hooks = Mutex<[ObjectIdentifier: [@Sendable () -> Void]]>([:])

    func onDeparture(of channel: any Channel, _ hook: @escaping @Sendable () -> Void) {
        hooks.withLock { $0[ObjectIdentifier(channel), default: []].append(hook) }
    }

    /// Runs and forgets the connection's hooks.
    func depart(_ channel: any Channel) {
        let taken = hooks.withLock { $0.isEmpty ? nil : $0.removeValue(forKey: ObjectIdentifier(channel)) }
        for hook in taken ?? [] { hook() }
    }
}

/// Runs a connection's ``ClientDepartures`` when the client closes its side or the connection ends.
final class DepartureHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let departures: ClientDepartures

    init(departures: ClientDepartures) {
        self.departures = departures
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent { departures.depart(context.channel) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        departures.depart(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        departures.depart(context.channel)
    }
}
