import FlotillaCore
import FlotillaEngine
import Synchronization

extension AutonomyService {
    /// `GET /api/autonomy`: `{enabled, state, budget: {day_usd, spent_usd, left_usd, day},
    /// scan_every, last_scan_at, next_scan_at, repos, decisions (newest first), findings
    /// (most recently seen first, at most `limit`)}`.
    public func status(limit: Int = 100) async throws -> JSONValue {
        let now = configuration.clock.now()
        let findings = try await engine.autonomyFindings()
        let spent = await spentToday(now: now, findings: findings)
        let policy = configuration.policy
        let (current, lastScan, decisions) = state.withLock { ($0.state, $0.lastScan, $0.decisions) }
        return [
            "enabled": true,
            "state": current.map { .string($0.rawValue) } ?? .null,
            "budget": [
                "day_usd": .double(policy.dayBudgetUSD), "spent_usd": .double(Usage.rounded(spent)),
                "left_usd": .double(Usage.rounded(max(0, policy.dayBudgetUSD - spent))), "day": .string(UTCDay.name(now)),
            ],
            "scan_every": .double(policy.scanEvery), "cooldown": .double(policy.cooldown),
            "last_scan_at": lastScan.map(JSONValue.double) ?? .null,
            "next_scan_at": .double(policy.nextScan(lastScan: lastScan, now: now)),
            "repos": .array(configuration.repos.map(\.json)),
            "decisions": .array(decisions.reversed().map(\.json)),
            "findings": .array(findings.prefix(max(1, limit)).map(\.json)),
        ]
    }
}
