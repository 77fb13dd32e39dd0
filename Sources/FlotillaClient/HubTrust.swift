public import AsyncHTTPClient
public import NIOSSL
import NIOCore
import Synchronization

/// Which certificates a client trusts when it talks to an HTTPS/WSS hub: the system's roots,
/// plus a CA file for a hub whose certificate is self-signed or from a private CA
/// (`--ca-file`, or env `FLOTILLA_CA_FILE`).
public enum HubTrust {
    /// A client TLS configuration trusting the system roots and `caFile` (a PEM file) if given.
    public static func clientConfiguration(caFile: String?) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.additionalTrustRoots = [.file(caFile)] }
        return configuration
    }

    /// One client per CA file, made once: an `HTTPClient` must live until the process ends
    /// (or be shut down), so they are kept rather than made per request.
    private static let clients = Mutex<[String: HTTPClient]>([:])

    /// Like ``HTTPClient/failingFast``, trusting `caFile` as well.
    public static func failingFastClient(caFile: String?) -> HTTPClient {
        guard let caFile else { return .failingFast }
        return clients.withLock { clients in
            if let client = clients[caFile] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout.connect = HTTPClient.connectTimeout
            configuration.tlsConfiguration = clientConfiguration(caFile: caFile)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[caFile] = client
            return client
        }
    }
}
