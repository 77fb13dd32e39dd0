public import FlotillaCore
import Foundation
import Yams

/// Notifications as the hub runs them: the configuration (docs/notifications.md), the secrets
/// its files held, and the service's pacing. `flotilla hub --notifications FILE` builds it with
/// ``load(path:)``; tests build it directly.
public struct NotificationSetup: Sendable {
    public var configuration: NotificationConfiguration
    public var secrets: NotificationSecrets
    /// How often the service looks for deliveries that are due. Default 50 ms.
    public var pollInterval: Duration = .milliseconds(50)
    /// Events older than this many seconds when the service reads them after a start are not
    /// notified: a hub that was down (or had no notifications) for a day does not page anyone
    /// about yesterday. Default 3,600.
    public var catchUp: Double = 3600

    public init(configuration: NotificationConfiguration, secrets: NotificationSecrets) {
        self.configuration = configuration
        self.secrets = secrets
    }

    /// Reads a configuration document (YAML, or JSON, which YAML reads too) and its secret
    /// files. Every problem is refused here, naming the field, before the hub opens anything.
    public static func load(path: String) throws(FlotillaError) -> NotificationSetup {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FlotillaError(.invalidField, "Cannot read the notifications file \(path).", field: "notifications")
        }
        return try parse(text, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Parses a configuration's text; relative secret files are read from `directory`.
    public static func parse(_ text: String, directory: String) throws(FlotillaError) -> NotificationSetup {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw FlotillaError(.malformedJSON, "The notifications file is not valid YAML or JSON: \(error)", field: "notifications")
        }
        guard let json = JSONValue(plain: document) else {
            throw FlotillaError(.invalidField, "The notifications file holds something that is not plain data (use strings, numbers, lists and mappings).", field: "notifications")
        }
        let configuration = try NotificationConfiguration(json: json)
        let secrets = try NotificationSecrets.load(configuration) { file in
            let resolved = file.hasPrefix("/") ? file : directory + "/" + file
            return try? String(contentsOfFile: resolved, encoding: .utf8)
        }
        return NotificationSetup(configuration: configuration, secrets: secrets)
    }
}
