import FlotillaCore
import Foundation
import Hummingbird

/// The dashboard's pages and files, open to everyone (the data behind them needs a session or a
/// token): `GET /signin` and `GET /assets/{path}`. `GET /` is shared with the monitor WebSocket:
/// ``DashboardPageMiddleware`` answers it for browsers.
struct DashboardRoutes {
    let assets: DashboardAssets

    func add(to router: Router<HubRequestContext>) {
        let assets = self.assets
        router.get("signin") { request, _ in
            try assets.response("signin.html", for: request)
        }
        router.get("assets/**") { request, context in
            try assets.response(context.parameters.getCatchAll().joined(separator: "/"), for: request)
        }
    }
}

/// `GET /` for a browser: no `Upgrade: websocket`, so the dashboard's `index.html` instead of the
/// monitor socket that shares the path (a WebSocket client's request passes on to it).
struct DashboardPageMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let assets: DashboardAssets

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.headers[.upgrade]?.lowercased().contains("websocket") == true {
            return try await next(request, context)
        }
        return try assets.response("index.html", for: request)
    }
}

extension DashboardAssets {
    /// What the browser may do with the pages: only our own scripts, styles and connections,
    /// never framed (clickjacking), no referrer leaking a one-time link.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
    ]

    /// The file at `path` with its type and ETag, `304` when `If-None-Match` names the ETag
    /// already; `Cache-Control: no-cache` so a browser revalidates after an upgrade of the hub.
    /// - Throws: `404 not_found` for a path that is not one of the files.
    func response(_ path: String, for request: Request) throws(FlotillaError) -> Response {
        guard let asset = asset(at: path) else {
            if let missingReason { throw FlotillaError(.dashboardUnavailable, "The hub serves no dashboard: \(missingReason).") }
            throw FlotillaError(.notFound, "No dashboard file '\(path)'.")
        }
        var headers = Self.securityHeaders
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "no-cache"
        if let wanted = request.headers[.ifNoneMatch], Self.matches(wanted, asset.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        headers[.contentLength] = String(asset.body.readableBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
    }

    /// Whether an `If-None-Match` list (`"a", W/"b"` or `*`) names `etag` (weak comparison).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }
}
