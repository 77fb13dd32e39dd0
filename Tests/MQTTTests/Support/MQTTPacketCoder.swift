import NIOCore

@testable import MQTT

/// Frames inbound bytes into `MQTTPacket`s for the fake broker's NIO pipeline (the client parses
/// in its own handler, `MQTTChannelHandler`).
///
/// A malformed packet raises its ``MQTTError`` through the pipeline; the connection is then
/// unusable (MQTT has no resynchronisation), so the client closes it.
struct MQTTPacketDecoder: ByteToMessageDecoder {
    typealias InboundOut = MQTTPacket

    let version: MQTTProtocolVersion
    let maximumPacketSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try MQTTPacket.read(from: &buffer, version: version, maximumPacketSize: maximumPacketSize) else {
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(packet))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// Encodes outbound ``MQTTPacket``s, refusing any over the broker's maximum packet size.
struct MQTTPacketEncoder: MessageToByteEncoder {
    typealias OutboundIn = MQTTPacket

    let version: MQTTProtocolVersion

    func encode(data: MQTTPacket, out: inout ByteBuffer) throws {
        try data.write(to: &out, version: version)
    }
}
