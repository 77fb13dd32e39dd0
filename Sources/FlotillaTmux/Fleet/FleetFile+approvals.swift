import FlotillaCore
import Foundation

extension FleetFile {
    /// Reads the `approvals:` section: the shape of `flotilla hub --approvals FILE`
    /// (docs/approvals.md), refused by field (`approvals.rules[0].deny[1]`).
    static func readApprovals(_ value: Any) throws -> ApprovalPolicy {
        guard let json = JSONValue(plain: value) else {
            throw FleetError(.invalidField, "must be a mapping of timeout, on_timeout and rules", field: "approvals")
        }
        do {
            return try ApprovalPolicy(json: json.isNull ? .object([:]) : json)
        } catch {
            throw FleetError(.invalidField, error.message, field: "approvals" + (error.field.map { ".\($0)" } ?? ""))
        }
    }

    /// Where `flotilla up` writes the `approvals:` section for the hub it starts
    /// (`--approvals`), beside the fleet's logs.
    public var hubApprovalsPath: String { stateDirectory + "/hub-approvals.json" }

    /// Writes the `approvals:` section for the hub (JSON), when the file has one; returns the
    /// hub's arguments for it.
    func writeHubApprovals() -> [String] {
        guard let approvals else { return [] }
        try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: hubApprovalsPath, contents: Data(approvals.json.jsonString.utf8)) else { return [] }
        return ["--approvals", hubApprovalsPath]
    }
}
