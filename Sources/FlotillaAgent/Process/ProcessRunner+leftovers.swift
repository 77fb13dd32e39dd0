import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ProcessRunner {
    /// How often the main process is checked for having exited while its output is still open.
    static let exitPollInterval: Duration = .milliseconds(100)

    /// Returns `.leftovers` once the program `pid` has exited and `grace` has passed with its
    /// output still open (a background child holds it); `.idle` when cancelled first, which
    /// happens as soon as the output closes.
    ///
    /// The output closing is what normally ends a run; a process the program left behind keeps
    /// the pipe open, so without this the attempt, and the agent's slot, would wait for ever.
    static func leftoversOutlast(_ pid: pid_t, grace: Duration) async -> Event {
        do {
            while isRunning(pid) { try await Task.sleep(for: exitPollInterval) }
            try await Task.sleep(for: grace)
        } catch {
            return .idle
        }
        return .leftovers
    }

    /// After the program exited: when processes it started are still in its group, gives them
    /// `grace` to finish, then ends the group (SIGTERM, then SIGKILL). Returns whether it had
    /// to. A task must not leave servers or watchers running on the agent's machine, holding
    /// its files, ports and the output it was given.
    static func endLeftovers(of group: pid_t, grace: Duration) async -> Bool {
        guard group > 0 else { return false }
        let deadline = ContinuousClock.now + grace
        while kill(-group, 0) == 0 {
            guard ContinuousClock.now < deadline else {
                _ = await killGroup(group)
                return true
            }
            try? await Task.sleep(for: exitPollInterval)
        }
        return false
    }

    /// Whether `pid` still runs: it exists and is not a zombie waiting to be reaped.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            // Gone (already reaped); without /proc a zombie counts as running.
            return kill(pid, 0) == 0
        }
        // `pid (comm) S …`: the state follows the last ')' (comm may hold spaces and parens).
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }
}
