import FlotillaHub
import Foundation
import Testing

/// Issue 19 item 10: the hub creates its data directory (admin token, database) for its owner
/// only, so other users cannot list or read it.
@Suite struct DataDirectoryModeTests {
    @Test func aNewDataDirectoryIsCreated0700() async throws {
        let parent = TestHub.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/fresh/data"
        try await TestHub.run(dataDirectory: directory) { hub in
            let mode = try FileManager.default.attributesOfItem(atPath: hub.dataDirectory)[.posixPermissions] as? Int
            #expect(mode == 0o700, "data directory mode \(String(mode ?? -1, radix: 8))")
            let token = try FileManager.default.attributesOfItem(atPath: hub.dataDirectory + "/admin.token")[.posixPermissions] as? Int
            #expect(token == 0o600)
        }
    }
}
