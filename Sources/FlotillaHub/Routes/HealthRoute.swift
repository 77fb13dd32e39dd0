import FlotillaCore
import Foundation
import Hummingbird

extension Hub {
    /// `GET /health`: 200 `ok` while the store takes writes; 503 `store_unavailable` with the
    /// store's trouble (e.g. a full disk) while it does not, so a load balancer or `flotilla
    /// doctor` sees a hub that can only refuse changes.
    func health() -> Response {
        guard let trouble = storeTrouble else {
            return JSONResponse.make(["status": "ok", "version": .string(FlotillaVersion.current)])
        }
        return JSONResponse.make([
            "status": "unavailable",
            "version": .string(FlotillaVersion.current),
            "code": .string(FlotillaError.Code.storeUnavailable.rawValue),
            "reason": .string(trouble.reason),
            "since": .string(Timestamp.iso8601(trouble.since)),
        ], status: .serviceUnavailable)
    }
}
