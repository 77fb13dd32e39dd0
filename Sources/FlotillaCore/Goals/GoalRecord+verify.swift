extension GoalRecord {
    /// What every merge onto the goal branch and the finished branch must pass: the goal's
    /// own commands (`goal add --verify`), then its accepted plan's top-level `verify`, each
    /// once, in that order.
    public var verifyCommands: [String] {
        var seen: Set<String> = []
        let planned = plan?["verify"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return (verify + planned).filter { seen.insert($0).inserted }
    }
}
