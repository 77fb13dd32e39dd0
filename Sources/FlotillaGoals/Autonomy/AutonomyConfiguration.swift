public import FlotillaCore

/// The hub's own initiative as configured (`flotilla hub --autonomy …`, docs/goals.md): off
/// unless the hub has one.
public struct AutonomyConfiguration: Sendable {
    /// Budget, scan interval, cooldown, open proposals at most.
    public var policy: AutonomyPolicy
    /// The repositories it scans, each with its commands.
    public var repos: [AutonomyRepo]
    /// Its time (tests inject their own).
    public var clock: any AutonomyClock
    /// Most seconds one scanning command may run. Default 600.
    public var commandTimeout: Double = 600
    /// Seconds between passes when nothing wakes it earlier. Default 1.
    public var tick: Double = 1
    /// Seconds an agent is offline holding work before its attempts are released (instead of
    /// its whole lease): long enough for a reconnect, as after a hub restart. Default 10.
    public var healGrace: Double = 10

    public init(policy: AutonomyPolicy = AutonomyPolicy(), repos: [AutonomyRepo] = [], clock: any AutonomyClock = SystemAutonomyClock()) {
        self.policy = policy
        self.repos = repos
        self.clock = clock
    }

    /// `--autonomy-repo` paths added to the file's repositories (a path the file lists keeps
    /// the file's commands; another scans only its TODO/FIXME lines).
    public mutating func add(repoPaths: [String]) {
        for path in repoPaths {
            let repo = AutonomyRepo(path: path)
            if !repos.contains(where: { $0.path == repo.path }) { repos.append(repo) }
        }
    }
}
