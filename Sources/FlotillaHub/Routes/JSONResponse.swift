import FlotillaCore
import Hummingbird
import NIOCore

/// JSON bodies in and out.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        make(bytes: value.jsonBytes, status: status)
    }

    /// A response from JSON text already written (the task writers' hot path).
    static func make(bytes: consuming [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        // Consumed, so the newline is appended in place rather than to a copy of the body.
        bytes.append(UInt8(ascii: "\n"))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    static func error(_ error: FlotillaError, status: HTTPResponse.Status? = nil) -> Response {
        make(error.json, status: status ?? HTTPResponse.Status(code: error.httpStatus))
    }

    /// Reads the body as JSON, refusing bodies over `limit` bytes with 413 before parsing.
    static func body(of request: Request, limit: Int) async throws -> JSONValue {
        guard let body = try await optionalBody(of: request, limit: limit) else {
            throw FlotillaError.malformedJSON("the body is empty")
        }
        return body
    }

    /// Like ``body(of:limit:)``, but an empty body is nil rather than an error.
    static func optionalBody(of request: Request, limit: Int) async throws -> JSONValue? {
        let buffer = try await rawBody(of: request, limit: limit)
        guard buffer.readableBytes > 0 else { return nil }
        return try JSONValue.parse(buffer.readableBytesView)
    }

    /// The body's bytes as received (a webhook's signature covers them), refusing bodies over
    /// `limit` bytes with 413.
    static func rawBody(of request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        }
    }

    private static func tooLarge(_ limit: Int) -> FlotillaError {
        FlotillaError(.bodyTooLarge, "The body is larger than the limit of \(limit) bytes; split the batch.")
    }
}
