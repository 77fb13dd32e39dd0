import NIOCore
import NIOSSL

extension MQTTClient {
    /// How a client connects and behaves. Every field has a usable default; start from
    /// ``init(url:)`` or ``init(host:port:)`` and change what you need.
    public struct Configuration: Sendable {
        /// Broker host name or address. Default `127.0.0.1`.
        public var host: String = "127.0.0.1"
        /// Broker port. Default 1883 (8883 for `mqtts://`).
        public var port: Int = 1883
        /// TLS settings; non-nil means the connection uses TLS (set by `mqtts://`). Default nil.
        public var tls: TLSConfiguration?
        /// Protocol version. Default ``MQTTProtocolVersion/v5``.
        public var version: MQTTProtocolVersion = .v5
        /// Client identifier. Default `flotilla-` and 12 random hex digits.
        public var clientID: String = MQTTClient.Configuration.randomClientID()
        /// User name and password. Default none.
        public var username: String?
        public var password: String?
        /// Start a new session on the first connect (clean session / clean start). Default true.
        ///
        /// Reconnects resume the session whenever one can exist: for 3.1.1 when this is false,
        /// for 5.0 when ``sessionExpiry`` is above zero.
        public var cleanStart: Bool = true
        /// v5 session expiry: how long the broker keeps the session after a disconnect. Default 0
        /// (session ends with the connection). 3.1.1 ignores it (`cleanStart: false` keeps it forever).
        public var sessionExpiry: Duration = .zero
        /// Keep-alive interval; a PINGREQ goes out this often. Zero disables. Default 60 s.
        public var keepAlive: Duration = .seconds(60)
        /// How long to wait for PINGRESP before the connection is considered dead. Default 10 s
        /// (capped at ``keepAlive``).
        public var pingTimeout: Duration = .seconds(10)
        /// TCP connect plus CONNACK deadline. Default 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// Will message the broker publishes if this client vanishes. Default none.
        public var will: MQTTConnectPacket.Will?
        /// v5: how many unacknowledged QoS 1/2 messages the broker may send us at once; announced
        /// as at most ``maxBufferedMessages``. Default 65,535.
        public var receiveMaximum: UInt16 = .max
        /// Largest packet we accept (announced to v5 brokers; larger inbound packets close the
        /// connection). Default 16 MiB.
        public var maximumPacketSize: Int = 16 << 20
        /// Our own cap on unacknowledged outbound QoS 1/2 messages; the broker's Receive Maximum
        /// lowers it further. Default 1,024.
        public var maximumInflight: Int = 1024
        /// Flow control: when one subscription holds this many messages its consumer has not taken
        /// yet, the client stops reading from the broker, and reads again once every subscription
        /// holds at most half as many. Nothing is dropped: TCP and the broker's in-flight window
        /// hold the publisher back meanwhile (and keep-alive failures are not judged while paused).
        /// While it awaits a reply of its own, it reads on for it, holding the messages it meets
        /// unacknowledged (docs/mqtt.md, "Flow control"). At least 1. Default 4,096.
        public var maxBufferedMessages: Int = 4096
        /// Extra CONNECT properties (v5), e.g. user properties. Default none.
        public var connectProperties: MQTTProperties = .init()
        /// How the connection is opened: ``MQTTClient/Transport/standard`` (the default), or
        /// ``MQTTClient/Transport/busyPolling(_:)`` to spin the loop while a reply is awaited.
        public var transport: MQTTClient.Transport = .standard
        /// Reconnect policy; nil means a lost connection ends ``MQTTClient/run()``. Default ``ReconnectPolicy/init()``.
        public var reconnect: ReconnectPolicy? = ReconnectPolicy()

        public init(host: String = "127.0.0.1", port: Int = 1883) {
            self.host = host
            self.port = port
        }

        /// Parses `mqtt://[user[:password]@]host[:port]` or `mqtts://…` (TLS with system trust roots).
        public init(url: String) throws(MQTTError) {
            let secure: Bool
            var rest: Substring
            if url.hasPrefix("mqtt://") {
                secure = false
                rest = url.dropFirst(7)
            } else if url.hasPrefix("mqtts://") {
                secure = true
                rest = url.dropFirst(8)
            } else {
                throw MQTTError(.invalidURL, "'\(url)' is not an mqtt:// or mqtts:// URL.")
            }
            if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
            if let at = rest.lastIndex(of: "@") {
                let credentials = rest[..<at]
                rest = rest[rest.index(after: at)...]
                if let colon = credentials.firstIndex(of: ":") {
                    username = String(credentials[..<colon]).removingPercentEncodingIfPossible
                    password = String(credentials[credentials.index(after: colon)...]).removingPercentEncodingIfPossible
                } else {
                    username = String(credentials).removingPercentEncodingIfPossible
                }
            }
            var host = rest
            var port = secure ? 8883 : 1883
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let value = Int(after.dropFirst()) else { throw MQTTError(.invalidURL, "Bad port in '\(url)'.") }
                    port = value
                }
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon]
                guard let value = Int(rest[rest.index(after: colon)...]) else { throw MQTTError(.invalidURL, "Bad port in '\(url)'.") }
                port = value
            }
            guard !host.isEmpty, (1...65535).contains(port) else { throw MQTTError(.invalidURL, "'\(url)' has no usable host and port.") }
            self.host = String(host)
            self.port = port
            if secure { tls = .makeClientConfiguration() }
        }

        static func randomClientID() -> String {
            var generator = SystemRandomNumberGenerator()
            let value = generator.next() & 0xFFFF_FFFF_FFFF
            let hex = String(value, radix: 16)
            return "flotilla-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        }

        /// Whether the broker may still hold our session when we reconnect.
        var sessionOutlivesConnection: Bool {
            version == .v5 ? sessionExpiry > .zero : !cleanStart
        }
    }

    /// Exponential backoff between reconnect attempts.
    public struct ReconnectPolicy: Sendable {
        /// First delay. Default 100 ms.
        public var initialDelay: Duration = .milliseconds(100)
        /// Longest delay. Default 30 s.
        public var maximumDelay: Duration = .seconds(30)
        /// Growth per failed attempt. Default 2.
        public var multiplier: Double = 2
        /// Random fraction added or removed so a fleet does not reconnect in lockstep. Default 0.2.
        public var jitter: Double = 0.2

        public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(30), multiplier: Double = 2, jitter: Double = 0.2) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.multiplier = multiplier
            self.jitter = jitter
        }

        /// The delay before attempt `attempt` (0-based).
        public func delay(attempt: Int) -> Duration {
            let exponent = Double(min(attempt, 60))
            var seconds = Self.seconds(initialDelay) * pow2(multiplier, exponent)
            seconds = min(seconds, Self.seconds(maximumDelay))
            if jitter > 0 { seconds *= 1 + Double.random(in: -jitter...jitter) }
            return .nanoseconds(Int64(max(0, seconds) * 1e9))
        }

        private func pow2(_ base: Double, _ exponent: Double) -> Double {
            var result = 1.0
            for _ in 0..<Int(exponent) {
                result *= base
                if result > 1e9 { break }
            }
            return result
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }
}

extension String {
    /// Percent-decoding for URL user info, without Foundation.
    fileprivate var removingPercentEncodingIfPossible: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
