public import AsyncHTTPClient
public import NIOSSL
import NIOCore
import Foundation
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

    /// The TLS settings of an agent's `wss://` socket to `host`, and the name to send as SNI.
    ///
    /// The WebSocket client always sends the URL's host as SNI, which TLS forbids for an IP
    /// address, so it cannot check an IP address in the certificate as HTTPS clients do. To an
    /// IP address, then, the socket trusts only the pinned `caFile` (not the system roots) and
    /// checks the chain without the name: only a certificate from that CA is accepted. Without
    /// a CA file such a URL is refused; use the hub's host name instead.
    public static func webSocketConfiguration(host: String, caFile: String?) throws -> (tls: TLSConfiguration, sniHostname: String?) {
        guard isIPAddress(host) else { return (clientConfiguration(caFile: caFile), nil) }
        guard let caFile else {
            throw HubClient.Failure(
                status: 0, code: "tls_needs_ca_file",
                message: "A wss:// hub at the IP address \(host) needs --ca-file (its certificate or CA, pinned); or use the hub's host name.",
                field: "ca-file"
            )
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(caFile)
        configuration.certificateVerification = .noHostnameVerification
        return (configuration, "flotilla-hub")
    }

    static func isIPAddress(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare.contains(":") || (!bare.isEmpty && bare.allSatisfy { $0.isNumber || $0 == "." })
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
