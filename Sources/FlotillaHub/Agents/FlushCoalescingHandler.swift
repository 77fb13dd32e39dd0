import NIOCore

/// Merges the flushes issued during one pass of the event loop into one.
///
/// Each frame an agent socket sends (assignments, acks) arrives as its own write-and-flush, so
/// a busy agent cost one `writev` per frame. Deferring the flush to the end of the loop's
/// current batch of tasks sends everything queued by then in one system call. Nothing waits
/// longer than that pass, and a close flushes first so no frame is dropped.
final class FlushCoalescingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var flushPending = false

    func flush(context: ChannelHandlerContext) {
        guard !flushPending else { return }
        flushPending = true
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.handler.flushNow(context: bound.value.context)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        flushNow(context: context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        flushNow(context: context)
    }

    private func flushNow(context: ChannelHandlerContext) {
        guard flushPending else { return }
        flushPending = false
        context.flush()
    }
}
