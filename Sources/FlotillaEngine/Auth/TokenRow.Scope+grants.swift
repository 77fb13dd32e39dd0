public import FlotillaStore

extension TokenRow.Scope {
    /// Whether a token of this scope may use a route that needs `needed`.
    ///
    /// viewer < submitter < admin is a ladder; `agent` stands apart: only agent and admin
    /// tokens reach the agent socket, and an agent token reaches nothing else.
    public func grants(_ needed: TokenRow.Scope) -> Bool {
        switch (self, needed) {
        case (.admin, _): true
        case (.agent, .agent): true
        case (.submitter, .submitter), (.submitter, .viewer): true
        case (.viewer, .viewer): true
        default: false
        }
    }
}
