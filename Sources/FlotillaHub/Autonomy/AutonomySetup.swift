public import FlotillaCore
import Foundation
import Yams

/// Reads the autonomy file (`flotilla hub --autonomy-file FILE`, YAML or JSON; docs/goals.md)
/// into ``AutonomySettings``; every problem is refused here, naming the field, before the hub
/// opens anything.
public enum AutonomySetup {
    public static func load(path: String) throws(FlotillaError) -> AutonomySettings {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FlotillaError(.invalidField, "Cannot read the autonomy file \(path).", field: "autonomy")
        }
        return try parse(text)
    }

    public static func parse(_ text: String) throws(FlotillaError) -> AutonomySettings {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw FlotillaError(.malformedJSON, "The autonomy file is not valid YAML or JSON: \(error)", field: "autonomy")
        }
        guard let json = JSONValue(plain: document) else {
            throw FlotillaError(.invalidField, "The autonomy file holds something that is not plain data (use strings, numbers, lists and mappings).", field: "autonomy")
        }
        return try AutonomySettings(json: json)
    }
}
