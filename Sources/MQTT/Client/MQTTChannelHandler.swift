import Logging
import NIOCore

/// The last handler of a connection's pipeline: hands packets to the client and writes the
/// replies it asks for, flushing once per read burst so acknowledgements batch.
final class MQTTChannelHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    typealias OutboundOut = MQTTPacket

    let client: MQTTClient
    let generation: Int
    private var needsFlush = false
    /// Why the connection is closing, when an error closes it.
    private var failure: (any Error)?

    init(client: MQTTClient, generation: Int) {
        self.client = client
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        let replies = client.received(packet, generation: generation, channel: context.channel)
        for reply in replies {
            context.write(wrapOutboundOut(reply), promise: nil)
            needsFlush = true
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        client.writabilityChanged(generation: generation)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // TLS reports a failed handshake after closing; a tick later its error has been seen.
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            handler.value.client.connectionClosed(generation: handler.value.generation, cause: handler.value.failure)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        client.logger.warning("MQTT connection error, closing", metadata: ["error": "\(error)"])
        if failure == nil { failure = error }
        context.close(promise: nil)
    }
}
