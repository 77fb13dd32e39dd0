import Foundation

/// Whether something accepts TCP connections at a hub URL's host and port (``TCPProbe``, so a
/// host that drops packets costs its time limit, not minutes of SYN retries). The same for an
/// `https` hub: a TLS hub accepts the connection once its certificate is loaded, and whether its
/// certificate is trusted is for the first request to find out (with the fleet's CA file).
enum HubProbe {
    static func isAnswering(_ urlString: String) -> Bool {
        guard let url = URL(string: urlString), let host = url.host else { return false }
        return TCPProbe.connects(host: host, port: url.port ?? (url.scheme == "https" ? 443 : 80))
    }
}
