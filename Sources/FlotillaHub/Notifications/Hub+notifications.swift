import FlotillaCore
import Logging
import ServiceLifecycle

extension Hub {
    /// The notification service when the hub has notifications configured
    /// (`--notifications`, docs/notifications.md); none otherwise.
    func notificationServices(logger: Logger) -> [any Service] {
        guard let setup = configuration.notifications, !setup.configuration.subscriptions.isEmpty else { return [] }
        return [NotificationService(hub: self, setup: setup, logger: logger)]
    }
}
