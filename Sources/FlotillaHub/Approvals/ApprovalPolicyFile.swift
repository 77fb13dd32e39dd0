public import FlotillaCore
import Foundation
import Yams

/// The approvals policy file of `flotilla hub --approvals FILE`: YAML or JSON of the shape
/// ``ApprovalPolicy/init(json:)`` reads (docs/approvals.md). `flotilla up` writes the fleet
/// file's `approvals:` section to one.
public enum ApprovalPolicyFile {
    /// Reads and checks the file; any problem is a ``FlotillaError`` naming the field
    /// (`rules[2].deny[0]`), and nothing is applied.
    public static func load(path: String) throws(FlotillaError) -> ApprovalPolicy {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw FlotillaError(.invalidField, "Cannot read the approvals file \(path).", field: "approvals")
        }
        return try parse(text)
    }

    /// Parses YAML (JSON is YAML too, but is read as JSON first for its exact numbers).
    public static func parse(_ text: String) throws(FlotillaError) -> ApprovalPolicy {
        if let json = try? JSONValue.parse(text) { return try ApprovalPolicy(json: json) }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw FlotillaError(.invalidField, "The approvals file is neither JSON nor YAML: \(error)", field: "approvals")
        }
        guard let json = JSONValue(plain: loaded) else {
            throw FlotillaError(.invalidField, "The approvals file holds a value that is not plain YAML (strings, numbers, lists, maps).", field: "approvals")
        }
        return try ApprovalPolicy(json: json.isNull ? .object([:]) : json)
    }
}
