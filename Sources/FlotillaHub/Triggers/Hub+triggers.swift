import Logging
import ServiceLifecycle

extension Hub {
    /// The services that start workflow runs by themselves (docs/workflows.md, "Triggers"):
    /// hub events, schedules, and MQTT messages when the hub bridges to a broker. Webhooks are
    /// routes (``WebhookRoutes``).
    func triggerServices(logger: Logger) -> [any Service] {
        let triggers = configuration.triggers
        var services: [any Service] = [
            EventTriggerService(hub: self, configuration: triggers, logger: logger),
            ScheduleTriggerService(hub: self, configuration: triggers, logger: logger),
        ]
        if let mqtt = configuration.mqtt {
            services.append(MQTTTriggerService(hub: self, bridge: mqtt, configuration: triggers, logger: logger))
        }
        return services
    }
}
