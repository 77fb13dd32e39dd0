import Foundation
import Testing

@testable import FlotillaTmux

@Suite struct CommandAuditTests {
    /// A long-lived owner (the hub) reads its trail back on start: history and ids carry on.
    @Test func resumesTrailAndIDsFromItsFile() throws {
        let path = NSTemporaryDirectory() + "flotilla-audit-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = CommandAudit(path: path, resume: true)
        for text in ["one", "two"] {
            let id = first.nextID()
            first.append(CommandRecord(
                id: id, agent: "a", pane: "%1", text: text, forced: false, outcome: .sent, method: .literal,
                attempts: 1, enterPresses: 1, errorCode: nil, errorMessage: nil, queuedAt: 1, finishedAt: 2
            ))
        }
        let second = CommandAudit(path: path, resume: true)
        #expect(second.records(agent: "a").map(\.text) == ["one", "two"])
        #expect(second.nextID() == 3)
        #expect(CommandAudit(path: path).records().isEmpty)
    }
}
