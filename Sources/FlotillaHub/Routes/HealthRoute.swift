import FlotillaCore
import FlotillaEngine
import Foundation
import Hummingbird

extension Hub {
    /// `GET /health`: 200 `ok` while the store takes writes; 503 `store_unavailable` with the
    /// store's trouble (e.g. a full disk) while it does not, so a load balancer or `flotilla
    /// doctor` sees a hub that can only refuse changes.
    func health() -> Response {
        guard let trouble = engine.storeTrouble else {
            return JSONResponse.make(["status": "ok", "version": .string(FlotillaVersion.current)])
        }
        let error = FlotillaError(.storeUnavailable, "The hub's store cannot take changes (\(trouble.reason)); it refuses them until the store works again.")
        return JSONResponse.make([
            "status": "unavailable",
            "version": .string(FlotillaVersion.current),
            "code": .string(error.code.rawValue),
            "reason": .string(trouble.reason),
            "since": .string(Timestamp.iso8601(trouble.since)),
            // The API's error shape too, so clients show it like any other refusal.
            "error": error.json["error"] ?? .null,
        ], status: .serviceUnavailable)
    }
}
