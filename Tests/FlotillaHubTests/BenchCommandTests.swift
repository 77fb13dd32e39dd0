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
}
