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

    /// A batch's lines go in multi-row statements of 16: a batch of 37 lines (more than two
    /// statements' worth, the last one short), where some attempts have several lines (streamed
    /// sums, then the final one), keeps exactly each attempt's last line.
    @Test func aBatchKeepsEachAttemptsLastLineAcrossStatements() async throws {
        let store = try SQLiteStore(configuration: .init(path: EngineHarness.temporaryDatabase()))
        let now = Timestamp.now()
        var writes: [StoreWrite] = []
        for index in 0..<37 {
            // Tasks t0…t24; t0…t11 get a second, later line that must win.
            let task = "t\(index % 25)"
            let isLast = index >= 25 || index % 25 >= 12
            var record = UsageRecord(
                taskID: task, attempt: 1, agentID: "w1", role: "coder", type: "code.fix",
                day: UTCDay.name(now), recordedAt: now, isFinal: isLast
            )
            record.usage = Usage(inputTokens: index, outputTokens: 1, cachedTokens: 0, usd: isLast ? 0.01 : 0.5)
            writes.append(.saveUsage(record))
        }
        try await store.commit(writes)
        let report = try await store.costs(CostQuery(by: .task))
        #expect(report.totals.count == 25)
        #expect(report.totals.allSatisfy { $0.attempts == 1 && abs($0.usage.usd - 0.01) < 1e-9 }, "\(report.totals)")
        let t3 = try #require(report.totals.first { $0.key == "t3" })
        #expect(t3.usage.inputTokens == 28)
    }

    /// A goal's costs are its own lines only, read through the ledger's goal index.
    @Test func goalCostsAreTheAskedGoalsLinesOnly() async throws {
        let store = try SQLiteStore(configuration: .init(path: EngineHarness.temporaryDatabase()))
        let now = Timestamp.now()
        var writes: [StoreWrite] = []
        for (index, goal) in ["g1", "g1", "g2", nil].enumerated() {
            var record = UsageRecord(taskID: "t\(index)", attempt: 1, agentID: "w1", role: "coder", type: "goal.step", goal: goal, day: UTCDay.name(now), recordedAt: now, isFinal: true)
            record.usage = Usage(inputTokens: 10, outputTokens: 1, cachedTokens: 0, usd: 0.25)
            writes.append(.saveUsage(record))
        }
        try await store.commit(writes)
        let costs = try await store.goalCosts(ids: ["g1", "g3"])
        #expect(Set(costs.keys) == ["g1"])
        #expect(costs["g1"]?.attempts == 2)
        #expect(abs((costs["g1"]?.usage.usd ?? 0) - 0.5) < 1e-9)
        #expect(try await store.goalCosts(ids: []).isEmpty)
    }
}
