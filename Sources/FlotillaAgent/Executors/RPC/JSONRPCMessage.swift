public import FlotillaCore

/// One JSON-RPC 2.0 message on a child's stdio, one per line: how `codex app-server` and
/// `gemini --acp` (the Agent Client Protocol) talk to their client. Both sides send requests, so
/// a line from the child can be any of the four shapes.
public enum JSONRPCMessage: Sendable, Hashable {
    /// A call that wants an answer with the same `id` (an integer or a string, echoed as is).
    case request(id: JSONValue, method: String, params: JSONValue)
    /// A call without `id`: no answer.
    case notification(method: String, params: JSONValue)
    /// The answer to a request.
    case response(id: JSONValue, result: JSONValue)
    /// A refused request.
    case failure(id: JSONValue, code: Int64, message: String)

    /// Reads one line. Anything that is not one JSON-RPC message (not JSON, not an object, no
    /// method and no id, a result and an error together, a bad id) throws an
    /// ``AgentError`` (`executor_protocol`) quoting the start of the line, so a child that breaks
    /// the protocol fails its attempt with a reason instead of leaving the executor waiting.
    public static func parse(_ line: String) throws(AgentError) -> JSONRPCMessage {
        let json: JSONValue
        do { json = try JSONValue.parse(line) } catch {
            throw broken(line, "it is not JSON (\(error.message))")
        }
        guard let object = json.objectValue else { throw broken(line, "it is a JSON \(json.typeName), not an object") }
        if let version = object["jsonrpc"], version != "2.0" {
            throw broken(line, "its \"jsonrpc\" is \(version.jsonString), not \"2.0\"")
        }
        let id = object["id"]
        if let id, !validID(id) { throw broken(line, "its id is a \(id.typeName) (ids are strings or integers)") }
        if let method = object["method"] {
            guard let name = method.stringValue, !name.isEmpty else { throw broken(line, "its method is not a non-empty string") }
            let params = object["params"] ?? .null
            guard params.isNull || params.objectValue != nil || params.arrayValue != nil else {
                throw broken(line, "its params are a \(params.typeName) (params are an object or an array)")
            }
            if let id, !id.isNull { return .request(id: id, method: name, params: params) }
            return .notification(method: name, params: params)
        }
        guard let id else { throw broken(line, "it has neither a method nor an id") }
        switch (object["result"], object["error"]) {
        case (let result?, nil):
            return .response(id: id, result: result)
        case (nil, let error?):
            guard let code = error["code"]?.intValue, let message = error["message"]?.stringValue else {
                throw broken(line, "its error has no integer code and string message")
            }
            return .failure(id: id, code: code, message: message)
        case (nil, nil): throw broken(line, "it has an id but neither a result nor an error")
        case (_?, _?): throw broken(line, "it has both a result and an error")
        }
    }

    /// The message as one line (no newline). Codex's app-server omits `"jsonrpc":"2.0"` on the
    /// wire; the Agent Client Protocol requires it.
    public func line(versioned: Bool) -> String {
        var object: [String: JSONValue] = versioned ? ["jsonrpc": "2.0"] : [:]
        switch self {
        case .request(let id, let method, let params):
            object["id"] = id
            object["method"] = .string(method)
            if !params.isNull { object["params"] = params }
        case .notification(let method, let params):
            object["method"] = .string(method)
            if !params.isNull { object["params"] = params }
        case .response(let id, let result):
            object["id"] = id
            object["result"] = result
        case .failure(let id, let code, let message):
            object["id"] = id
            object["error"] = ["code": .int(code), "message": .string(message)]
        }
        return JSONValue.object(object).jsonString
    }

    /// JSON-RPC's "method not found", sent for requests this client does not serve.
    public static let methodNotFound: Int64 = -32601

    private static func validID(_ id: JSONValue) -> Bool {
        switch id {
        case .string, .int, .null: true
        default: false
        }
    }

    private static func broken(_ line: String, _ why: String) -> AgentError {
        let shown = line.count > 200 ? String(line.prefix(200)) + "…" : line
        return AgentError(.executorProtocol, "The tool broke its JSON-RPC protocol: \(why): \(shown)")
    }
}
