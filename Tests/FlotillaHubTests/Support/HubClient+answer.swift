import FlotillaClient
import FlotillaCore
import NIOHTTP1

extension HubClient {
    /// The hub's answer whatever its status (`send` throws on an error status): the status and
    /// the body parsed as JSON (as a string when it is not JSON).
    func answer(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> (status: Int, body: JSONValue) {
        let (status, text) = try await raw(method, path, body: body)
        return (status, (try? JSONValue.parse(text)) ?? .string(text))
    }
}
