import FlotillaCore
import FlotillaStore
import Testing

/// The ledger's totals a hub starts with, read back from a real SQLite file: today's lines
/// only, found by time (the ledger has no index on `day`), a line opened yesterday and
/// recorded after midnight counting for yesterday, as it did when it was spent.
@Suite struct LedgerSnapshotTests {
    @Test func aStartCountsTodaysLinesOnly() async throws {
        let store = try SQLiteStore(configuration: .init(path: EngineHarness.temporaryDatabase()))
        let now = Timestamp.now()
        let midnight = Double(UTCDay.index(now)) * 86_400
        func line(_ task: String, role: String, openedAt: Double, recordedAt: Double, usd: Double) -> UsageRecord {
            var record = UsageRecord(
                taskID: task, attempt: 1, agentID: "w1", role: role, type: "code.fix",
                day: UTCDay.name(openedAt), recordedAt: recordedAt, isFinal: true
            )
            record.usage = Usage(inputTokens: 10, outputTokens: 5, cachedTokens: 0, usd: usd)
            return record
        }
        try await store.commit([
            .saveUsage(line("today", role: "coder", openedAt: midnight + 1, recordedAt: max(midnight + 2, now - 1), usd: 0.25)),
            .saveUsage(line("spanning", role: "coder", openedAt: midnight - 60, recordedAt: midnight + 1, usd: 0.5)),
            .saveUsage(line("yesterday", role: "tester", openedAt: midnight - 3_600, recordedAt: midnight - 1_800, usd: 1)),
        ])
        let usage = try await store.loadSnapshot().usage
        #expect(abs(usage.daySpent - 0.25) < 1e-9)
        #expect(usage.roleSpent == ["coder": 0.25])
    }
}
