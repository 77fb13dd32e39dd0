import FlotillaCore
import Foundation

extension FleetFile {
    /// Reads the `autonomy:` section: the shape of `flotilla hub --autonomy-file FILE`
    /// (docs/goals.md), checked when the file loads and refused by field
    /// (`autonomy.repos[0].tset`); repositories' relative paths become absolute from the fleet
    /// file's folder.
    static func readAutonomy(_ value: Any, baseDirectory: String) throws -> JSONValue {
        guard let json = JSONValue(plain: value), var object = json.isNull ? [:] : json.objectValue else {
            throw FleetError(.invalidField, "must be a mapping of budget_usd, scan_every and repos", field: "autonomy")
        }
        do {
            _ = try AutonomySettings(json: .object(object))
        } catch {
            throw FleetError(.invalidField, error.message, field: "autonomy" + (error.field.map { ".\($0)" } ?? ""))
        }
        if let repos = object["repos"]?.arrayValue {
            object["repos"] = .array(repos.map { repo in
                guard var entry = repo.objectValue, let path = entry["path"]?.stringValue, !path.hasPrefix("/"), !path.hasPrefix("~") else { return repo }
                entry["path"] = .string(baseDirectory + "/" + path)
                return .object(entry)
            })
        }
        return .object(object)
    }

    /// Where `flotilla up` writes the `autonomy:` section for the hub it starts.
    public var hubAutonomyPath: String { stateDirectory + "/hub-autonomy.json" }

    /// Writes the `autonomy:` section for the hub (JSON), when the file has one; returns the
    /// hub's arguments for it (`--autonomy --autonomy-file PATH`).
    func writeHubAutonomy() -> [String] {
        guard let autonomy else { return [] }
        try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: hubAutonomyPath, contents: Data(autonomy.jsonString.utf8)) else { return [] }
        return ["--autonomy", "--autonomy-file", hubAutonomyPath]
    }
}
