import FlotillaCore
import GRDB

/// Retention of what issues 24 and 25 added: finished workflow runs, decided approvals, final
/// goals and the initiative's finished findings. Like tasks, each kind is found in a read and
/// deleted by key in the retention's one short write, which checks the state again (a row that
/// came back to life meanwhile stays). Rows something still reads are kept whatever their age:
/// - a run a goal that has not ended points at (the goal reads its run);
/// - the newest run of each schedule (its `trigger_key` says when the schedule last fired; without
///   it, a restart would fire that slot again);
/// - an approval a goal waiting on its plan, or a finding still `proposed`, points at (they read
///   its decision);
/// - a goal a `proposed` finding points at (the finding is settled from its goal's end);
/// - `rejected` and `proposed` findings (a rejected finding is never proposed again), and
///   `done`/`failed` ones within the initiative's cooldown (``RetentionCutoffs/findings``).
struct RecordRetention {
    /// What one batch found to delete.
    struct Candidates {
        var runs: [String] = []
        var approvals: [String] = []
        var goals: [String] = []
        var findings: [String] = []
    }

    let cutoffs: RetentionCutoffs
    let limit: Int

    // MARK: what stays whatever its age

    static let finalGoal = "('done','failed','cancelled')"

    /// Runs a goal that has not ended points at.
    static let runsInUse = "SELECT run_id FROM goals WHERE run_id IS NOT NULL AND state NOT IN \(finalGoal)"

    /// A scheduled run with no newer run of the same schedule (its key without the slot's
    /// digits is the schedule's prefix; "newer" as `latestTriggerKey` orders: created, then id).
    static let latestOfSchedule = """
        (r.trigger_kind = 'schedule' AND r.trigger_key IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM workflow_runs AS n WHERE n.workflow = r.workflow AND n.created_at >= r.created_at
            AND (n.created_at > r.created_at OR n.id > r.id) AND n.trigger_key IS NOT NULL
            AND substr(n.trigger_key, 1, length(rtrim(r.trigger_key, '0123456789'))) = rtrim(r.trigger_key, '0123456789')))
        """

    /// Approvals a goal waiting on its plan, or a proposed finding, reads.
    static let approvalsInUse = """
        SELECT approval_id FROM autonomy_findings WHERE status = 'proposed' AND approval_id IS NOT NULL
        UNION ALL
        SELECT json_extract(details, '$.planning.approval_id') FROM goals
          WHERE state NOT IN \(finalGoal) AND json_valid(details) AND json_extract(details, '$.planning.approval_id') IS NOT NULL
        """

    /// Goals a proposed finding is settled from.
    static let goalsInUse = "SELECT goal_id FROM autonomy_findings WHERE status = 'proposed' AND goal_id IS NOT NULL"

    // MARK: the conditions, shared by the read and the re-check in the delete

    static let finishedRun = """
        r.status IN ('succeeded','failed','cancelled') AND coalesce(r.ended_at, r.updated_at) < ?
          AND r.id NOT IN (\(runsInUse)) AND NOT \(latestOfSchedule)
        """
    static let decidedApproval = """
        state IN ('allowed','denied') AND created_at < ? AND coalesce(decided_at, created_at) < ?
          AND id NOT IN (\(approvalsInUse))
        """
    static let finalGoalRow = "state IN \(finalGoal) AND coalesce(ended_at, updated_at) < ? AND id NOT IN (\(goalsInUse))"
    static let finishedFinding = "status IN ('done','failed') AND coalesce(decided_at, last_seen) < ?"

    /// Finds up to `limit` of each kind (in a read: it does not hold the writer).
    func candidates(_ db: Database) throws -> Candidates {
        var out = Candidates()
        out.runs = try String.fetchAll(db, sql: "SELECT r.id FROM workflow_runs AS r WHERE \(Self.finishedRun) LIMIT ?", arguments: [cutoffs.rows, limit])
        out.approvals = try String.fetchAll(db, sql: "SELECT id FROM approvals WHERE \(Self.decidedApproval) LIMIT ?", arguments: [cutoffs.rows, cutoffs.rows, limit])
        out.goals = try String.fetchAll(db, sql: "SELECT id FROM goals WHERE \(Self.finalGoalRow) LIMIT ?", arguments: [cutoffs.rows, limit])
        out.findings = try String.fetchAll(db, sql: "SELECT fingerprint FROM autonomy_findings WHERE \(Self.finishedFinding) LIMIT ?", arguments: [cutoffs.findings, limit])
        return out
    }

    /// Deletes the candidates that still qualify (in the retention's write) into `count`.
    func delete(_ found: Candidates, db: Database, into count: inout PruneCount) throws {
        if !found.runs.isEmpty {
            let (marks, ids) = Self.bind(found.runs)
            try db.execute(sql: "DELETE FROM workflow_runs AS r WHERE r.id IN (\(marks)) AND \(Self.finishedRun)", arguments: ids + [cutoffs.rows])
            count.runs = db.changesCount
            // The steps of the runs that went (a run kept keeps its steps).
            try db.execute(sql: "DELETE FROM workflow_run_steps WHERE run_id IN (\(marks)) AND run_id NOT IN (SELECT id FROM workflow_runs WHERE id IN (\(marks)))", arguments: ids + ids)
        }
        if !found.approvals.isEmpty {
            let (marks, ids) = Self.bind(found.approvals)
            try db.execute(sql: "DELETE FROM approvals WHERE id IN (\(marks)) AND \(Self.decidedApproval)", arguments: ids + [cutoffs.rows, cutoffs.rows])
            count.approvals = db.changesCount
        }
        if !found.goals.isEmpty {
            let (marks, ids) = Self.bind(found.goals)
            try db.execute(sql: "DELETE FROM goals WHERE id IN (\(marks)) AND \(Self.finalGoalRow)", arguments: ids + [cutoffs.rows])
            count.goals = db.changesCount
            // The ones really deleted: a goal retried meanwhile is not final any more.
            let kept = Set(try String.fetchAll(db, sql: "SELECT id FROM goals WHERE id IN (\(marks))", arguments: ids))
            count.goalIDs = found.goals.filter { !kept.contains($0) }
        }
        if !found.findings.isEmpty {
            let (marks, ids) = Self.bind(found.findings)
            try db.execute(sql: "DELETE FROM autonomy_findings WHERE fingerprint IN (\(marks)) AND \(Self.finishedFinding)", arguments: ids + [cutoffs.findings])
            count.findings = db.changesCount
        }
    }

    static func bind(_ ids: [String]) -> (marks: String, arguments: StatementArguments) {
        (ids.map { _ in "?" }.joined(separator: ","), StatementArguments(ids))
    }
}
