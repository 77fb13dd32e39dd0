import FlotillaCore
import FlotillaEngine
import Hummingbird

/// `/api/notifications`: the notification deliveries and their outcomes, newest first
/// (docs/notifications.md).
struct NotificationRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("notifications") { request, _ in
            var parameters: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
            let query = try NotificationQuery(parameters: parameters)
            let deliveries = try await hub.engine.notificationDeliveries(query)
            return JSONResponse.make(["notifications": .array(deliveries.map(\.json))])
        }
    }
}
