import Foundation

/// Where a hub keeps its files: the layout of its data directory, shared by the hub (which
/// writes them) and the CLI's client commands (which read the admin token), so that neither
/// reaches into the other for a path.
public struct DataDirectory: Sendable, Hashable {
    /// The directory itself, as given (relative paths stay relative).
    public var path: String

    public init(_ path: String) {
        self.path = path
    }

    /// `FLOTILLA_DATA_DIR`, else `.flotilla` in the working directory.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["FLOTILLA_DATA_DIR"] ?? ".flotilla"
    }

    /// The data directory a hub started without `--data-dir` uses.
    public static var `default`: DataDirectory { DataDirectory(defaultPath) }

    /// The SQLite database.
    public var databasePath: String { file("flotilla.sqlite") }
    /// The admin token, written (0600) when the hub first opens the directory.
    public var adminTokenPath: String { file("admin.token") }
    /// The hub's Ed25519 key for signing what it sends agents over MQTT.
    public var signingKeyPath: String { file("hub-signing.key") }

    /// Attempts' output logs: `output/<task id>/<attempt>.log` (task ids are path-safe, see
    /// ``TaskID``).
    public var outputDirectory: String { file("output") }
    /// The directory of one task's output logs.
    public func outputDirectory(taskID: String) -> String {
        Self.outputDirectory(in: outputDirectory, taskID: taskID)
    }
    /// One attempt's whole output (up to the hub's cap).
    public func outputLogPath(taskID: String, attempt: Int) -> String {
        Self.outputLogPath(in: outputDirectory, taskID: taskID, attempt: attempt)
    }

    /// The same layout under any output directory (a hub may be given its own).
    public static func outputDirectory(in output: String, taskID: String) -> String {
        (output as NSString).appendingPathComponent(taskID)
    }

    public static func outputLogPath(in output: String, taskID: String, attempt: Int) -> String {
        (outputDirectory(in: output, taskID: taskID) as NSString).appendingPathComponent("\(attempt).log")
    }

    private func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }
}
