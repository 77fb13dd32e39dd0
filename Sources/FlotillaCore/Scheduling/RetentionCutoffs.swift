/// The times one retention pass deletes before (seconds since 1970).
public struct RetentionCutoffs: Sendable, Hashable {
    /// Finished tasks, events, offline agents, ended deliveries, finished runs, decided
    /// approvals and final goals that ended before this go.
    public var rows: Double
    /// `done` and `failed` findings that ended before this go (never `proposed` or `rejected`).
    public var findings: Double

    public init(rows: Double, findings: Double) {
        self.rows = rows
        self.findings = findings
    }
}
