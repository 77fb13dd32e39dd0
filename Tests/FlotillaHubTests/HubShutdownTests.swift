import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// `Hub.serve` for an embedded hub (the tests, the benchmark): once it returns, nothing of the
/// process points into the hub's data directory any more.
@Suite struct HubShutdownTests {
    /// The descriptors of this process open on files under `directory`.
    static func descriptors(under directory: String) -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
            .filter { $0.hasPrefix(directory + "/") }
    }

    /// Every hub a test served kept its SQLite files (the database, its WAL and shared memory,
    /// some ten descriptors) open after it stopped; the agent target reached 1,300 descriptors.
    @Test func aServedHubClosesItsDatabaseWhenItStops() async throws {
        let directory = TestHub.temporaryDirectory()
        try await TestHub.run(dataDirectory: directory) { hub in
            _ = try await hub.client.submit(["type": "code.generate", "role": "nobody"])
            #expect(!Self.descriptors(under: directory).isEmpty, "the running hub has its database open")
        }
        #expect(Self.descriptors(under: directory).isEmpty, "\(Self.descriptors(under: directory))")
    }
}
