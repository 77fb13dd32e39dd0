import AsyncHTTPClient
import FlotillaCore
import NIOCore
import NIOHTTP1

/// Carries one model call: posts the JSON body and hands the streamed answer over line by line.
/// The HTTP one is the real thing; the agent-loop benchmark uses an in-process one, to measure
/// the loop without a model.
public protocol ModelTransport: Sendable {
    /// Posts `body` to `url`; calls `onLine` for each line of the answer as it arrives.
    /// Throws ``ModelCallError`` for a refusal (non-2xx) or a connection that fails.
    func post(url: String, headers: [(String, String)], body: [UInt8], onLine: (Substring) throws(ModelCallError) -> Void) async throws
}

/// Model calls over HTTP(S) with AsyncHTTPClient.
public struct HTTPModelTransport: ModelTransport {
    /// A refused connection fails at once instead of being retried until the call's deadline
    /// (a stopped server must fail the attempt, not hang it).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The longest one model call may take (a big local model can be slow; the attempt's own
    /// timeout still bounds the whole run).
    public var callTimeout: TimeAmount = .minutes(30)

    public init() {}

    public func post(url: String, headers: [(String, String)], body: [UInt8], onLine: (Substring) throws(ModelCallError) -> Void) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream, application/x-ndjson, application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: callTimeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // AsyncHTTPClient's errors name the failure, never the request's headers.
            throw ModelCallError("cannot reach the model server at \(url): \(error)")
        }
        guard (200..<300).contains(response.status.code) else {
            let text = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
            let code = response.status.code
            // 408, 409, 429 and 5xx pass; another 4xx (a bad key, an unknown model) will not.
            let retryable = code >= 500 || code == 408 || code == 409 || code == 429
            throw ModelCallError("the model server answered \(code) \(response.status.reasonPhrase): \(ModelDialect.errorMessage(text))", retryable: retryable)
        }
        // A line may be long (a tool call writing a whole file comes as one Ollama line).
        var lines = LineSplitter(maxLine: 16 << 20)
        do {
            for try await buffer in response.body {
                for line in lines.feed(buffer.readableBytesView) { try onLine(Self.trimmed(line)) }
            }
        } catch let error as ModelCallError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ModelCallError("the connection to the model server broke: \(error)")
        }
        if let last = lines.finish() { try onLine(Self.trimmed(last)) }
    }

    /// The line without the `\r` of a CRLF ending (SSE allows either).
    static func trimmed(_ line: String) -> Substring {
        line.hasSuffix("\r") ? line.dropLast() : line[...]
    }
}
