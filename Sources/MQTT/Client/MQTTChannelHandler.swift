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
///
/// It is also where flow control (``MQTTFlowControl``) takes effect. Once the connection is up and
/// reading is paused, it delivers no PUBLISH (and acknowledges none): the ones it parses wait in
/// ``held``. It reads on only while the client awaits a reply (a PUBACK, SUBACK…), since a
/// consumer may be waiting for that very reply, and fewer QoS 0 messages than the high-water mark
/// are held; otherwise it parks: it keeps the bytes it has and holds back the channel's `read` requests, so NIO stops
/// reading the socket (as with `autoRead` off, but without touching the option the busy-poll
/// transport toggles). Held QoS 1/2 messages are unacknowledged, so the broker's in-flight window
/// bounds them (v5: our Receive Maximum, never above the high-water mark). When reading may resume, or a request that awaits a reply goes out, it goes on.
final class MQTTChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let client: MQTTClient
    let generation: Int
    let version: MQTTProtocolVersion
    let maximumPacketSize: Int
    /// Bytes of a packet that has not arrived whole yet, or not parsed while parked.
    private var partial: ByteBuffer?
    private var replies: ByteBuffer?
    /// Why the connection is closing, when an error closes it.
    private var failure: (any Error)?
    /// CONNACK arrived: from now on flow control applies (before it, the CONNACK must be read).
    private var connected = false
    /// PUBLISHes parsed while reading was paused, in order, not yet delivered nor acknowledged.
    private var held = CircularBuffer<MQTTPacket>()
    /// The QoS 0 ones among them: nothing but this count bounds them.
    private var heldAtMostOnce = 0
    /// Reading stopped until flow control resumes it or a request awaiting a reply goes out.
    private var isParked = false
    /// Flow control holds a resumer for this handler (one is enough).
    private var hasResumer = false
    /// A `read` held back while parked.
    private var readPending = false

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
        partial = buffer
        if !isParked { parse(context: context) }
    }

    /// Whether PUBLISHes must wait: reading is paused, or earlier ones wait (order).
    private var isHolding: Bool { connected && (!held.isEmpty || client.flowControl.isPaused) }

    /// Parses and applies the packets in ``partial`` until it holds no whole packet or the handler parks.
    private func parse(context: ChannelHandlerContext) {
        var buffer = partial.take() ?? context.channel.allocator.buffer(capacity: 0)
        do {
            // A packet that closes the connection (DISCONNECT, an unexpected CONNACK) ends the burst.
            while failure == nil, context.channel.isActive {
                if isHolding {
                    try deliverHeld(context: context)
                    if isHolding, heldAtMostOnce >= client.flowControl.highWaterMark || !client.isAwaitingReply {
                        if park(context: context) { break }
                        continue  // resumed meanwhile
                    }
                }
                guard let packet = try MQTTPacket.read(from: &buffer, version: version, maximumPacketSize: maximumPacketSize) else { break }
                if case .connack = packet { connected = true }
                if case .publish(let publish) = packet, isHolding {
                    if publish.qos == .atMostOnce { heldAtMostOnce += 1 }
                    held.append(packet)
                    continue
                }
                try apply(packet, context: context)
            }
        } catch {
            // The stream cannot be resynchronised after a malformed packet.
            errorCaught(context: context, error: error)
            return
        }
        if buffer.readableBytes > 0 { partial = buffer }
    }

    private func apply(_ packet: MQTTPacket, context: ChannelHandlerContext) throws {
        for reply in client.received(packet, generation: generation, channel: context.channel) {
            // Taken out, not copied: a second reference would make every append copy the buffer.
            var out = replies.take() ?? context.channel.allocator.buffer(capacity: 16)
            try reply.write(to: &out, version: version)
            replies = out
        }
    }

    /// Delivers held PUBLISHes, in order, for as long as reading is not paused.
    private func deliverHeld(context: ChannelHandlerContext) throws {
        while !held.isEmpty, !client.flowControl.isPaused, context.channel.isActive {
            let packet = held.removeFirst()
            if case .publish(let publish) = packet, publish.qos == .atMostOnce { heldAtMostOnce -= 1 }
            try apply(packet, context: context)
        }
    }

    /// Stops parsing and reading until flow control resumes reading or a request goes out; false
    /// if reading resumed in the meantime.
    private func park(context: ChannelHandlerContext) -> Bool {
        if !hasResumer {
            let eventLoop = context.eventLoop
            let handler = NIOLoopBound((self, context), eventLoop: eventLoop)
            hasResumer = client.flowControl.park {
                eventLoop.execute {
                    handler.value.0.hasResumer = false
                    handler.value.0.unpark(context: handler.value.1)
                }
            }
            guard hasResumer else { return false }
        }
        isParked = true
        return true
    }

    private func unpark(context: ChannelHandlerContext) {
        guard isParked else { return }
        isParked = false
        guard context.channel.isActive else { return }
        parse(context: context)
        if let replies = replies.take() {
            context.writeAndFlush(wrapOutboundOut(replies), promise: nil)
        }
        if !isParked {
            // Also when no read was held back: with the busy poller reading, `autoRead` is off.
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if isParked {
            readPending = true
        } else {
            context.read()
        }
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        // A request went out while parked: its reply may be among the bytes not read yet.
        if isParked, client.isAwaitingReply { unpark(context: context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let replies = replies.take() {
            context.writeAndFlush(wrapOutboundOut(replies), promise: nil)
        }
        context.fireChannelReadComplete()
        // Reading on for a reply while paused: the busy poller, which reads nothing while
        // paused, may have turned `autoRead` off, so ask for the next read.
        if isHolding, !isParked { context.read() }
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
