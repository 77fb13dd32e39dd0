import FlotillaCore
import Foundation
import Hummingbird

/// What `POST /auth/signin` carries: the sign-in page's form (`token=…&next=…`,
/// form-urlencoded) or a script's JSON (`{"token": "…", "next": "…"}`).
struct SignInForm: Sendable {
    var token: String?
    var next: String?
    /// A form from the page: refusals send the browser back to the page rather than JSON.
    var isForm: Bool

    /// Reads the body (at most 16 KiB: a token and a path).
    static func read(_ request: Request) async throws -> SignInForm {
        let isJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true
        if isJSON {
            let body = try await JSONResponse.optionalBody(of: request, limit: 16 << 10) ?? [:]
            guard case .object(let fields) = body else {
                throw FlotillaError(.invalidField, "The sign-in body must be a JSON object: {\"token\": \"flt_…\"}.")
            }
            return SignInForm(token: fields["token"]?.stringValue, next: fields["next"]?.stringValue, isForm: false)
        }
        let buffer = try await request.body.collect(upTo: 16 << 10)
        let fields = Self.decode(String(buffer: buffer))
        return SignInForm(token: fields["token"], next: fields["next"], isForm: true)
    }

    /// `application/x-www-form-urlencoded` fields (`+` is a space); the first of each name wins.
    static func decode(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decoded(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decoded(parts[1]) : "" }
        }
        return fields
    }

    /// Where to send the browser after signing in: `next` when it is a path on this hub (`/…`)
    /// or a dashboard hash (`#/…`), else `/`. Never another host (`//evil`, `https://…`, `/\\…`).
    static func safeLocation(_ next: String?) -> String {
        guard let next, !next.isEmpty, next.count <= 2048,
              !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) else { return "/" }
        if next.hasPrefix("#") { return "/" + next }
        if next.hasPrefix("/"), !next.hasPrefix("//") { return next }
        return "/"
    }
}
