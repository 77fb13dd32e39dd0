public import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The client the command line talks to the hub with: a refused connection fails the request
    /// at once, and a connection that cannot be made (a host that does not answer) fails after
    /// ``connectTimeout``. `HTTPClient.shared` retries a failed connection with backoff until the
    /// request's own deadline, which made every command hang for a minute when the hub was down.
    /// The request timeout stays the caller's, so long polls and event streams keep theirs.
    public static let failingFast: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = connectTimeout
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// How long the command line waits for a TCP connection to the hub.
    public static let connectTimeout: TimeAmount = .seconds(5)
}
