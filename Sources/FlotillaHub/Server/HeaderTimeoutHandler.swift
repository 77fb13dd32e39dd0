import NIOCore
import HummingbirdCore
import Logging

/// Closes a connection whose first request's headers have not fully arrived within the
/// timeout: an idle unauthenticated socket, a slowloris trickling header bytes, or a stalled
/// TLS handshake (it sits after the TLS handler, so it sees decrypted bytes only).
///
/// Hummingbird's idle timeout only starts once a request head has been parsed, so without this
/// such a connection would hold its descriptor for ever. After the headers end this handler
/// leaves the pipeline; keep-alive idleness is then Hummingbird's `idleTimeout`.
final class HeaderTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// How much of `\r\n\r\n` the bytes read so far end with.
    private var matched = 0

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let complete = buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                if byte == Self.terminator[matched] {
                    matched += 1
                    if matched == Self.terminator.count { return true }
                } else {
                    matched = byte == UInt8(ascii: "\r") ? 1 : 0
                }
            }
            return false
        }
        context.fireChannelRead(data)
        if complete {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// A server child channel that starts with a ``HeaderTimeoutHandler``, then sets up `base`.
struct HeaderTimeoutChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeaderTimeoutHandler(timeout: timeout))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
