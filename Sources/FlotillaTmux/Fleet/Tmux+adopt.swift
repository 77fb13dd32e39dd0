import FlotillaCore

extension Tmux {
    /// Marks the panes of `session`, a tmux session Flotilla did not start, as watched agents,
    /// so a hub watching this socket (`--watch-panes`) picks them up on its next scan: pane
    /// option `@flotilla_agent` (the session's name for a one-pane session, else
    /// `SESSION-1` … `SESSION-N` in pane order) and `@flotilla_kind` (the screen rules to read
    /// them with). Panes already marked keep their names. Returns the agent names.
    ///
    /// Nothing else changes: no fleet file, no supervisor (a crashed adopted agent is not
    /// restarted), no log pipe.
    @discardableResult
    public func adopt(session: String, kind: String = "claude") async throws -> [String] {
        guard try ScreenClassifier(kind: kind).kind == kind else {
            throw FleetError(.invalidField, "unknown kind '\(kind)' (one of \(FleetFile.kinds.sorted().joined(separator: ", ")))", field: "kind")
        }
        let panes = try await listPanes(session: session)
        guard !panes.isEmpty else {
            throw TmuxError(.paneNotFound, "no tmux session '\(session)' on socket '\(configuration.socketName)' (for your own tmux server use socket 'default')")
        }
        let base = Self.agentName(fromSession: session)
        var names: [String] = []
        for (index, pane) in panes.enumerated() {
            if let known = pane.agentName {
                names.append(known)
                continue
            }
            let name = panes.count == 1 ? base : "\(base)-\(index + 1)"
            try await setPaneOption(pane.id, "@flotilla_kind", kind)
            try await setPaneOption(pane.id, "@flotilla_agent", name)
            names.append(name)
        }
        return names
    }

    /// Takes `session`'s adopted panes out of watching again (fleet panes are left alone);
    /// returns the agent names that were removed.
    @discardableResult
    public func release(session: String) async throws -> [String] {
        var names: [String] = []
        for pane in try await listPanes(session: session) where pane.agentName != nil {
            guard let kind = try? await run(["show-options", "-p", "-v", "-t", pane.id, "@flotilla_kind"]),
                  !kind.trimmingWhitespace().isEmpty else { continue }
            _ = try? await run(["set-option", "-p", "-u", "-t", pane.id, "@flotilla_agent"])
            _ = try? await run(["set-option", "-p", "-u", "-t", pane.id, "@flotilla_kind"])
            names.append(pane.agentName!)
        }
        return names
    }

    /// An agent name (letters, digits, `- _ .`) made from a session name.
    static func agentName(fromSession session: String) -> String {
        let cleaned = String(session.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
        return cleaned.first.map { $0.isLetter || $0.isNumber } == true ? cleaned : "s" + cleaned
    }
}
