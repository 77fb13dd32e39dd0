import Foundation

extension Fleet {
    /// An agent that ended soon after it started.
    public struct StartFailure: Sendable, Hashable {
        public var name: String
        /// Its exit status, when tmux (or the supervisor) recorded one.
        public var status: Int?
        /// Its last lines of output (from its log).
        public var lastLines: [String]
    }

    /// Watches the agents for `duration` after `up` and returns those that exited meanwhile
    /// (dead, or already restarted by the supervisor), with their exit status and last output.
    public func startFailures(within duration: Duration) async throws -> [StartFailure] {
        var failed: [String: Int?] = [:]
        let deadline = ContinuousClock.now + duration
        repeat {
            for pane in try await agentPanes() {
                guard let name = pane.agentName, pane.isDead || pane.restarts > 0 else { continue }
                let status = pane.isDead ? pane.deadStatus : pane.lastExit
                if failed[name] == nil || failed[name]! == nil { failed[name] = .some(status) }
            }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return failed.keys.sorted().map { name in
            StartFailure(name: name, status: failed[name] ?? nil, lastLines: LogTail.last(5, of: logPath(name)))
        }
    }
}
