import FlotillaCore
import GRDB
import Testing

@testable import FlotillaStore

/// Retention finds rows in a read and deletes them in a later write: a row that came back to
/// life in between (a goal retried, a finding proposed again) must survive the delete.
@Suite struct RecordRetentionRaceTests {
    typealias Fixture = RecordRetentionTests

    @Test("a goal retried and a finding proposed again between the read and the delete stay; the rest goes")
    func rowsThatCameBackToLifeStay() async throws {
        let (store, _) = try Fixture.store()
        let retried = Fixture.goal("g-retried", state: .failed, at: Fixture.old)
        let failedAgain = Fixture.goal("g-failed-again", state: .cancelled, at: Fixture.old)
        try await store.commit([
            .saveGoal(retried), .saveGoal(failedAgain),
            .saveGoal(Fixture.goal("g-gone", state: .done, at: Fixture.old)),
            .saveAutonomyFinding(Fixture.finding("todo:again", status: .failed, decidedAt: Fixture.old)),
            .saveAutonomyFinding(Fixture.finding("todo:gone", status: .done, decidedAt: Fixture.old)),
        ])
        let retention = RecordRetention(cutoffs: Fixture.cutoffs, limit: 100)
        let found = try await store.pool.read { try retention.candidates($0) }
        #expect(Set(found.goals) == ["g-retried", "g-failed-again", "g-gone"])
        #expect(Set(found.findings) == ["todo:again", "todo:gone"])

        // Meanwhile: one goal is retried (queued again), another retried and failed again just
        // now (final, but recent), and the finding is proposed again as a new goal.
        let back = try retried.retried(now: Fixture.now)
        let again = try failedAgain.retried(now: Fixture.now - 60).moving(to: .planning, now: Fixture.now - 50).moving(to: .failed, reason: "again", now: Fixture.now - 10)
        try await store.commit([
            .saveGoal(back), .saveGoal(again),
            .saveAutonomyFinding(Fixture.finding("todo:again", status: .proposed, decidedAt: nil, goalID: "g-new")),
        ])

        let count = try await store.pool.write { db in
            var count = PruneCount()
            try retention.delete(found, db: db, into: &count)
            return count
        }
        #expect(count.goals == 1 && count.goalIDs == ["g-gone"], "only the goal still final and old went, and only it is reported")
        #expect(count.findings == 1)
        #expect(try await store.goal(id: "g-retried")?.state == .queued)
        #expect(try await store.goal(id: "g-failed-again")?.state == .failed)
        #expect(try await store.goal(id: "g-gone") == nil)
        #expect(try await store.autonomyFindings(limit: 10).map(\.fingerprint) == ["todo:again"])
    }
}
