public import AsyncHTTPClient
public import FlotillaCore
import Foundation
import NIOCore
public import NIOHTTP1

/// A client of the hub's HTTP API (the CLI, tests and the benchmark use it).
public struct HubClient: Sendable {
    /// An error answer from the hub: its HTTP status and `{"error":{…}}` body.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var status: Int
        public var code: String
        public var message: String
        public var field: String?
        public var description: String { "\(code) (HTTP \(status)): \(message)" + (field.map { " [field: \($0)]" } ?? "") }

        public init(status: Int, code: String, message: String, field: String?) {
            self.status = status
            self.code = code
            self.message = message
            self.field = field
        }

        /// The hub's refusal from its error body (`{"error":{"code","message","field"}}`), or
        /// `http_<status>` with the body as the message when it is not one.
        init(status: Int, text: String) {
            let json = text.isEmpty ? JSONValue.null : ((try? JSONValue.parse(text)) ?? .string(text))
            self.init(
                status: status,
                code: json["error"]?["code"]?.stringValue ?? "http_\(status)",
                message: json["error"]?["message"]?.stringValue ?? text,
                field: json["error"]?["field"]?.stringValue
            )
        }
    }

    public var baseURL: String
    public var token: String?
    let http: HTTPClient

    public init(baseURL: String, token: String?, http: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// Sends a request and returns the status and parsed JSON body; non-2xx answers throw ``Failure``.
    @discardableResult
    public func send(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> (status: Int, body: JSONValue) {
        try await send(method, path, text: body?.jsonString, headers: headers, timeout: timeout)
    }

    /// ``send(_:_:body:headers:timeout:)`` with the body already JSON text.
    public func send(_ method: HTTPMethod, _ path: String, text body: String?, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> (status: Int, body: JSONValue) {
        let (status, text) = try await raw(method, path, body: body, headers: headers, timeout: timeout)
        guard (200..<300).contains(status) else { throw Failure(status: status, text: text) }
        return (status, text.isEmpty ? JSONValue.null : ((try? JSONValue.parse(text)) ?? .string(text)))
    }

    /// Sends a request with a raw body; returns status and body text, whatever the status.
    public func raw(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> (status: Int, text: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 256 << 20)
        return (Int(response.status.code), String(buffer: buffer))
    }

    // MARK: tasks

    /// Submits one task; returns it as stored, or only its `id` and `state` when `minimal`.
    public func submit(_ task: JSONValue, minimal: Bool = false) async throws -> JSONValue {
        try await send(.POST, "/api/tasks", body: task, headers: Self.preferring(minimal: minimal)).body
    }

    /// Submits a batch in one request; returns the tasks in order (only `id` and `state` when `minimal`).
    public func submit(batch: [JSONValue], minimal: Bool = false) async throws -> [JSONValue] {
        try await send(.POST, "/api/tasks", body: .array(batch), headers: Self.preferring(minimal: minimal)).body["tasks"]?.arrayValue ?? []
    }

    /// `Prefer: return=minimal`: the hub answers a submission with ids and states only.
    public static func preferring(minimal: Bool) -> [(String, String)] {
        minimal ? [("Prefer", "return=minimal")] : []
    }

    public func task(_ id: String, wait: Double? = nil) async throws -> JSONValue {
        let query = wait.map { "?wait=\($0)" } ?? ""
        return try await send(.GET, "/api/tasks/\(id)\(query)", timeout: .seconds(Int64((wait ?? 0) + 60))).body
    }

    public func tasks(query: [String: String] = [:]) async throws -> JSONValue {
        try await send(.GET, "/api/tasks" + Self.queryString(query)).body
    }

    public func cancel(_ id: String, reason: String? = nil) async throws -> JSONValue {
        try await send(.POST, "/api/tasks/\(id)/cancel", body: reason.map { ["reason": .string($0)] } ?? .object([:])).body
    }

    public func retry(_ id: String) async throws -> JSONValue {
        try await send(.POST, "/api/tasks/\(id)/retry").body
    }

    // MARK: fleet

    public func agents() async throws -> [JSONValue] {
        try await send(.GET, "/api/agents").body["agents"]?.arrayValue ?? []
    }

    public func agent(_ id: String) async throws -> JSONValue {
        try await send(.GET, "/api/agents/\(id)").body
    }

    public func stats() async throws -> JSONValue {
        try await send(.GET, "/api/stats").body
    }

    public func createToken(name: String, scope: String = "agent", role: String? = nil, agentID: String? = nil) async throws -> JSONValue {
        var body: [String: JSONValue] = ["name": .string(name), "scope": .string(scope)]
        if let role { body["role"] = .string(role) }
        if let agentID { body["agent_id"] = .string(agentID) }
        return try await send(.POST, "/api/tokens", body: .object(body)).body
    }

    public func tokens() async throws -> [JSONValue] {
        try await send(.GET, "/api/tokens").body["tokens"]?.arrayValue ?? []
    }

    public func revokeToken(_ id: String) async throws -> JSONValue {
        try await send(.POST, "/api/tokens/\(id)/revoke").body
    }

    static func queryString(_ query: [String: String]) -> String {
        guard !query.isEmpty else { return "" }
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
        return "?" + query.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    /// The WebSocket URL of the agent endpoint.
    public var socketURL: String {
        baseURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://") + "/ws"
    }
}
