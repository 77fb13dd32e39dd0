import FlotillaCore
import Foundation
import Testing

/// `flotilla bench` end to end: the real binary, its embedded hub and its WebSocket agents.
@Suite struct BenchCommandTests {
    /// Small, so it proves the pieces fit rather than measuring: every task must complete (the
    /// agents count a completion when the hub acknowledges it) and every round trip is timed.
    @Test func aSmallRunCompletesEveryTaskAndTimesEveryRoundTrip() async throws {
        let (status, data) = try await ChildOutput.run(
            HubProcess.binary, ["bench", "--tasks", "600", "--agents", "3", "--concurrency", "16", "--batch", "250", "--round-trips", "20", "--json"],
            timeout: 120
        )

        #expect(status == 0)
        let report = try JSONValue.parse(data)
        #expect(report["tasks"] == 600)
        #expect((report["completed_per_second"]?.doubleValue ?? 0) > 0)
        #expect((report["submitted_per_second"]?.doubleValue ?? 0) > 0)
        #expect(report["round_trip_ms"]?["n"] == 20)
        let p50 = report["round_trip_ms"]?["p50"]?.doubleValue ?? 0
        let p99 = report["round_trip_ms"]?["p99"]?.doubleValue ?? 0
        #expect(p50 > 0 && p50 <= p99)
    }

    /// The ledger's benchmark compares `--with-cost` with `--with-unread-cost`: the same result
    /// bytes, of which only the first become ledger lines (docs/costs.md, "Cost of the ledger").
    @Test func withCostWritesALedgerLinePerTaskAndTheUnreadBaselineWritesNone() async throws {
        try await TestHub.run { hub in
            let url = "http://127.0.0.1:\(hub.port)"
            let common = ["bench", "--hub", url, "--token", hub.adminToken, "--tasks", "300", "--agents", "2", "--concurrency", "8", "--batch", "100", "--round-trips", "2", "--json"]
            let (costStatus, costData) = try await ChildOutput.run(HubProcess.binary, common + ["--with-cost"], timeout: 120)
            #expect(costStatus == 0)
            #expect(try JSONValue.parse(costData)["results"] == "cost")
            let afterCost = try await hub.client.costs(query: ["by": "type", "since": "1h"])
            #expect(afterCost["total"]?["attempts"] == 300, "\(afterCost)")

            let (unreadStatus, unreadData) = try await ChildOutput.run(HubProcess.binary, common + ["--with-unread-cost"], timeout: 120)
            #expect(unreadStatus == 0)
            #expect(try JSONValue.parse(unreadData)["results"] == "unread_cost")
            let afterUnread = try await hub.client.costs(query: ["by": "type", "since": "1h"])
            #expect(afterUnread["total"]?["attempts"] == 300, "the unread cost wrote ledger lines: \(afterUnread)")

            let (bothStatus, bothData) = try await ChildOutput.run(HubProcess.binary, common + ["--with-cost", "--with-unread-cost"], errorsToo: true, timeout: 60)
            #expect(bothStatus != 0)
            #expect(String(decoding: bothData, as: UTF8.self).contains("one after the other"))
        }
    }
}
