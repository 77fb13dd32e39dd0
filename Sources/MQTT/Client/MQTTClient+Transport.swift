import NIOCore
import NIOPosix

extension MQTTClient {
    /// How a client opens its connection's channel (``MQTTClient/Configuration/transport``).
    ///
    /// The client builds the pipeline (TLS, the MQTT handler) and the transport connects it:
    /// ``standard`` lets NIO connect, ``busyPolling(_:)`` opens the socket itself and keeps the
    /// loop spinning while a reply is awaited. What a transport adds to the connection it adds to
    /// the channel it returns, so the client's own paths are the same whichever it is given.
    public struct Transport: Sendable {
        /// What a transport knows of the client it connects.
        struct Context: Sendable {
            var host: String
            var port: Int
            var connectTimeout: Duration
            /// Whether the client awaits any reply from the broker now.
            var isAwaitingReply: @Sendable () -> Bool
            /// Whether flow control paused reading: a transport that reads the socket itself stops.
            var isReadingPaused: @Sendable () -> Bool
        }

        let connect: @Sendable (ClientBootstrap, Context) async throws -> any Channel

        /// NIO connects the socket and the loop sleeps until the broker's bytes wake it (the default).
        public static let standard = Transport { bootstrap, context in
            try await bootstrap.connect(host: context.host, port: context.port).get()
        }
    }
}
