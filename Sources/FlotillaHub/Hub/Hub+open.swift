import FlotillaCore
import FlotillaEngine
import FlotillaStore
public import Logging
import Foundation

extension Hub {
    /// Opens the data directory (creating it), the store, and the admin token on first start.
    ///
    /// - Returns: the hub and, on first start only, the new admin token.
    public static func open(configuration: HubConfiguration, logger: Logger = Logger(label: "flotilla.hub")) async throws -> (hub: Hub, newAdminToken: String?) {
        // 0700: the admin token and the database are the owner's alone (other users cannot list
        // or read them; same-uid processes still can, see docs/fleet.md).
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try SQLiteStore(configuration: configuration.storeConfiguration)
        let engine = try await Engine(configuration: configuration.engine, store: store, logger: logger)
        var newAdminToken: String?
        if !engine.tokens.hasAdmin {
            let (token, _) = try await engine.tokens.create(name: "admin", scope: .admin, role: nil)
            try writeSecretFile(configuration.adminTokenPath, contents: token + "\n")
            newAdminToken = token
        }
        return (Hub(configuration: configuration, engine: engine, logger: logger), newAdminToken)
    }

    /// Writes a file readable by its owner only (mode 0600) from the moment it exists.
    public static func writeSecretFile(_ path: String, contents: String) throws {
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw FlotillaError(.internalError, "Cannot write \(path): errno \(errno)") }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        let bytes = Array(contents.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw FlotillaError(.internalError, "Cannot write \(path): errno \(errno)")
        }
    }
}
