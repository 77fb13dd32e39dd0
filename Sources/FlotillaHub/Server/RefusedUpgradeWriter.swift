import FlotillaCore
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Turns Hummingbird's empty `400` for a refused WebSocket upgrade into the refusal the route
/// recorded in ``UpgradeRefusals``: its status (401 for a bad token) and the JSON error body, so
/// an agent (or curl) sees why. Every other response passes through untouched; only a `400`
/// head costs a lookup.
final class RefusedUpgradeWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let refusals: UpgradeRefusals
    /// The JSON body replacing the empty one, written before the response's end.
    private var pendingBody: ByteBuffer?

    init(refusals: UpgradeRefusals) {
        self.refusals = refusals
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status == .badRequest:
            guard let error = refusals.take(for: context.channel) else { break }
            let body = ByteBuffer(string: error.json.jsonString)
            head.status = HTTPResponse.Status(code: error.httpStatus)
            head.headerFields[.contentType] = "application/json; charset=utf-8"
            head.headerFields[.contentLength] = String(body.readableBytes)
            if error.code == .unauthorized { head.headerFields[.wwwAuthenticate] = "Bearer" }
            pendingBody = body
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        case .end(let trailers) where pendingBody != nil:
            context.write(wrapOutboundOut(.body(pendingBody!)), promise: nil)
            pendingBody = nil
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        _ = refusals.take(for: context.channel)
    }
}
