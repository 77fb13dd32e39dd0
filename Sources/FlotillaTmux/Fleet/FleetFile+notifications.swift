import FlotillaCore
import Foundation

extension FleetFile {
    /// Checks the `notifications:` section as the hub will (docs/notifications.md), with its
    /// secret files made absolute against the fleet file's directory and readable now, so a
    /// mistake stops `flotilla up` before anything starts, named `notifications.<field>`.
    static func readNotifications(_ value: Any, baseDirectory: String) throws -> JSONValue {
        guard let json = JSONValue(plain: value) else {
            throw FleetError(.invalidField, "must be a mapping of plain values (targets, subscriptions)", field: "notifications")
        }
        let configuration: NotificationConfiguration
        do {
            configuration = try NotificationConfiguration(json: json)
        } catch {
            let code: FleetErrorCode = switch error.code {
            case .unknownField: .unknownField
            case .missingField: .missingField
            default: .invalidField
            }
            throw FleetError(code, error.message, field: "notifications" + (error.field.map { ".\($0)" } ?? ""))
        }
        var resolved = json.objectValue ?? [:]
        var targets = resolved["targets"]?.objectValue ?? [:]
        for (name, target) in configuration.targets {
            var entry = targets[name]?.objectValue ?? [:]
            for (field, path) in target.secretFiles {
                let absolute = path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
                guard FileManager.default.isReadableFile(atPath: absolute) else {
                    throw FleetError(.fileNotFound, "cannot read \(absolute): create it (mode 0600) with the secret, or fix the path", field: "notifications.\(field)")
                }
                entry[String(field.split(separator: ".").last!)] = .string(absolute)
            }
            targets[name] = .object(entry)
        }
        if !targets.isEmpty { resolved["targets"] = .object(targets) }
        return .object(resolved)
    }

    /// Where `up` writes the `notifications:` section for the hub it starts (`--notifications`).
    public var hubNotificationsPath: String { stateDirectory + "/hub-notifications.json" }

    /// Writes the section for the hub (mode 0600: it names the secret files) when the fleet
    /// file has one.
    func writeHubNotifications() throws {
        guard let notifications else { return }
        try SecretFile.makeDirectory(stateDirectory)
        try SecretFile.write(hubNotificationsPath, contents: notifications.jsonString + "\n")
    }
}
