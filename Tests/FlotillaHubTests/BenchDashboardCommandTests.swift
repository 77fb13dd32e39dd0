import FlotillaCore
import Foundation
import Testing

/// `flotilla bench dashboard` end to end, small: the real binary seeds its store, connects its
/// agents and times every load and page it was asked for (the figures themselves are
/// docs/dashboard.md's, from a release build at full size).
@Suite struct BenchDashboardCommandTests {
    @Test func aSmallRunTimesEveryLoadAndPage() async throws {
        // Waited on a thread of its own (ChildOutput): this test read the benchmark's output on
        // the suite's cooperative pool, holding one of its two threads for the whole run while
        // the hubs of the tests beside it (in this process) needed them.
        let errors = TestHub.temporaryDirectory() + "/stderr"
        let (status, data) = try await ChildOutput.run(
            HubProcess.binary, ["bench", "dashboard", "--tasks", "400", "--agents", "5", "--loads", "3", "--pages", "2", "--json"],
            errorFile: errors, timeout: 120
        )
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(stderr)")
        let report = try JSONValue.parse(data)
        #expect(report["tasks"] == 400 && report["agents"] == 5)
        #expect(report["first_load"]?["n"] == 3)
        let firstData = report["first_data"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(firstData.contains("/api/stats/history?minutes=15") && firstData.contains("/api/tasks?limit=50") && firstData.contains("/api/agents"))
        let pages = try #require(report["pages"]?.objectValue)
        #expect(pages.count == 4)
        for (name, figures) in pages {
            #expect(figures["n"] == 2, "\(name)")
            let p50 = figures["p50_ms"]?.doubleValue ?? 0
            #expect(p50 > 0 && p50 <= figures["p99_ms"]?.doubleValue ?? 0, "\(name): \(figures)")
        }
    }
}
