import Logging
import NIOCore

/// The client's end of a connection's pipeline: frames the bytes read into packets, hands them to
/// the client and writes the replies it asks for, flushing once per read burst so acknowledgements
/// batch.
///
/// It parses and encodes packets itself rather than through `ByteToMessageHandler` and
/// `MessageToByteHandler`: only `ByteBuffer`s cross the pipeline, which NIO passes without boxing
/// each packet into an existential and casting it back, and a reply needs no extra pipeline hop.
/// That is most of the time a one-at-a-time publisher spends between a PUBACK and its next PUBLISH.
final class MQTTChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let client: MQTTClient
    let generation: Int
    let version: MQTTProtocolVersion
    let maximumPacketSize: Int
    /// Bytes of a packet that has not arrived whole yet.
    private var partial: ByteBuffer?
    private var replies: ByteBuffer?
    /// Why the connection is closing, when an error closes it.
    private var failure: (any Error)?

    init(client: MQTTClient, generation: Int, version: MQTTProtocolVersion, maximumPacketSize: Int) {
        self.client = client
        self.generation = generation
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var partial = self.partial.take() {
            partial.writeBuffer(&buffer)
            buffer = partial
        }
        do {
            // A packet that closes the connection (DISCONNECT, an unexpected CONNACK) ends the burst.
            while failure == nil, context.channel.isActive, let packet = try MQTTPacket.read(from: &buffer, version: version, maximumPacketSize: maximumPacketSize) {
                for reply in client.received(packet, generation: generation, channel: context.channel) {
                    // Taken out, not copied: a second reference would make every append copy the buffer.
                    var out = replies.take() ?? context.channel.allocator.buffer(capacity: 16)
                    try reply.write(to: &out, version: version)
                    replies = out
                }
            }
        } catch {
            // The stream cannot be resynchronised after a malformed packet.
            errorCaught(context: context, error: error)
            return
        }
        if buffer.readableBytes > 0 { partial = buffer }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let replies = replies.take() {
            context.writeAndFlush(wrapOutboundOut(replies), promise: nil)
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
