import NIOCore
import NIOPosix

extension MQTTClient.Transport {
    /// Busy polling: while a QoS 1/2 publish, a subscribe or an unsubscribe waits for the
    /// broker's reply, the connection's event loop keeps polling its socket for up to `budget`
    /// after each request instead of sleeping until the reply wakes it. Zero or less is
    /// ``standard``.
    ///
    /// It spends a core at 100 % while a reply is awaited to shorten each round trip where
    /// waking a sleeping thread is expensive, as on virtual machines without guest halt
    /// polling, where it nearly triples the rate of one-at-a-time QoS 1 publishing
    /// (docs/mqtt.md). Meanwhile the loop reads the socket itself on every turn, so the
    /// transport opens the TCP socket itself (each address the host resolves to in turn, within
    /// ``MQTTClient/Configuration/connectTimeout``) and hands it to NIO. Meant for
    /// request–response exchanges; a pipelined publisher keeps the loop busy anyway.
    public static func busyPolling(_ budget: Duration) -> MQTTClient.Transport {
        guard budget > .zero else { return .standard }
        return MQTTClient.Transport { bootstrap, context in
            // The poller reads the socket itself, so it opens the socket and NIO adopts it.
            let descriptor = try await NIOThreadPool.singleton.runIfActive {
                try MQTTSocketConnector.openConnection(host: context.host, port: context.port, timeout: context.connectTimeout)
            }
            let channel = try await bootstrap.withConnectedSocket(descriptor).get()
            do {
                let poller = try await MQTTBusyPoller.make(
                    for: channel, connectionDescriptor: descriptor, budget: budget, isAwaitingReply: context.isAwaitingReply,
                    isReadingPaused: context.isReadingPaused
                )
                channel.closeFuture.whenComplete { _ in poller.value.close() }
                // Last in the pipeline: it sees the client's own writes (requests and replies
                // alike), as they leave the client, before TLS.
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(MQTTBusyPoller.RequestWatcher(poller: poller.value))
                }.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
            return channel
        }
    }
}
